"""draft_report: render a report from tool outputs to md/docx/pdf/pptx/xlsx in the workspace.

The tool gathers the tool outputs a report kind needs (compare_customer, compute_roi,
recommend_improvements, compare_portfolio, portfolio_success), hands them to
:mod:`tools.report` builders (one per kind) for the one report model, and exports it. Files land in
``ws.reports_dir`` under a program-made name (slug of the resolved account name, kind,
timestamp, random token): user text never becomes a path. Each export gets a row in the
``reports`` table; :func:`list_reports` lists them (``peerbench reports``).

Prose slots given by Claude (``narrative``) are kept only when every figure in them is
found in the tool outputs (the agent's numbers check); otherwise the template prose is used
and the slot is reported in ``narrative_rejected``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr

from reports import export
from reports.figures import check
from reports.format import clean_text
from reports.markdown import preview, to_markdown
from reports.model import Report
from tools.base import FollowUp, NotFound, Tool, ToolError, ToolInput, ToolOutput
from tools.benchmarks.lookup import benchmark_for_account
from tools.compare.cohorts import CohortCriteria, CohortType, cohort_members
from tools.compare.compare_customer import CompareCustomerInput, compare_customer
from tools.compare.plot_metrics import DEFAULT_X as SCATTER_X
from tools.compare.plot_metrics import DEFAULT_Y as SCATTER_Y
from tools.compare.plot_metrics import scatter_of
from tools.playbooks.recommend_improvements import (
    RecommendImprovementsInput,
    recommend_improvements,
)
from tools.portfolio.compare_portfolio import ComparePortfolioInput, compare_portfolio
from tools.report import branding
from tools.report.account import build_account
from tools.report.benchmark import build_benchmark
from tools.report.gather import (
    BULLET_METRICS,
    TREND_METRICS,
    data_as_of,
    key_metrics,
    next_renewal,
    peer_view,
    quarter_label,
)
from tools.report.portfolio import build_portfolio
from tools.report.qbr import build_qbr
from tools.report.shared import ReportData, improvements
from tools.report.story import shown
from tools.report.success import build_success
from tools.store.frames import customers_frame, latest_metrics
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace, now_iso
from tools.success.compute_roi import ComputeRoiInput, compute_roi
from tools.success.portfolio_success import PortfolioSuccessInput, portfolio_success

Kind = Literal["benchmark", "account", "success", "qbr", "portfolio"]
Format = Literal["md", "docx", "pdf", "pptx", "xlsx"]
BUILDERS = {"benchmark": build_benchmark, "account": build_account, "success": build_success, "qbr": build_qbr,
            "portfolio": build_portfolio}


class Narrative(ToolInput):
    """Prose slots written by Claude; a slot left out (or failing the numbers check) uses the template."""

    executive_summary: str | None = Field(None, description="2-4 sentences: overall position, strengths, gaps")
    strengths: str | None = Field(None, description="one short paragraph introducing the strengths")
    opportunities: str | None = Field(None, description="one short paragraph introducing the improvement areas")
    next_steps: str | None = Field(None, description="recommended next steps (replaces the generated list)")
    talking_points: str | None = Field(None, description="QBR speaker notes for the benchmark slide")


class DraftReportInput(ToolInput):
    customer: str | None = Field(None, description="account name as the user wrote it (fuzzy-matched); "
                                 "omit only for kind 'portfolio'")
    kind: Kind = Field("benchmark", description="benchmark: customer-facing benchmark report; account: internal "
                       "account benchmarking (richer, not for customers); success: goals, value and ROI report "
                       "(customer-shareable); qbr: customer QBR slide deck; portfolio: the book of business workbook")
    format: Format = Field("md", description="md (shown in chat), docx, pdf, pptx (slides), xlsx (workbook)")
    csm_name: str | None = Field(None, description="'Prepared by' name; default the CSM name setting")
    narrative: Narrative | None = Field(None, description="optional prose slots; quote only figures from tool "
                                        "results (checked), template text is used otherwise")
    benchmark: str | None = Field(None, description="benchmark set name; the active set when omitted")
    cohort_type: CohortType = Field("segment", description="peer group dimension (as compare_customer)")
    criteria: CohortCriteria | None = Field(None, description="extra filters narrowing the peer group "
                                            "(as compare_customer)")
    period: str | None = Field(None, description="success/qbr: goal period ('2026-Q3', 'this_quarter'); "
                               "contract to date when omitted")
    as_of: dt.date | None = Field(None, description="evaluation date for goals, default today")
    include_sections: list[str] | None = Field(None, description="only these sections, by key (e.g. summary, "
                                               "performance, action_plan); every section when omitted")
    hide: list[str] = Field(default_factory=list, description=(
        "cards, charts or sections to leave out, e.g. ['roi'] for 'without the ROI card'. Cards: overall, "
        "strongest, above_median, focus, roi, adoption, engagement, goals, value, attention. Charts: "
        "percentile_chart, bullet_chart, peer_chart, trend, metric_trends, goal_progress. Sections: summary, "
        "performance, position, peers, strengths, action_plan, methodology, goals, progress, details, "
        "milestones, benchmark, success, scorecard"))
    accent: str | None = Field(None, description="brand accent colour as hex ('#1F4E79'); default the "
                               "brand_accent setting")
    page_size: Literal["A4", "Letter"] | None = Field(None, description="documents' page size; default the "
                                                      "page_size setting (A4)")


class DraftReportOutput(ToolOutput):
    report_id: int
    path: str = Field(description="the saved file in the workspace's report folder")
    file_name: str
    kind: str
    format: str
    customer: str | None
    customer_facing: bool
    title: str
    sections: list[str]
    charts: list[str] = Field(description="figure titles; the same PNGs in every format")
    figures_source: list[str] = Field(description="tools whose outputs every figure comes from")
    narrative_used: list[str] = Field(default_factory=list)
    narrative_rejected: dict[str, list[str]] = Field(default_factory=dict,
                                                     description="slot -> figures not found in tool outputs")
    seconds: float
    markdown: str = Field(description="the whole report as Markdown (peerbench report --show)")
    preview: str = Field("", description="the report's first sections, for the chat")
    attachments: list[str] = Field(default_factory=list, description="files the report links to (the Markdown "
                                   "export's chart images), beside it in the report folder")
    hidden: list[str] = Field(default_factory=list, description="cards, charts and sections left out")
    _figures: list = PrivateAttr(default_factory=list)  # the report's Figures (drawn on demand), this process only
    _report: Report | None = PrivateAttr(default=None)  # the report model written (email drafts read its summary)

    def to_markdown(self) -> str:
        return self.preview or self.markdown

    def summary_for_model(self) -> dict:
        data = self.model_dump(mode="json", exclude={"markdown", "preview", "path"})
        data["note"] = "The file is offered to the user as a download; do not repeat the whole report."
        return data


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "account"


def _prepared_by(ws: Workspace, inp: DraftReportInput, cust: dict | None) -> str:
    return (inp.csm_name or ws.get_setting("csm_name") or os.environ.get("PEERBENCH_CSM_NAME")
            or (cust or {}).get("csm") or "Customer Success team").strip()


def _check_narrative(narrative: dict[str, str], sources: list) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Keep slots whose figures all come from the tool outputs (the rule the chat answer passes)."""
    narrative = {k: v for k, v in narrative.items() if v and v.strip()}
    if not narrative:
        return {}, {}
    dumps = [s.model_dump(mode="json") for s in sources if s is not None]
    kept, rejected = {}, {}
    for key, text in narrative.items():
        bad = check(text, dumps)
        if bad:
            rejected[key] = [getattr(f, "text", str(f)) for f in bad]
        else:
            kept[key] = text
    return kept, rejected


