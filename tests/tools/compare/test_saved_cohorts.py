"""Saved peer groups cannot refer to themselves (found by fuzzing the API: it recursed until Python gave up)."""

from __future__ import annotations

import pytest

from tools.base import ToolError
from tools.compare.build_cohort import BuildCohortInput, build_cohort
from tools.compare.cohorts import CohortCriteria
from tools.compare.compare_customer import CompareCustomerInput, compare_customer


def test_a_cohort_cannot_be_saved_from_itself(demo_ws):
    build_cohort(demo_ws, BuildCohortInput(segment="Enterprise", save_as="ent"))
    with pytest.raises(ToolError, match="cannot be saved as 'ENT' and also start from it"):
        build_cohort(demo_ws, BuildCohortInput(saved="ent", region="EMEA", save_as="ENT"))
    build_cohort(demo_ws, BuildCohortInput(saved="ent", save_as="ent-copy"))
    with pytest.raises(ToolError, match="start from it"):  # nor through another saved cohort
        build_cohort(demo_ws, BuildCohortInput(saved="ent-copy", save_as="ent"))
    with pytest.raises(ToolError, match="needs a name"):
        build_cohort(demo_ws, BuildCohortInput(segment="SMB", save_as="  "))


def test_a_self_referencing_cohort_already_stored_is_an_error_not_a_crash(demo_ws):
    with demo_ws.write() as db:
        db["cohorts"].insert({"name": "loop", "criteria_json": CohortCriteria(saved="loop").model_dump_json(),
                              "size": 0, "created_at": "2026-01-01"})
    with pytest.raises(ToolError, match="refers to itself"):
        compare_customer(demo_ws, CompareCustomerInput(customer="Acme Corp", cohort_type="custom",
                                                       criteria=CohortCriteria(saved="loop")))
