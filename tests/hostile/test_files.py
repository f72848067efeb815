"""Every generated hostile file is refused with file, row and column, and changes nothing."""

from __future__ import annotations

import openpyxl
import pytest

from tests.hostile.files import cases
from tests.hostile.harness import build_base, try_file

CASES = cases()


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    return build_base(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_is_refused_cleanly(case, base_db, tmp_path):
    outcome = try_file(base_db, case, tmp_path)
    assert outcome.refused, outcome.message
    assert outcome.located, (case.row, case.column, case.says, outcome.message)
    assert outcome.unchanged, outcome.message


def test_the_suite_tries_enough_files():
    assert len(CASES) >= 50 and len({c.name for c in CASES}) == len(CASES)


BOMBS = [c for c in CASES if c.name in ("zip_bomb.xlsx", "zip_many_parts.xlsx", "shared_strings_40mb.xlsx",
                                        "shared_strings_count.xlsx")]


@pytest.mark.parametrize("case", BOMBS, ids=[c.name for c in BOMBS])
def test_xlsx_bombs_are_refused_before_openpyxl_parses(case, base_db, tmp_path, monkeypatch):
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("openpyxl parsed a bomb"))
    outcome = try_file(base_db, case, tmp_path)
    assert outcome.clean, outcome.message
