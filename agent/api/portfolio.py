"""``/api/portfolio`` and ``/api/customers``: the whole book, and its accounts a page at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from agent.api.auth import CallerDep
from agent.api.models import CamelRequest, CsmId, derive, to_tool
from agent.api.problems import responses
from agent.api.uploads import JSON_BODY_LIMIT
from tools.portfolio.compare_portfolio import ComparePortfolioInput, ComparePortfolioOutput, compare_portfolio
from tools.store.customers import ListCustomersInput, ListCustomersOutput, list_customers

router = APIRouter(tags=["portfolio"], max_body_size=JSON_BODY_LIMIT)
ERRORS = responses(401, 404, 422)

class PortfolioQuery(derive("PortfolioQueryBase", ComparePortfolioInput, exclude=("csm",), base=CamelRequest)):
    """Which accounts to compare; ``csmId`` keeps one CSM's book (issue 17)."""

    csm_id: CsmId = None
CustomersQuery = derive("CustomersQuery", ListCustomersInput, base=CamelRequest)


@router.get("/api/portfolio/compare", response_model=ComparePortfolioOutput, responses=ERRORS,
            summary="Every account vs the benchmark and within its segment (also stored as a snapshot)")
def get_portfolio(caller: CallerDep, q: Annotated[PortfolioQuery, Query()]):
    return compare_portfolio(caller.ws, to_tool(q, ComparePortfolioInput, exclude={"csm_id"}, csm=q.csm_id))


@router.get("/api/customers", response_model=ListCustomersOutput, responses=ERRORS,
            summary="The workspace's accounts, a page at a time (ordered by name)")
def get_customers(caller: CallerDep, q: Annotated[CustomersQuery, Query()]):
    return list_customers(caller.ws, to_tool(q, ListCustomersInput))