def _members(ws: Workspace, cust: dict, inp: DraftReportInput):
    """(the account's customers-frame row, the report's peer group as compare_customer built it; already
    checked and shown)."""
    customers = customers_frame(ws)
    account = customers.loc[cust["id"]]
    return account, cohort_members(ws, customers, account, inp.cohort_type, inp.criteria, guard=False)


def _cohort_values(ws: Workspace, members) -> dict[str, list[float]]:
    """Latest values of the peer group (account included) for the internal distribution charts."""
    latest = latest_metrics(ws).reindex(members)
    return {k: latest[k].dropna().tolist() for k in latest.columns}


def _peer_view(ws: Workspace, cust: dict, inp: DraftReportInput, data: ReportData, account, members):
    cmp = data.compare
    gaps = [it["metric"] for it in improvements(data, limit=5)]
    ref = benchmark_for_account(ws, inp.benchmark, account)
    return peer_view(ws, cmp, members, cust["id"], ref, key_metrics(cmp, shown, gaps, BULLET_METRICS),
                     key_metrics(cmp, shown, gaps, TREND_METRICS))


def _optional(fn, *args):
    try:
        return fn(*args)
    except ToolError:
        return None


def _roi(ws, inp, name):
    return compute_roi(ws, ComputeRoiInput(customer=name, period=inp.period, as_of=inp.as_of))


