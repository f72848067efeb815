"""compare_accounts: two to four accounts side by side in one table, each against its own peers.

Every figure is the one :func:`tools.compare.compare_customer.compare_customer` computes for
that account (same peer-group rules, same benchmark); this tool only lines them up and says,
per metric, which account's value is better (in the metric's good direction).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from reports.format import Markdown, fmt_value, markdown_table, md_bold, md_text, ordinal
from tools.base import CatalogMetric, FollowUp, Tool, ToolError, ToolInput, ToolOutput, catalog_fields
from tools.compare.cohorts import CohortCriteria, CohortType
from tools.compare.compare_customer import CompareCustomerInput, CompareCustomerOutput, compare_customer
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace

MAX_ACCOUNTS = 4


class CompareAccountsInput(ToolInput):
    customers: list[str] = Field(min_length=2, max_length=MAX_ACCOUNTS,
                                 description="2-4 account names as the user wrote them (fuzzy-matched)")
    cohort_type: CohortType = Field("segment", description="each account's peer group dimension (as compare_customer)")
    criteria: CohortCriteria | None = Field(None, description="extra filters for every account's peer group")
    benchmark: str | None = Field(None, description="benchmark set name; the active set when omitted")
    metrics: list[str] | None = Field(None, description="only these metrics (catalog keys or names)")
    anonymise: bool = Field(True, description="label peers Peer A, Peer B... (keep True for anything customer-facing)")


class AccountColumn(BaseModel):
    customer: str
    segment: str | None
    peer_group: str = Field(description="the account's own peer group, in words")
    peer_group_size: int
    overall_percentile: float | None
    benchmark_composite: float | None


class SideBySideRow(CatalogMetric):
    values: list[float | None] = Field(description="one per account, in the accounts' order")
    percentiles: list[float | None] = Field(description="each account's percentile among its own peers")
    statuses: list[str | None]
    benchmark_median: float | None = Field(None, description="when every account uses the same benchmark row")
    leader: str | None = Field(None, description="the account with the better value (None on a tie or a gap)")


class CompareAccountsOutput(ToolOutput):
    accounts: list[AccountColumn]
    benchmark: str | None
    metrics: list[SideBySideRow]
    focus: list[str] | None = None
    leads: dict[str, int] = Field(description="per account: metrics on which its value is the better one")

    def to_markdown(self) -> str:
        return side_by_side_markdown(self)


def compare_accounts(ws: Workspace, inp: CompareAccountsInput) -> CompareAccountsOutput:
    """Two to four accounts side by side in one table: each account's value, its percentile among
    its own peers and its status per metric, plus the overall percentile.

    Use for "Acme vs TechCorp", "compare Acme and TechCorp side by side", "how do Acme and
    TechCorp compare on NPS" (pass ``metrics``). Each account is compared with its own peer
    group exactly as compare_customer does (the figures are the same); the table marks which
    account's value is better per metric, in the metric's good direction.
    """
    names = list(dict.fromkeys(resolve_customer(ws, c)["name"] for c in inp.customers))
    if len(names) < 2:
        raise ToolError("Name two different accounts to compare side by side.")
    outs = [compare_customer(ws, CompareCustomerInput(
        customer=n, cohort_type=inp.cohort_type, criteria=inp.criteria, benchmark=inp.benchmark,
        anonymise=inp.anonymise, metrics=inp.metrics)) for n in names]
    focus = outs[0].focus
    keys = focus or [m.metric for m in outs[0].metrics]
    rows = [_row(k, outs) for k in keys]
    leads = {o.customer: sum(r.leader == o.customer for r in rows) for o in outs}
    return CompareAccountsOutput(
        accounts=[AccountColumn(customer=o.customer, segment=o.segment, peer_group=o.cohort.description,
                                peer_group_size=o.cohort.size, overall_percentile=o.overall_percentile,
                                benchmark_composite=o.benchmark_composite) for o in outs],
        benchmark=outs[0].benchmark.name if outs[0].benchmark else None, metrics=rows, focus=focus, leads=leads)


def _row(key: str, outs: list[CompareCustomerOutput]) -> SideBySideRow:
    cells = [o.metric(key) for o in outs]
    medians = {c.benchmark_median for c in cells}
    values = [c.value for c in cells]
    leader = None
    if all(v is not None for v in values):
        higher = cells[0].direction == "higher_is_better"
        best = fmt_value(key, max(values) if higher else min(values))
        winners = [o.customer for o, v in zip(outs, values) if fmt_value(key, v) == best]
        leader = winners[0] if len(winners) == 1 else None  # equal as displayed: no leader
    return SideBySideRow(**catalog_fields(key), values=values, percentiles=[c.percentile for c in cells],
                         statuses=[c.status for c in cells],
                         benchmark_median=medians.pop() if len(medians) == 1 else None, leader=leader)


def side_by_side_markdown(out: CompareAccountsOutput) -> str:
    names = [a.customer for a in out.accounts]
    groups = "; ".join(f"{a.customer} vs {a.peer_group} ({a.peer_group_size})" for a in out.accounts)
    groups = "; ".join(f"{md_text(a.customer, True)} vs {md_text(a.peer_group, True)} ({a.peer_group_size})"
                       for a in out.accounts)
    head = f"{md_bold(' vs '.join(names))}, side by side, each against its own peer group: {groups}" + (
        f"; benchmark '{md_text(out.benchmark, True)}'" if out.benchmark else "") + "."
    with_bench = any(r.benchmark_median is not None for r in out.metrics)
    overall = ["Overall (peers)"] + [ordinal(a.overall_percentile) if a.overall_percentile is not None else "n/a"
                                     for a in out.accounts] + ([""] if with_bench else [])
    rows = [overall] + [[r.label] + [_cell(r, i, n) for i, n in enumerate(names)]
                        + ([fmt_value(r.metric, r.benchmark_median)] if with_bench else []) for r in out.metrics]
    cols = ["Metric", *names] + (["Industry median"] if with_bench else [])
    table = markdown_table(cols, rows, "l" + "r" * (len(cols) - 1))
    note = "_Each cell: the value (its percentile among that account's own peers); the better value in bold._"
    return "\n\n".join([head, table, note])


def _cell(row: SideBySideRow, i: int, name: str) -> str:
    value, pct = row.values[i], row.percentiles[i]
    if value is None:
        return "n/a"
    text = fmt_value(row.metric, value) + (f" ({ordinal(pct)})" if pct is not None else "")
    return Markdown(f"**{text}**") if row.leader == name else text  # program-made: no data text inside


def follow_ups(out: CompareAccountsOutput) -> list[FollowUp]:
    """The full comparison of each account, one labelled button per account."""
    return [FollowUp.call(f"Full comparison: {a.customer}", "compare_customer", customer=a.customer,
                          benchmark=out.benchmark) for a in out.accounts][:MAX_ACCOUNTS]


def step_title(inp: dict) -> str:
    return "side-by-side comparison: " + ", ".join(str(c) for c in inp.get("customers", []))


TOOL = Tool("compare_accounts", CompareAccountsInput, CompareAccountsOutput, compare_accounts,
            follow_ups=follow_ups, narrative="narrative/compare_accounts.md.j2", clickable=True,
            context=lambda inp, out: {"customer": out.accounts[0].customer, "report_kind": "benchmark"},
            step_title=step_title)
