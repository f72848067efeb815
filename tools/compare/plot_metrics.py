"""plot_metrics: one metric against another across the account's peer group, the account marked.

An internal view (the chat on request, the internal account report): peers are anonymous grey
points, never named, and the chart is drawn only for a peer group of 10+ accounts with both
values. It shows individual (anonymous) peer values, so customer-facing reports never use it:
they show peers only as distributions. The peer trend line and r come from
:func:`analytics.impact.ols_slope`; the text says association, not causation.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from analytics.catalog import BY_KEY
from analytics.impact import ols_slope
from reports import charts
from reports.format import fmt_value, md_bold, md_text
from tools.base import Chart, Tool, ToolError, ToolInput, ToolOutput, rounded
from tools.compare.cohorts import MIN_COHORT, CohortCriteria, CohortType, cohort_members, describe
from tools.compare.compare_customer import focus_metrics
from tools.store.frames import customers_frame, latest_metrics
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace

DEFAULT_X, DEFAULT_Y = "feature_adoption", "health_score"


class PlotMetricsInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    x: str = Field(DEFAULT_X, description="metric on the horizontal axis (catalog key or name), e.g. feature_adoption")
    y: str = Field(DEFAULT_Y, description="metric on the vertical axis (catalog key or name), e.g. health_score")
    cohort_type: CohortType = Field("segment", description="peer group dimension, as compare_customer")
    criteria: CohortCriteria | None = Field(None, description="extra filters narrowing the peer group")


class Scatter(BaseModel):
    """The points of one scatter: peers (anonymous, the account excluded) and the account."""

    x: str
    y: str
    peers_x: list[float] = Field(description="anonymous peer values (internal view only)")
    peers_y: list[float]
    account_x: float
    account_y: float
    slope: float | None = None
    intercept: float | None = None
    r: float | None = None


class PlotMetricsOutput(ToolOutput):
    customer: str
    peer_group: str
    size: int = Field(description="accounts in the peer group (the account included)")
    points: int = Field(description="peers drawn (both values present)")
    scatter: Scatter

    def summary_for_model(self) -> dict:
        s = self.scatter
        return {"customer": self.customer, "peer_group": self.peer_group, "size": self.size, "peers_drawn": self.points,
                "x": s.x, "y": s.y, "account": [s.account_x, s.account_y], "peer_correlation_r": s.r,
                "slope": s.slope, "note": "association across peers, not causation; peers are anonymous points"}

    def to_markdown(self) -> str:
        s = self.scatter
        xl, yl = BY_KEY[s.x].label, BY_KEY[s.y].label
        head = (f"{md_bold(self.customer)}: {xl} against {yl} among {md_text(self.peer_group)} ({self.size} accounts; "
                f"{self.points} peers drawn as anonymous points)")
        you = f"{md_text(self.customer)}: {xl} {fmt_value(s.x, s.account_x)}, {yl} {fmt_value(s.y, s.account_y)}."
        trend = (f"Across the peer group, r = {s.r:.2f} (association, not causation)." if s.r is not None else "")
        return "\n\n".join(x for x in (head, you + (" " + trend if trend else "")) if x)


def scatter_of(latest, members, cid: int, x: str, y: str) -> Scatter | None:
    """The scatter of ``x`` vs ``y`` over ``members`` (latest values frame), or None when fewer than
    MIN_COHORT accounts have both values or the account lacks one."""
    frame = latest.reindex(members)[[x, y]].dropna()
    if cid not in frame.index or len(frame) < MIN_COHORT:
        return None
    peers = frame.drop(index=cid)
    fit = ols_slope(frame[x].to_numpy(), frame[y].to_numpy())
    return Scatter(x=x, y=y, peers_x=peers[x].round(4).tolist(), peers_y=peers[y].round(4).tolist(),
                   account_x=float(frame.at[cid, x]), account_y=float(frame.at[cid, y]),
                   slope=rounded(fit.slope, 6) if fit else None, intercept=rounded(fit.intercept, 6) if fit else None,
                   r=rounded(fit.r, 4) if fit else None)


def scatter_png(s: Scatter, you_label: str) -> bytes:
    fit = (s.slope, s.intercept) if s.slope is not None else None
    axis = lambda k: f"{BY_KEY[k].label} ({BY_KEY[k].unit_label})"
    return charts.peer_scatter(tuple(s.peers_x), tuple(s.peers_y), (s.account_x, s.account_y), axis(s.x), axis(s.y),
                               you_label, fit)


def plot_metrics(ws: Workspace, inp: PlotMetricsInput) -> PlotMetricsOutput:
    """Plot one metric against another across the account's peer group, with the account marked.

    Use for "plot feature adoption against health score for Acme", "scatter of NPS vs health
    score". Peers are anonymous points (never named); the answer gives the account's two values
    and the peer correlation r (an association, not causation). Internal view: not for
    customer-facing files. Fails when fewer than 10 peers have both values.
    """
    keys = focus_metrics([inp.x, inp.y])
    if len(keys) < 2:
        raise ToolError("Name two different metrics to plot against each other.")
    row = resolve_customer(ws, inp.customer)
    customers = customers_frame(ws)
    account = customers.loc[row["id"]]
    members = cohort_members(ws, customers, account, inp.cohort_type, inp.criteria)
    s = scatter_of(latest_metrics(ws), members, int(row["id"]), *keys)
    if s is None:
        raise ToolError(f"Fewer than {MIN_COHORT} accounts of the peer group have both {BY_KEY[keys[0]].label} and "
                        f"{BY_KEY[keys[1]].label} (or {row['name']} lacks one): no plot, so no peer can be singled out.")
    return PlotMetricsOutput(customer=row["name"], size=len(members), points=len(s.peers_x), scatter=s,
                             peer_group=describe(inp.criteria or CohortCriteria(), inp.cohort_type, account))


def plot_charts(out: PlotMetricsOutput) -> list[Chart]:
    s = out.scatter
    return [(f"{out.customer}: {BY_KEY[s.x].label} vs {BY_KEY[s.y].label} (peers anonymous)",
             scatter_png(s, out.customer))]


def step_title(inp: dict) -> str:
    return f"scatter plot: {inp.get('customer', '')}"


TOOL = Tool("plot_metrics", PlotMetricsInput, PlotMetricsOutput, plot_metrics, charts=plot_charts, clickable=True,
            context=lambda inp, out: {"customer": out.customer}, step_title=step_title)
