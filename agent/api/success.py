"""Success metrics and goals: ``/api/reports/success-metrics`` and ``/api/success-goals`` (with a goal's
detail, quotes and key results; ``category`` filters goal lists and success metrics).

Every route runs ``compute_roi``, ``portfolio_success`` or ``manage_goals``; a goal's body is
``ManageGoalsInput``'s own fields. ``goalId`` is a goal's id only (never a name that happens to
contain the digits); another workspace's goal is simply not found.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from agent.api.auth import Caller, CallerDep
from agent.api.benchmarks import CustomerId, account_name
from agent.api.models import CamelRequest, CsmId, derive, to_tool
from agent.api.problems import responses
from agent.api.uploads import JSON_BODY_LIMIT
from tools.success.compute_roi import ComputeRoiInput, ComputeRoiOutput, compute_roi
from tools.success.goal_detail import ShowGoalInput, ShowGoalOutput, show_goal
from tools.success.goals import goal_customer
from tools.success.key_result_tool import AddKeyResultInput, AddKeyResultOutput, add_key_result
from tools.success.manage_goals import ManageGoalsInput, ManageGoalsOutput, manage_goals
from tools.success.portfolio_success import PortfolioSuccessInput, PortfolioSuccessOutput, portfolio_success
from tools.success.quotes import AddGoalQuoteInput, AddGoalQuoteOutput, add_goal_quote

router = APIRouter(tags=["success"], max_body_size=JSON_BODY_LIMIT)
ERRORS = responses(401, 404, 422)

EDITABLE = ("name", "description", "category", "metric", "baseline", "target", "unit", "direction", "start_date",
            "target_date", "owner", "weight", "value_type", "value_inputs", "value_amount")
GoalFields = derive("GoalFields", ManageGoalsInput, json=True, include=("template", *EDITABLE, "value", "date", "as_of"),
                    doc="A new success goal: from a template (improve_nps, ...) or from scratch; `value` and "
                        "`date` record a first measurement.")
GoalCreate = derive("GoalCreate", ManageGoalsInput, json=True, include=("customer", "template", *EDITABLE, "value", "date",
                                                              "as_of"), required=("customer",),
                    doc="A new success goal for `customer` (its id or name).")
GoalUpdate = derive("GoalUpdate", ManageGoalsInput, json=True, include=(*EDITABLE, "as_of"),
                    doc="The goal fields to change (the others keep their values).")
Measurement = derive("Measurement", ManageGoalsInput, json=True, include=("value", "date", "as_of"), required=("value",),
                     doc="A measured value of the goal's metric on a date (default: the as-of date).")
Milestone = derive("Milestone", ManageGoalsInput, json=True, include=("milestone_name", "milestone_description",
                                                            "milestone_done", "goal", "date", "as_of"),
                   required=("milestone_name",), doc="A milestone of the account, optionally linked to a goal.")
RoiQuery = derive("RoiQuery", ComputeRoiInput, exclude=("customer",), base=CamelRequest)
class PortfolioSuccessQuery(derive("PortfolioSuccessQueryBase", PortfolioSuccessInput, exclude=("csm",),
                                   base=CamelRequest)):
    """Which accounts; ``csmId`` keeps one CSM's book, ``byCsm`` adds success rates per CSM (issue 17)."""

    csm_id: CsmId = None


GoalListQuery = derive("GoalListQuery", ManageGoalsInput, include=("customer", "category", "as_of"),
                       required=("customer",), base=CamelRequest)
# issue 20: one goal in detail, quotes and key results of a goal
GoalDetailQuery = derive("GoalDetailQuery", ShowGoalInput, include=("as_of",), base=CamelRequest)
QuoteBody = derive("QuoteBody", AddGoalQuoteInput, json=True, include=("text", "person", "date"), required=("text",),
                   doc="A customer quote about the goal (from QBR notes): what was said, by whom, when.")
KeyResultBody = derive("KeyResultBody", AddKeyResultInput, json=True,
                       include=("name", "baseline", "target", "unit", "frequency", "weight", "current", "date"),
                       doc="A key result of the goal: another metric with its own baseline and target.")
GoalId = Annotated[int, Path(alias="goalId", ge=1, le=2**62, description="the goal's id", examples=[1])]


def create_goal(caller: Caller, customer: str, body) -> ManageGoalsOutput:
    return manage_goals(caller.ws, to_tool(body, ManageGoalsInput, exclude={"customer"}, action="create",
                                           customer=customer))


