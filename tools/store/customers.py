"""The accounts of a workspace, a page at a time (the HTTP API's ``GET /api/customers``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.base import ToolInput, ToolOutput
from tools.store.workspace import Workspace

MAX_PAGE = 500


class ListCustomersInput(ToolInput):
    offset: int = Field(0, ge=0, le=10_000_000, description="accounts to skip (ordered by name)")
    limit: int = Field(50, ge=1, le=MAX_PAGE, description="accounts per page")
    q: str | None = Field(None, max_length=200, description="only names containing this text (case-insensitive)")
    segment: str | None = Field(None, max_length=50, description="only this segment: Enterprise, Mid-Market or SMB")


class CustomerRecord(BaseModel):
    id: int
    name: str
    industry: str | None
    segment: str | None
    arr: float | None
    region: str | None
    contract_start: str | None
    csm: str | None


class ListCustomersOutput(ToolOutput):
    total: int = Field(description="accounts matching the filters, all pages")
    offset: int
    limit: int
    customers: list[CustomerRecord]


def list_customers(ws: Workspace, inp: ListCustomersInput) -> ListCustomersOutput:
    """One page of accounts ordered by name, with the total count for paging."""
    where, params = ["1 = 1"], []
    if inp.q:
        where.append("instr(lower(name), lower(?)) > 0")
        params.append(inp.q)
    if inp.segment:
        where.append("segment = ? COLLATE NOCASE")
        params.append(inp.segment.strip())
    clause = " AND ".join(where)
    total = ws.query(f"SELECT COUNT(*) AS n FROM customers WHERE {clause}", tuple(params))[0]["n"]
    rows = ws.query(f"SELECT id, name, industry, segment, arr, region, contract_start, csm FROM customers "
                    f"WHERE {clause} ORDER BY name COLLATE NOCASE, id LIMIT ? OFFSET ?",
                    (*params, inp.limit, inp.offset))
    return ListCustomersOutput(total=total, offset=inp.offset, limit=inp.limit,
                               customers=[CustomerRecord(**r) for r in rows])
