"""Real processes at once: 8 importers of the same new accounts, 8 first openers of a new workspace."""

from __future__ import annotations

from tests.hostile.harness import PROCESSES, concurrent_first_opens, concurrent_imports
from tools.store.migrations import migrations

ROUNDS = 6  # each round releases 8 processes together; the WAL switch lost ~2% of first opens before its retry


def test_simultaneous_imports_of_the_same_new_accounts_all_succeed(tmp_path):
    for _ in range(ROUNDS):
        results, stored = concurrent_imports(tmp_path, accounts=40)
        errors = [r[1] for r in results if r[0] != "ok"]
        assert errors == [] and len(results) == PROCESSES
        assert stored == 40  # each account once
        assert sum(r[1] for r in results) == 40  # created by exactly one importer ...
        assert sum(r[2] for r in results) == 40 * (PROCESSES - 1)  # ... and updated by the others


def test_simultaneous_first_opens_of_a_new_workspace_all_succeed(tmp_path):
    for _ in range(ROUNDS):
        results, applied = concurrent_first_opens(tmp_path)
        errors = [r[1] for r in results if r[0] != "ok"]
        assert errors == [] and len(results) == PROCESSES
        assert applied == [m.name for m in migrations._migrations]  # each migration recorded once
