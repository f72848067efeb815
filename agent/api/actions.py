"""Outbound actions over HTTP: share links (make, list, revoke), the .eml draft, .ics invitations.

Same tools as the chat and the CLI (tools.actions). A share link is returned once, when made;
the list shows each link's prefix, status and views. The email and invitation endpoints answer
with the file itself (``message/rfc822``, ``text/calendar``, ``application/zip``); nothing is sent.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse
from pydantic import BaseModel

from agent.api.auth import CallerDep
from agent.api.benchmarks import CustomerId, account_name
from agent.api.models import derive, to_tool
from agent.api.problems import responses
from agent.api.uploads import JSON_BODY_LIMIT
from tools.actions import shares
from tools.actions.email_report import EmailReportInput, email_report
from tools.actions.schedule_call import (
    ScheduleCallInput,
    ScheduleReviewCallsInput,
    schedule_call,
    schedule_review_calls,
)
from tools.actions.share_report import (
    RevokeShareInput,
    RevokeShareOutput,
    ShareReportInput,
    ShareReportOutput,
    revoke_share,
    share_report,
)
from tools.actions.shares import ShareRecord

router = APIRouter(tags=["actions"], max_body_size=JSON_BODY_LIMIT)
ERRORS = responses(401, 404, 422)

ShareRequest = derive("ShareRequest", ShareReportInput, json=True, exclude=("customer",),
                      doc="Which customer-facing report to share, for how many days, with an optional passcode.")
EmailRequest = derive("EmailRequest", EmailReportInput, json=True, exclude=("customer",),
                      doc="Which report, attached how (pdf, docx) or linked (shareUrl from POST .../shares).")
InviteRequest = derive("InviteRequest", ScheduleCallInput, json=True, exclude=("customer",),
                       doc="Review call or training; when (local time, default next business day 10:00).")
ReviewCallsRequest = derive("ReviewCallsRequest", ScheduleReviewCallsInput, json=True,
                            doc="One invitation per account below benchmark (composite under P25), worst first.")
ShareId = Annotated[int, Path(alias="shareId", ge=1, le=2**62, description="the link's id", examples=[1])]


class ShareList(BaseModel):
    shares: list[ShareRecord]


def _file(path: str, media: str) -> FileResponse:
    p = FilePath(path)
    return FileResponse(p, media_type=media, filename=p.name)


def _files(media: str) -> dict:
    return {200: {"description": "the file", "content": {media: {"schema": {"type": "string", "format": "binary"}}}},
            **ERRORS}


@router.post("/api/customers/{customerId}/shares", response_model=ShareReportOutput, status_code=201,
             responses=ERRORS, summary="Make a read-only share link to a customer-facing report (shown once)")
def post_share(caller: CallerDep, customer_id: CustomerId, body: ShareRequest):
    return share_report(caller.ws, to_tool(body, ShareReportInput, customer=account_name(caller, customer_id)))


@router.get("/api/shares", response_model=ShareList, responses=responses(401, 422),
            summary="Share links, newest first (status and views)")
def get_shares(caller: CallerDep):
    return ShareList(shares=shares.list_shares(caller.ws))


@router.delete("/api/shares/{shareId}", response_model=RevokeShareOutput, responses=ERRORS,
               summary="Revoke a share link (its page answers 410 from now on)")
def delete_share(caller: CallerDep, share_id: ShareId):
    return revoke_share(caller.ws, RevokeShareInput(share=str(share_id)))


@router.post("/api/customers/{customerId}/email", response_class=FileResponse, responses=_files("message/rfc822"),
             summary="An .eml draft to the account's stakeholders with the report (never sent)")
def post_email(caller: CallerDep, customer_id: CustomerId, body: EmailRequest):
    out = email_report(caller.ws, to_tool(body, EmailReportInput, customer=account_name(caller, customer_id)))
    return _file(out.path, "message/rfc822")


@router.post("/api/customers/{customerId}/invite", response_class=FileResponse, responses=_files("text/calendar"),
             summary="An .ics invitation: review call or training with the account's stakeholders")
def post_invite(caller: CallerDep, customer_id: CustomerId, body: InviteRequest):
    out = schedule_call(caller.ws, to_tool(body, ScheduleCallInput, customer=account_name(caller, customer_id)))
    return _file(out.path, "text/calendar")


@router.post("/api/portfolio/review-calls", response_class=FileResponse, responses=_files("application/zip"),
             summary="Benchmark review call invitations for the accounts below benchmark (a zip of .ics)")
def post_review_calls(caller: CallerDep, body: ReviewCallsRequest):
    out = schedule_review_calls(caller.ws, to_tool(body, ScheduleReviewCallsInput))
    return _file(out.path, "application/zip")