def _recommend(ws, inp, name):
    return _optional(lambda: recommend_improvements(ws, RecommendImprovementsInput(
        customer=name, benchmark=inp.benchmark, cohort_type=inp.cohort_type, criteria=inp.criteria)))


def _gather(ws: Workspace, inp: DraftReportInput):
    cust = resolve_customer(ws, inp.customer) if inp.customer else None
    if cust is None and inp.kind != "portfolio":
        raise ToolError(f"A {inp.kind} report needs a customer name.")
    today = dt.date.today()
    data = ReportData(kind=inp.kind, date=f"{today:%d %B %Y}".lstrip("0"), today=today,
                      prepared_by=_prepared_by(ws, inp, cust), max_rows=None if inp.format == "xlsx" else 30,
                      brand=branding.brand(ws, accent=inp.accent), page_size=branding.paper(ws, inp.page_size),
                      as_of=inp.as_of or ws.today())
    if inp.kind == "portfolio":
        data.portfolio, data.success = _portfolio(ws, inp)
        return cust, data
    name = clean_text(cust["name"])  # as typed: the other tools' inputs refuse invisible characters (older data)
    data.data_as_of = data_as_of(ws, cust["id"])
    data.renewal = next_renewal(cust.get("contract_start"), today)
    compare = lambda: compare_customer(ws, CompareCustomerInput(  # noqa: E731
        customer=name, cohort_type=inp.cohort_type, criteria=inp.criteria, benchmark=inp.benchmark,
        anonymise=True))
    if inp.kind in ("benchmark", "account", "qbr"):
        data.compare = compare()
        data.recommend = _recommend(ws, inp, name)
    if inp.kind == "success":
        data.roi = _roi(ws, inp, name)
        data.compare = _optional(compare)
    if inp.kind == "qbr":
        data.roi = _optional(_roi, ws, inp, name)
    data.quarter = _quarter(data)
    if data.compare is not None and inp.kind != "success":
        account, members = _members(ws, cust, inp)
        data.peers = _peer_view(ws, cust, inp, data, account, members)
        if inp.kind == "account":
            data.cohort_values = _cohort_values(ws, members)
            data.scatter = scatter_of(latest_metrics(ws), members, int(cust["id"]), SCATTER_X, SCATTER_Y)
    return cust, data


def _quarter(data: ReportData) -> str:
    """The quarter a QBR reviews: the goal period when it is a quarter ('2026-Q3' -> 'Q3 2026'), else the
    quarter of the goals' as-of date."""
    label = data.roi.period.label if data.roi is not None else ""
    m = re.fullmatch(r"(\d{4})-Q([1-4])", label)
    if m:
        return f"Q{m.group(2)} {m.group(1)}"
    return quarter_label(dt.date.fromisoformat(data.roi.as_of[:10]) if data.roi is not None else data.as_of)


def _portfolio(ws: Workspace, inp: DraftReportInput):
    portfolio = compare_portfolio(ws, ComparePortfolioInput(benchmark=inp.benchmark))
    success = portfolio_success(ws, PortfolioSuccessInput(limit=100, as_of=inp.as_of))
    return portfolio, success


@dataclass
class Built:
    """A report model and what went into it (before any file is written)."""

    customer: dict | None
    data: ReportData
    report: Report
    rejected: dict[str, list[str]]
    hidden: list[str]


