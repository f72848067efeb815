"""email_report: an .eml draft to the account's champion and executive sponsor, with the report.

The subject and body come from offline templates (prompts/actions) filled with the report's
executive summary and action plan (the same sentences as the PDF); the report is attached (PDF
or DOCX) or a share link is included. The file lands in the workspace's report folder under a
program-made name. peerbench never sends it: the CSM opens it in their mail program.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from reports.format import md_text
from tools.actions import drafts, people, shares
from tools.actions.content import KIND_LABEL, executive_summary, focus_areas
from tools.base import FollowUp, Tool, ToolError, ToolInput, ToolOutput
from tools.report.draft_report import DraftReportInput, build_report, draft_report
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace


class EmailReportInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    kind: Literal["benchmark", "success", "qbr"] = Field("benchmark", description="which customer-facing report")
    attach: Literal["pdf", "docx", "none"] = Field("pdf", description="attach the report as PDF or DOCX, or none "
                                                   "(then give share_url)")
    share_url: str | None = Field(None, max_length=300, description="a share link made by share_report, to include")
    csm_name: str | None = Field(None, max_length=120, description="the sender's name; default the csm_name setting")

    @field_validator("share_url")
    @classmethod
    def _a_share_link(cls, v: str | None) -> str | None:
        if v is None:
            return v
        token = v.strip().rsplit("/", 1)[-1]
        if not v.strip().startswith(shares.public_url() + "/share/") or not shares.TOKEN_SHAPE.match(token):
            raise ValueError("share_url must be a link made by share_report")
        return v.strip()


class EmailReportOutput(ToolOutput):
    path: str = Field(description="the .eml draft in the workspace's report folder")
    file_name: str
    customer: str
    kind: str
    subject: str
    to: list[str]
    cc: list[str]
    attachment: str | None
    link_included: bool
    without_address: list[str] = Field(description="stakeholders left out: no valid email on file")

    def to_markdown(self) -> str:
        who = ", ".join(md_text(x.split(" <")[0], True) for x in self.to + self.cc) or \
            "nobody yet (no stakeholder email on file)"
        what = (f"the report attached ({md_text(self.attachment, True)})" if self.attachment else "the share link")
        missing = (f"\n\nNo email on file for: {', '.join(md_text(x, True) for x in self.without_address)}."
                   if self.without_address else "")
        return (f"**Email draft ready** for {md_text(self.customer, True)}: *{md_text(self.subject, True)}*, to "
                f"{who}, with {what}. Download the .eml below, open it in your mail program, review and send: "
                f"peerbench does not send mail.{missing}")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "account"


def email_report(ws: Workspace, inp: EmailReportInput) -> EmailReportOutput:
    """Draft an email (.eml file) to the account's champion and executive sponsor with a customer-facing report.

    Use for "email the Acme report to the customer", "draft an email to BetaInc with their
    success report". Subject and body are drafted from the report's executive summary; the report
    is attached (pdf/docx) or a share link from share_report is included. Returns the draft file
    to download; peerbench never sends mail.
    """
    if inp.attach == "none" and not inp.share_url:
        raise ToolError("An email needs the report attached (pdf or docx) or a share link (share_report first).")
    cust = resolve_customer(ws, inp.customer)
    report_in = DraftReportInput(customer=inp.customer, kind=inp.kind, format="pdf" if inp.attach == "none" else inp.attach,
                                 csm_name=inp.csm_name)
    if inp.attach == "none":
        report, attachment = build_report(ws, report_in).report, None
    else:
        written = draft_report(ws, report_in)
        report, attachment = written._report, Path(written.path)
    contacts = people.stakeholders(ws, cust["id"])
    to = [p for p in contacts if p.role == "Champion"] or [p for p in contacts if p.role == "Executive Sponsor"]
    cc = [p for p in contacts if p not in to]
    sender = people.sender(ws, inp.csm_name)
    expires = _expiry_of(ws, inp.share_url)
    context = dict(customer=people.one_line(cust["name"]), kind=inp.kind, kind_label=KIND_LABEL[inp.kind],
                   period="", summary=executive_summary(report), focus=focus_areas(report),
                   first_names=drafts.and_join([p.first_name for p in to if p.first_name]), link=inp.share_url or "",
                   expires=expires, passcode=False, attachment=attachment.name if attachment else "",
                   sender=sender.name)
    msg = drafts.draft(sender=sender, to=to, cc=cc, subject=drafts.render("email_subject.txt.j2", **context).strip(),
                       body=drafts.render("email_body.txt.j2", **context), attachment=attachment)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = ws.reports_dir / f"{_slug(cust['name'])}_{inp.kind}_email_{stamp}_{secrets.token_hex(3)}.eml"
    path.write_bytes(msg.as_bytes())
    return EmailReportOutput(path=str(path), file_name=path.name, customer=cust["name"], kind=inp.kind,
                             subject=str(msg["Subject"]), to=[f"{p.name} <{p.email}>" for p in to if p.email],
                             cc=[f"{p.name} <{p.email}>" for p in cc if p.email],
                             attachment=attachment.name if attachment else None, link_included=bool(inp.share_url),
                             without_address=[p.name for p in contacts if not p.email])


def _expiry_of(ws: Workspace, url: str | None) -> str:
    row = shares.find_row(ws, url) if url else None
    return dt.datetime.fromisoformat(row["expires_at"]).strftime("%d %B %Y").lstrip("0") if row else ""


def follow_ups(out: EmailReportOutput) -> list[FollowUp]:
    return [FollowUp.call("Schedule review call", "schedule_call", customer=out.customer, purpose="review",
                          kind=out.kind)]


TOOL = Tool("email_report", EmailReportInput, EmailReportOutput, email_report, follow_ups=follow_ups, clickable=True,
            context=lambda inp, out: {"customer": out.customer, "report_kind": out.kind},
            step_title=lambda inp: f"email draft: {inp.get('customer', '')} {inp.get('kind') or 'benchmark'} report")
