"""``/api/intelligence``: benchmark and success intelligence for one account (the requirements' paths)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from agent.api.auth import CallerDep
from agent.api.benchmarks import CohortParam, CustomerId, MetricsParam, account_name, compare_input, only_metrics
from agent.api.models import CamelRequest, SuccessIntelligence, derive, to_tool
from agent.api.problems import responses
from agent.api.success import GoalFields, create_goal
from agent.api.uploads import JSON_BODY_LIMIT
from tools.base import ToolError
from tools.compare.cohorts import CohortCriteria
from tools.compare.compare_customer import CompareCustomerInput, CompareCustomerOutput, compare_customer
from tools.success.compute_roi import ComputeRoiInput, compute_roi
from tools.success.manage_goals import ManageGoalsOutput

router = APIRouter(tags=["intelligence"], max_body_size=JSON_BODY_LIMIT)
ERRORS = responses(401, 404, 422)


class _IndustryCohort(CohortParam):
    cohort: str = Field("industry", min_length=1, max_length=100,
                        description=CohortParam.model_fields["cohort"].description)


IntelligenceQuery = derive("IntelligenceQuery", CompareCustomerInput, include=("benchmark", "anonymise"),
                           base=_IndustryCohort)
_CompareOptions = derive("CompareOptions", CompareCustomerInput, include=("benchmark", "anonymise"), base=MetricsParam,
                         json=True)
CustomCohort = derive("CustomCohort", CohortCriteria, base=_CompareOptions, json=True,
                      doc="Peer-group criteria (every given field must match; camelCase: arrMin, arrMax, ...) "
                          "and how to compare.")


class _Benchmarks(CamelRequest):
    include_benchmarks: bool = Field(True, description="also compare the account with its peers and the "
                                     "benchmark set (compare_customer)")


SuccessQuery = derive("SuccessQuery", ComputeRoiInput, exclude=("customer",), base=_Benchmarks)


@router.get("/api/intelligence/benchmark/{customerId}", response_model=CompareCustomerOutput, responses=ERRORS,
            summary="One account vs its industry peers (by default) and the benchmark set")
def get_benchmark_intelligence(caller: CallerDep, customer_id: CustomerId, q: Annotated[IntelligenceQuery, Query()]):
    out = compare_customer(caller.ws, compare_input(account_name(caller, customer_id), q))
    return only_metrics(out, q.metrics)


@router.post("/api/intelligence/benchmark/{customerId}/custom-cohort", response_model=CompareCustomerOutput,
             responses=ERRORS, summary="One account vs a peer group given by criteria (industry, arrMin, arrMax, ...)")
def post_custom_cohort(caller: CallerDep, customer_id: CustomerId, body: CustomCohort):
    criteria = CohortCriteria(**body.model_dump(include=set(CohortCriteria.model_fields)))
    out = compare_customer(caller.ws, compare_input(account_name(caller, customer_id), body, "custom", criteria))
    return only_metrics(out, body.metrics)


@router.get("/api/intelligence/success-metrics/{customerId}", response_model=SuccessIntelligence,
            responses=ERRORS, summary="Goals, value delivered and ROI, with the account's benchmark position")
def get_success_intelligence(caller: CallerDep, customer_id: CustomerId, q: Annotated[SuccessQuery, Query()]):
    name = account_name(caller, customer_id)
    success = compute_roi(caller.ws, to_tool(q, ComputeRoiInput, exclude={"include_benchmarks"},
                                             customer=name))
    if not q.include_benchmarks:
        return SuccessIntelligence(success=success)
    try:
        return SuccessIntelligence(success=success, benchmarks=compare_customer(
            caller.ws, CompareCustomerInput(customer=name)))
    except ToolError as exc:  # e.g. a peer group under 10: the success figures still stand
        return SuccessIntelligence(success=success, benchmarks_note=exc.message)


@router.post("/api/intelligence/success-metrics/{customerId}/goals", response_model=ManageGoalsOutput,
             status_code=201, responses=ERRORS, summary="Define a success goal for the account")
def post_success_goal(caller: CallerDep, customer_id: CustomerId, body: GoalFields):
    return create_goal(caller, account_name(caller, customer_id), body)
