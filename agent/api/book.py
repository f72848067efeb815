"""Issue 17 routes: improvement goals from an account's gaps, and a CSM's book.

- ``POST /api/customers/{customerId}/improvement-goals``: the goals ``set_improvement_goals``
  would create; saved only with ``"confirm": true`` (else a preview, nothing written).
- ``GET /api/csms``: the CSMs owning accounts, with the id ``csmId`` accepts.
- ``csmId`` (a CSM's id or name) on ``GET /api/portfolio/compare`` and ``GET
  /api/reports/success-metrics`` is declared in those routers' query models (:data:`CsmId`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field, Strict

from agent.api.auth import CallerDep
from agent.api.benchmarks import CustomerId, account_name
from agent.api.models import derive, to_tool
from agent.api.problems import responses
from agent.api.uploads import JSON_BODY_LIMIT
from tools.store import changes
from tools.store.owners import accounts_of, csm_directory
from tools.success.from_gaps import SetImprovementGoalsInput, SetImprovementGoalsOutput, set_improvement_goals

router = APIRouter(tags=["success"], max_body_size=JSON_BODY_LIMIT)
ERRORS = responses(401, 404, 422)

_Body = derive("ImprovementGoalsBase", SetImprovementGoalsInput, json=True, include=("benchmark", "max_gaps", "as_of"))


class ImprovementGoalsRequest(_Body):
    """Which gaps to turn into goals; ``confirm`` saves them (without it: a preview only)."""

    confirm: Annotated[bool, Strict()] = Field(False, description="save the goals; false (default) previews what would be created")


class ImprovementGoalsResult(SetImprovementGoalsOutput):
    saved: bool = Field(description="false: a preview, nothing was written")
    would_create: list[str] = Field(description="the goals and milestones, one line each")


class Csm(BaseModel):
    id: int
    name: str
    accounts: int


@router.post("/api/customers/{customerId}/improvement-goals", response_model=ImprovementGoalsResult,
             responses=ERRORS, summary="Turn an account's benchmark gaps into goals (preview unless confirm)")
def post_improvement_goals(caller: CallerDep, customer_id: CustomerId, body: ImprovementGoalsRequest):
    inp = to_tool(body, SetImprovementGoalsInput, exclude={"confirm"}, customer=account_name(caller, customer_id))
    out, _, saved = changes.track(caller.ws, lambda: set_improvement_goals(caller.ws, inp),
                                  decide=lambda c: body.confirm)
    shown = out if saved else out.unsaved()
    return ImprovementGoalsResult(**shown.model_dump(), saved=saved, would_create=out.preview())


@router.get("/api/csms", response_model=list[Csm], responses=responses(401),
            summary="The CSMs owning accounts (their id is what csmId accepts, as is their name)")
def get_csms(caller: CallerDep):
    return [Csm(id=i, name=n, accounts=len(accounts_of(caller.ws, n))) for i, n in csm_directory(caller.ws).items()]
