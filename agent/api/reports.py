"""``/api/reports``: generate a report (any kind, any format) and download it with the same token.

Generating answers with a download URL under ``/api/reports/{id}/download``, which serves the
file's bytes only from the caller's own workspace report folder (tools.report.draft_report.
report_file); another workspace's report id is not found there.
"""

from __future__ import annotations

import enum
import os
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse
from pydantic import Field

from agent.api.auth import Caller, CallerDep
from agent.api.benchmarks import CustomerId, account_name
from agent.api.models import CamelRequest, ReportLink, ReportList, ReportSummary, derive, to_tool
from agent.api.problems import responses
from agent.api.uploads import JSON_BODY_LIMIT
from tools.report.draft_report import DraftReportInput, DraftReportOutput, draft_report, list_reports, report_file

router = APIRouter(tags=["reports"], max_body_size=JSON_BODY_LIMIT)
ERRORS = responses(401, 404, 422)

MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ReportKind(str, enum.Enum):
    """The report kinds of one account, as their URL segment."""

    success_metrics = "success-metrics"
    benchmark = "benchmark"
    account = "account"
    qbr = "qbr"


TOOL_KIND = {ReportKind.success_metrics: "success", ReportKind.benchmark: "benchmark",
             ReportKind.account: "account", ReportKind.qbr: "qbr"}
AccountReport = derive("AccountReport", DraftReportInput, json=True, exclude=("customer", "kind"),
                       doc="How to write the report: format (pdf, docx, pptx, md, xlsx), include_sections, ...")
PortfolioReport = derive("PortfolioReport", DraftReportInput, json=True, include=("format", "csm_name", "benchmark", "as_of",
                                                                       "include_sections"),
                         defaults={"format": "xlsx"}, doc="How to write the portfolio report (an xlsx workbook by default).")
ReportId = Annotated[int, Path(alias="reportId", ge=1, le=2**62, description="the report's id", examples=[1])]


class ReportListQuery(CamelRequest):
    limit: int = Field(50, ge=1, le=500, description="newest first")


def download_url(report_id: int) -> str:
    return f"/api/reports/{report_id}/download"


def link(out: DraftReportOutput) -> ReportLink:
    return ReportLink(**out.model_dump(exclude={"path", "markdown"}), download_url=download_url(out.report_id))


def generate(caller: Caller, inp: DraftReportInput) -> ReportLink:
    return link(draft_report(caller.ws, inp))


@router.post("/api/reports/portfolio/generate", response_model=ReportLink, status_code=201, responses=ERRORS,
             summary="Write the portfolio report (book of business)")
def post_portfolio_report(caller: CallerDep, body: PortfolioReport):
    return generate(caller, to_tool(body, DraftReportInput, kind="portfolio"))


@router.post("/api/reports/{kind}/{customerId}/generate", response_model=ReportLink, status_code=201,
             responses=ERRORS, summary="Write an account's report: success-metrics, benchmark, account or qbr")
def post_account_report(caller: CallerDep, kind: ReportKind, customer_id: CustomerId, body: AccountReport):
    return generate(caller, to_tool(body, DraftReportInput, kind=TOOL_KIND[kind],
                                    customer=account_name(caller, customer_id)))


@router.get("/api/reports", response_model=ReportList, responses=ERRORS, summary="Saved reports, newest first")
def get_reports(caller: CallerDep, q: Annotated[ReportListQuery, Query()]):
    rows = list_reports(caller.ws, q.limit)
    return ReportList(reports=[ReportSummary(id=r["id"], created_at=r["created_at"], customer=r["customer"],
                                             kind=r["kind"], format=r["format"], file_name=os.path.basename(r["path"]),
                                             benchmark_set=r["benchmark_set"], download_url=download_url(r["id"]))
                               for r in rows])


@router.get("/api/reports/{reportId}/download", response_class=FileResponse, summary="A saved report's file",
            responses={200: {"description": "the report file",
                             "content": {mt: {"schema": {"type": "string", "format": "binary"}}
                                         for mt in dict.fromkeys(MEDIA_TYPES.values())}},
                       **responses(401, 404, 422)})
def download(caller: CallerDep, report_id: ReportId):
    path, row = report_file(caller.ws, report_id)
    media = MEDIA_TYPES.get(path.suffix.lstrip(".").lower(), "application/octet-stream")
    return FileResponse(path, media_type=media, filename=path.name)
