"""Property-based fuzzing of the whole API from its OpenAPI document (schemathesis 4).

Every operation gets up to MAX_EXAMPLES generated requests (valid and invalid, with a valid
token) against the demo workspace, through the ASGI app in-process. Each response must not be a
5xx and must match the documented status codes, media types and schemas. The check that every
schema-valid request succeeds (``positive_data_acceptance``) is left out on purpose: a
well-formed request can still name an account that does not exist or a peer group under 10,
and those are correct 404/422 answers.
"""

from __future__ import annotations

import collections
import os
import secrets
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from agent.api.app import create_api
from agent.api.auth import ApiState, ScopeRegistry
from tools.store.tokens import TAG, digest
from tools.store.workspace import Workspace, now_iso

# Generated requests per operation in the fuzzing phase (the examples and coverage phases add their
# own deterministic cases); the whole run stays under a minute. A deeper run:
# PEERBENCH_FUZZ_EXAMPLES=300 .venv/bin/python -m pytest tests/agent/api/test_fuzz.py
MAX_EXAMPLES = int(os.environ.get("PEERBENCH_FUZZ_EXAMPLES") or 25)
MIN_CASES = 5       # an operation that got fewer cases was not really fuzzed
APP = create_api(Path(tempfile.gettempdir()) / "peerbench-fuzz-unset.db")  # the fixture points it at a demo copy
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)
CASES: collections.Counter[str] = collections.Counter()
STATUSES: collections.Counter[int] = collections.Counter()
# Known at import: schemathesis builds some cases (with their headers) while collecting; the
# fixture stores this token's hash in the workspace, as `peerbench token create` would.
TOKEN = TAG + secrets.token_urlsafe(32)


@schema.auth()
class Bearer:
    """The token goes on every case, except those where schemathesis drops it on purpose (expecting 401)."""

    def get(self, case, context):
        return TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture(scope="module")
def workspace(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "peerbench.db"
    shutil.copy(demo_db, path)
    ws = Workspace(path)
    APP.state.peerbench = ApiState(main_db=path.resolve(), scopes=ScopeRegistry())
    with ws.write() as db:
        db["api_tokens"].insert({"name": "fuzz", "user": "", "token_hash": digest(TOKEN), "prefix": TOKEN[:10],
                                 "created_at": now_iso()})
    yield ws
    ws.close()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, workspace):
    CASES[case.operation.label] += 1
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    STATUSES[response.status_code] += 1


def test_every_operation_was_fuzzed(capsys):
    operations = {r.ok().label for r in schema.get_all_operations()}
    assert operations and set(CASES) == operations, operations ^ set(CASES)
    thin = {op: n for op, n in CASES.items() if n < MIN_CASES}
    assert not thin, thin
    with capsys.disabled():
        print(f"\nschemathesis: {len(CASES)} operations, {sum(CASES.values())} requests "
              f"({min(CASES.values())}-{max(CASES.values())} per operation), statuses {dict(sorted(STATUSES.items()))}")