def goal_action(caller: Caller, goal_id: int, action: str, body=None) -> ManageGoalsOutput:
    """``manage_goals`` on goal ``goal_id`` of the caller's workspace (404 when it has none)."""
    customer = goal_customer(caller.ws, goal_id)
    fields = body.model_dump(exclude_none=True) if body is not None else {}
    return manage_goals(caller.ws, ManageGoalsInput(action=action, customer=customer, goal=str(goal_id), **fields))


@router.get("/api/reports/success-metrics/{customerId}", response_model=ComputeRoiOutput, responses=ERRORS,
            summary="An account's success metrics: goals, milestones, progress, value delivered and ROI")
def get_success_metrics(caller: CallerDep, customer_id: CustomerId, q: Annotated[RoiQuery, Query()]):
    return compute_roi(caller.ws, to_tool(q, ComputeRoiInput, customer=account_name(caller, customer_id)))


@router.get("/api/reports/success-metrics", response_model=PortfolioSuccessOutput, responses=ERRORS,
            summary="Goal success across the portfolio (or one segment)")
def get_portfolio_success(caller: CallerDep, q: Annotated[PortfolioSuccessQuery, Query()]):
    return portfolio_success(caller.ws, to_tool(q, PortfolioSuccessInput, exclude={"csm_id"}, csm=q.csm_id))


@router.get("/api/success-goals", response_model=ManageGoalsOutput, responses=ERRORS,
            summary="An account's success goals with their status")
def list_goals(caller: CallerDep, q: Annotated[GoalListQuery, Query()]):
    return manage_goals(caller.ws, ManageGoalsInput(action="list", customer=account_name(caller, q.customer),
                                                    as_of=q.as_of, category=q.category))


@router.post("/api/success-goals", response_model=ManageGoalsOutput, status_code=201, responses=ERRORS,
             summary="Create a success goal")
def post_goal(caller: CallerDep, body: GoalCreate):
    return create_goal(caller, account_name(caller, body.customer), body)


@router.put("/api/success-goals/{goalId}", response_model=ManageGoalsOutput, responses=ERRORS,
            summary="Change a success goal's fields")
def put_goal(caller: CallerDep, goal_id: GoalId, body: GoalUpdate):
    return goal_action(caller, goal_id, "update", body)


@router.delete("/api/success-goals/{goalId}", response_model=ManageGoalsOutput, responses=ERRORS,
               summary="Delete a success goal with its measurements")
def delete_goal(caller: CallerDep, goal_id: GoalId):
    return goal_action(caller, goal_id, "delete")


@router.post("/api/success-goals/{goalId}/measurements", response_model=ManageGoalsOutput, status_code=201,
             responses=ERRORS, summary="Record a measurement of a goal")
def post_measurement(caller: CallerDep, goal_id: GoalId, body: Measurement):
    return goal_action(caller, goal_id, "measure", body)


@router.post("/api/customers/{customerId}/milestones", response_model=ManageGoalsOutput, status_code=201,
             responses=ERRORS, summary="Add or update a milestone of an account")
def post_milestone(caller: CallerDep, customer_id: CustomerId, body: Milestone):
    return manage_goals(caller.ws, to_tool(body, ManageGoalsInput, action="milestone",
                                           customer=account_name(caller, customer_id)))


@router.get("/api/success-goals/{goalId}", response_model=ShowGoalOutput, responses=ERRORS,
            summary="One goal in detail: progress, key results, trend, value and its confidence, milestones, quotes")
def get_goal(caller: CallerDep, goal_id: GoalId, q: Annotated[GoalDetailQuery, Query()]):
    return show_goal(caller.ws, ShowGoalInput(customer=goal_customer(caller.ws, goal_id), goal=str(goal_id),
                                              as_of=q.as_of))


@router.post("/api/success-goals/{goalId}/quotes", response_model=AddGoalQuoteOutput, status_code=201,
             responses=ERRORS, summary="Attach a customer quote to a goal")
def post_quote(caller: CallerDep, goal_id: GoalId, body: QuoteBody):
    return add_goal_quote(caller.ws, to_tool(body, AddGoalQuoteInput, customer=goal_customer(caller.ws, goal_id),
                                             goal=str(goal_id)))


@router.post("/api/success-goals/{goalId}/key-results", response_model=AddKeyResultOutput, status_code=201,
             responses=ERRORS, summary="Add (or change, by name) a key result of a goal")
def post_key_result(caller: CallerDep, goal_id: GoalId, body: KeyResultBody):
    return add_key_result(caller.ws, to_tool(body, AddKeyResultInput, customer=goal_customer(caller.ws, goal_id),
                                             goal=str(goal_id)))
