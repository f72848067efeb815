"""share_report and revoke_share: a read-only link to a customer-facing report, and its end.

The link's page is the report rendered to HTML (reports.html_export) from the same model as
the PDF, when the link is made; it is served at ``/share/<token>`` without sign-in
(agent.api.share). Making or revoking a link changes the workspace: from a chat it is
previewed and saved only when the CSM confirms (Tool.writes), and the link appears then.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from reports.format import md_text
from reports.html_export import to_html
from tools.actions import shares
from tools.actions.content import KIND_LABEL
from tools.base import FollowUp, Tool, ToolInput, ToolOutput
from tools.report.draft_report import DraftReportInput, build_report
from tools.store.workspace import Workspace

ShareKind = Literal["benchmark", "success", "qbr"]


class ShareReportInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    kind: ShareKind = Field("benchmark", description="which customer-facing report: benchmark, success or qbr")
    days: int = Field(shares.DEFAULT_DAYS, ge=1, le=shares.MAX_DAYS, description="days until the link stops working")
    passcode: str | None = Field(None, max_length=200,
                                 description="optional passcode (4 to 200 characters) the customer types to open the page")


class ShareReportOutput(ToolOutput):
    share_id: int
    link: str = Field(description="the read-only page (shown once; only a hash of its token is kept)")
    customer: str
    kind: str
    title: str
    expires_at: str
    passcode: bool

    def to_markdown(self) -> str:
        until = dt.datetime.fromisoformat(self.expires_at).strftime("%d %B %Y").lstrip("0")
        lock = " It asks for the passcode you set." if self.passcode else ""
        return (f"**Share link ready** for {md_text(self.customer, True)}'s {KIND_LABEL[self.kind]} "
                f"(read-only, works until {until}; views are counted).{lock}\n\n`{self.link}`\n\n"
                "Copy it now: it is shown only once. Revoke it any time with the button below or "
                f"`peerbench unshare {self.share_id}`.")


def share_report(ws: Workspace, inp: ShareReportInput) -> ShareReportOutput:
    """Make a read-only web link to a customer-facing report (benchmark, success or qbr) for the customer.

    Use for "share the Acme report with the customer", "give TechCorp a link to their success
    report". The page works without sign-in, expires (default 14 days), can ask for a passcode,
    counts views and can be revoked (revoke_share). Peers are anonymised; no other customer is named.
    """
    built = build_report(ws, DraftReportInput(customer=inp.customer, kind=inp.kind, format="pdf"))
    cust, report = built.customer, built.report
    ends = shares.expiry(dt.datetime.now(dt.timezone.utc), inp.days)
    note = (f"Shared read-only by {report.prepared_by}; this link works until "
            f"{ends:%d %B %Y}.".replace(" 0", " "))
    title = f"{cust['name']} {KIND_LABEL[inp.kind]}"
    token, rec = shares.create_share(ws, customer_id=cust["id"], customer=cust["name"], kind=inp.kind, title=title,
                                     html=to_html(report, footer_note=note), days=inp.days, passcode=inp.passcode,
                                     created_by=ws.scope.key)
    return ShareReportOutput(share_id=rec.id, link=shares.link(token), customer=cust["name"], kind=inp.kind,
                             title=title, expires_at=rec.expires_at, passcode=rec.passcode)


def share_follow_ups(out: ShareReportOutput) -> list[FollowUp]:
    return [FollowUp.call("Email this link to the customer", "email_report", customer=out.customer, kind=out.kind,
                          attach="none", share_url=out.link),
            FollowUp.call("Revoke this link", "revoke_share", share=str(out.share_id))]


class RevokeShareInput(ToolInput):
    share: str = Field(description="the link's id (from peerbench shares), its token or the whole link")


class RevokeShareOutput(ToolOutput):
    share_id: int
    title: str
    status: str
    views: int

    def to_markdown(self) -> str:
        return (f"**Link {self.share_id} revoked** ({md_text(self.title, True)}): it now answers \"no longer "
                f"available\". It was opened {self.views} time{'s' * (self.views != 1)}.")


def revoke_share(ws: Workspace, inp: RevokeShareInput) -> RevokeShareOutput:
    """Revoke a customer share link at once (by id, token or link). Use for "revoke the Acme link",
    "stop sharing that report"."""
    rec = shares.revoke_share(ws, inp.share)
    return RevokeShareOutput(share_id=rec.id, title=rec.title, status=rec.status, views=rec.views)


SHARE_TOOL = Tool("share_report", ShareReportInput, ShareReportOutput, share_report, follow_ups=share_follow_ups,
                  clickable=True, writes=True, context=lambda inp, out: {"customer": out.customer, "report_kind": out.kind},
                  step_title=lambda inp: f"share link: {inp.get('customer', '')} {inp.get('kind') or 'benchmark'} report")
REVOKE_TOOL = Tool("revoke_share", RevokeShareInput, RevokeShareOutput, revoke_share, clickable=True, writes=True,
                   step_title=lambda inp: f"revoke share link {inp.get('share', '')}")