def build_report(ws: Workspace, inp: DraftReportInput, logo: str | None = None) -> Built:
    """The report model draft_report writes, without writing it: the share page renders this same model
    (tools.actions), so a shared page and the PDF say the same."""
    cust, data = _gather(ws, inp)
    if logo:
        data.brand.logo = branding.logo_bytes(logo)
    slots = inp.narrative.model_dump(exclude_none=True) if inp.narrative else {}
    data.narrative, rejected = _check_narrative(slots, [data.compare, data.roi, data.recommend,
                                                        data.portfolio, data.success])
    report = _only_sections(BUILDERS[inp.kind](data), inp.include_sections)
    hidden = _hide(report, inp.hide, branding.default_hidden(ws))
    return Built(cust, data, report, rejected, hidden)


def draft_report(ws: Workspace, inp: DraftReportInput, logo: str | None = None) -> DraftReportOutput:
    """Write a report file (and its Markdown for chat) from tool results.

    Use when the user asks for a report, an export, a document, slides or a workbook:
    "export Acme's benchmark report as PDF", "make a QBR slide for TechCorp", "give me the
    portfolio workbook". Kinds: benchmark (customer-facing benchmark report), account
    (internal account benchmarking), success (goals, value and ROI; customer-shareable),
    qbr (customer QBR deck, pptx), portfolio (book of business, xlsx). Customer-facing kinds
    never name another customer and show peers only as distributions. ``hide`` leaves out
    cards, charts or sections ("without the ROI card" -> hide ['roi']). Every figure comes
    from compare_customer, compute_roi, recommend_improvements or compare_portfolio; optional
    ``narrative`` slots are used only when their figures match those results. Returns the
    saved file and the Markdown.
    """
    t0 = time.perf_counter()
    built = build_report(ws, inp, logo)
    cust, data, report, rejected, hidden = built.customer, built.data, built.report, built.rejected, built.hidden
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = _slug(cust["name"]) if cust else "portfolio"
    stem = ws.reports_dir / f"{name}_{inp.kind}_{stamp}_{secrets.token_hex(3)}"
    path = export.write(report, inp.format, stem)
    bench = (data.compare.benchmark.name if data.compare is not None and data.compare.benchmark
             else inp.benchmark or "")
    with ws.write() as db:
        rid = db["reports"].insert({"customer_id": cust["id"] if cust else None, "kind": inp.kind,
                                    "format": inp.format, "path": str(path), "created_at": now_iso(),
                                    "benchmark_set": bench, "owner": ""}).last_pk
    images = export.attachments(report, inp.format, stem)
    out = DraftReportOutput(
        report_id=rid, path=str(path), file_name=path.name, kind=inp.kind, format=inp.format,
        customer=cust["name"] if cust else None, customer_facing=report.customer_facing, title=report.title,
        sections=[s.heading for s in report.sections], charts=[f.title for f in report.figures()],
        figures_source=report.sources, narrative_used=sorted(data.narrative), narrative_rejected=rejected,
        seconds=round(time.perf_counter() - t0, 3), markdown=to_markdown(report), preview=preview(report),
        attachments=[str(x) for x in images], hidden=hidden)
    out._figures = report.figures()
    out._report = report
    return out


def charts(out: DraftReportOutput) -> list[tuple[str, bytes]]:
    """The report's own charts, shown in chat under its preview (drawn once: the export drew them)."""
    return [(f.title, f.png) for f in out._figures]


def _hide(report, asked: list[str], defaults: set[str]) -> list[str]:
    """Leave out what the call asks (unknown names refused, listing the known ones) and the CSM's defaults
    (the report_hide setting; names a kind does not have are skipped)."""
    known = report.hideable()
    asked = [x.strip().lower() for x in asked if x and x.strip()]
    unknown = [x for x in asked if x not in known]
    if unknown:
        raise ToolError(f"Nothing called {', '.join(repr(x) for x in unknown)} in a {report.kind} report to hide; "
                        f"choose from: {', '.join(sorted(known))}.", suggestions=sorted(known)[:8])
    names = sorted(set(asked) | (defaults & known))
    report.hide(names)
    return names


def _only_sections(report, keys: list[str] | None):
    """The report with only the sections asked for, in the report's own order."""
    if keys is None:
        return report
    known = [s.key for s in report.sections]
    unknown = [k for k in keys if k not in known]
    if unknown or not keys:
        raise ToolError(f"Unknown section{'s' * (len(unknown) != 1)} for a {report.kind} report: "
                        f"{', '.join(unknown) or '(none given)'}. Sections: {', '.join(known)}.", suggestions=known)
    report.sections = [s for s in report.sections if s.key in keys]
    return report


def report_file(ws: Workspace, report_id: int) -> tuple[Path, dict]:
    """A saved report's file and row; NotFound unless both exist and the file is in this workspace's folder.

    The registry row is not trusted on its own: the path must resolve inside ``ws.reports_dir``.
    """
    rows = ws.query("SELECT id, kind, format, path FROM reports WHERE id = ?", (report_id,))
    path = Path(rows[0]["path"]).resolve() if rows and rows[0]["path"] else None
    if path is None or not path.is_relative_to(ws.reports_dir.resolve()) or not path.is_file():
        raise NotFound(f"No report with id {report_id} in this workspace.")
    return path, rows[0]


def list_reports(ws: Workspace, limit: int = 50) -> list[dict]:
    """Saved reports, newest first: id, created_at, customer, kind, format, path, benchmark_set."""
    return ws.query(
        "SELECT r.id, r.created_at, c.name AS customer, r.kind, r.format, r.path, r.benchmark_set "
        "FROM reports r LEFT JOIN customers c ON c.id = r.customer_id ORDER BY r.id DESC LIMIT ?", (limit,))


FORMATS_OFFERED = {
    "benchmark": (("docx", "Export report (DOCX)"), ("pdf", "Export PDF"), ("pptx", "Export slides (PPTX)")),
    "account": (("docx", "Export report (DOCX)"), ("pdf", "Export PDF")),
    "success": (("docx", "Export success report (DOCX)"), ("pdf", "Export PDF")),
    "qbr": (("pdf", "Export PDF"),),
}


def follow_ups(out: DraftReportOutput) -> list[FollowUp]:
    """The same report in the other formats, so "export that as PDF" is a click."""
    if not out.customer:
        return []
    return [FollowUp.call(label, "draft_report", customer=out.customer, kind=out.kind, format=fmt)
            for fmt, label in FORMATS_OFFERED.get(out.kind, ()) if fmt != out.format] + outbound(out)


def outbound(out: DraftReportOutput) -> list[FollowUp]:
    """What a CSM does next with a customer-facing report (tools.actions): share, email, invite."""
    if not out.customer_facing or not out.customer:
        return []
    return [FollowUp.call("Share with customer", "share_report", customer=out.customer, kind=out.kind),
            FollowUp.call("Email to customer", "email_report", customer=out.customer, kind=out.kind,
                          attach="docx" if out.format == "docx" else "pdf"),
            FollowUp.call("Schedule review call", "schedule_call", customer=out.customer, purpose="review",
                          kind=out.kind),
            FollowUp.call("Schedule training", "schedule_call", customer=out.customer, purpose="training",
                          kind=out.kind)]


def remember(inp: dict, out: DraftReportOutput) -> dict:
    return {"customer": out.customer, "report_kind": out.kind}


_KINDS = {"benchmark": "benchmark report", "account": "account summary", "success": "success report",
          "qbr": "QBR slides", "portfolio": "portfolio analysis"}


def step_title(inp: dict) -> str:
    what = _KINDS.get(inp.get("kind") or "benchmark", "report")
    fmt = str(inp.get("format") or "md").upper()
    return f"{what}{': ' + inp['customer'] if inp.get('customer') else ''} ({'chat' if fmt == 'MD' else fmt})"


TOOL = Tool("draft_report", DraftReportInput, DraftReportOutput, draft_report, follow_ups=follow_ups, charts=charts,
            narrative="narrative/draft_report.md.j2", clickable=True, context=remember, step_title=step_title)
