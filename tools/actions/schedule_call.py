"""schedule_call and schedule_review_calls: .ics invitations (RFC 5545) for review calls and training.

The agenda comes from the account's report (tools.actions.content), attendees from its
stakeholders (champion and executive sponsor for a review; every contact for training), the
organizer is the CSM. The slot is the next business day at 10:00 unless a time is given. For
the portfolio, one invitation per account below benchmark (benchmark composite under P25,
worst first), back to back in business hours, in one zip.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import zipfile
from typing import Literal

from pydantic import Field

from analytics.catalog import BY_KEY
from reports.format import md_text
from tools.actions import invites, people
from tools.actions.content import agenda, executive_summary
from tools.base import FollowUp, Tool, ToolError, ToolInput, ToolOutput
from tools.report.draft_report import DraftReportInput, build_report
from tools.store.resolve import resolve_customer
from tools.store.workspace import Workspace

Purpose = Literal["review", "training"]
MINUTES = {"review": 45, "training": 60}
BELOW = 25.0   # a benchmark composite under P25: "below benchmark"


class ScheduleCallInput(ToolInput):
    customer: str = Field(description="account name as the user wrote it (fuzzy-matched)")
    purpose: Purpose = Field("review", description="review: a benchmark/report review call; training: a session")
    when: dt.datetime | None = Field(None, description="local start time (2027-01-15T14:00); default the next "
                                     "business day at 10:00")
    minutes: int | None = Field(None, ge=15, le=480, description="length; default 45 (review) or 60 (training)")
    kind: Literal["benchmark", "success", "qbr"] = Field("benchmark", description="the report the agenda comes from")
    csm_name: str | None = Field(None, max_length=120, description="organizer name; default the csm_name setting")


class Invitation(ToolOutput):
    customer: str
    start: str
    minutes: int
    attendees: list[str]
    without_address: list[str]


class ScheduleCallOutput(Invitation):
    path: str = Field(description="the .ics invitation in the workspace's report folder")
    file_name: str
    purpose: str
    summary: str
    agenda: list[str]

    def to_markdown(self) -> str:
        when = dt.datetime.fromisoformat(self.start).strftime("%A %d %B %Y, %H:%M")
        who = ", ".join(md_text(a.split(" <")[0], True) for a in self.attendees) or \
            "nobody yet (no stakeholder email on file)"
        items = "\n".join(f"{i}. {md_text(a, True)}" for i, a in enumerate(self.agenda, 1))
        return (f"**Invitation ready**: {md_text(self.summary, True)}, {when} ({self.minutes} min), for {who}.\n\n"
                f"Agenda:\n\n{items}\n\nDownload the .ics below and open it in your calendar to send it.")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "account"


def _report_agenda(ws: Workspace, cust: dict, purpose: str, kind: str, csm_name: str | None) -> tuple[list[str], str]:
    """Agenda lines and the executive summary, from the account's report model."""
    report = build_report(ws, DraftReportInput(customer=cust["name"], kind=kind, format="pdf",
                                               csm_name=csm_name)).report
    return agenda(report, purpose), executive_summary(report) if purpose == "review" else ""


def _calendar(ws: Workspace, cust: dict, purpose: str, lines: list[str], summary_text: str, start: dt.datetime,
              minutes: int, csm_name: str | None):
    roles = people.LEADS if purpose == "review" else None
    contacts = people.stakeholders(ws, cust["id"], roles)
    name = people.header_text(cust["name"])
    summary = f"{name}: {'benchmark review call' if purpose == 'review' else 'training session'}"
    description = "Agenda:\n" + "\n".join(f"{i}. {x}" for i, x in enumerate(lines, 1))
    if summary_text:
        description += "\n\nWhere things stand: " + summary_text
    role = {"Champion": "REQ-PARTICIPANT", "Executive Sponsor": "REQ-PARTICIPANT"}
    cal = invites.invitation(summary=summary, description=description, start=start, minutes=minutes,
                             organizer=people.sender(ws, csm_name),
                             attendees=[(p, role.get(p.role, "OPT-PARTICIPANT")) for p in contacts],
                             tz=invites.zone(ws.get_setting("timezone")))
    return cal, summary, contacts


def schedule_call(ws: Workspace, inp: ScheduleCallInput) -> ScheduleCallOutput:
    """Make a calendar invitation (.ics) for a review call or a training session with an account.

    Use for "schedule a review call with Acme", "book a training session for OldCorp next
    Tuesday at 2pm". Attendees are the account's champion and executive sponsor (training: all its
    contacts), the agenda comes from its report, the organizer is the CSM; default slot the next
    business day at 10:00. Returns the .ics file to download; nothing is sent.
    """
    cust = resolve_customer(ws, inp.customer)
    start = inp.when.replace(tzinfo=None, second=0, microsecond=0) if inp.when else invites.default_start(dt.date.today())
    minutes = inp.minutes or MINUTES[inp.purpose]
    lines, summary_text = _report_agenda(ws, cust, inp.purpose, inp.kind, inp.csm_name)
    cal, summary, contacts = _calendar(ws, cust, inp.purpose, lines, summary_text, start, minutes, inp.csm_name)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = ws.reports_dir / f"{_slug(cust['name'])}_{inp.purpose}_{stamp}_{secrets.token_hex(3)}.ics"
    path.write_bytes(cal.to_ical())
    return ScheduleCallOutput(path=str(path), file_name=path.name, customer=cust["name"], purpose=inp.purpose,
                              summary=summary, start=start.isoformat(), minutes=minutes, agenda=lines,
                              attendees=[f"{p.name} <{p.email}>" for p in contacts if p.email],
                              without_address=[p.name for p in contacts if not p.email])


def call_follow_ups(out: ScheduleCallOutput) -> list[FollowUp]:
    other = "training" if out.purpose == "review" else "review"
    label = "Schedule training" if other == "training" else "Schedule review call"
    return [FollowUp.call(label, "schedule_call", customer=out.customer, purpose=other)]


# ---- the portfolio: one invitation per account below benchmark ---------------------------------


class ScheduleReviewCallsInput(ToolInput):
    segment: str | None = Field(None, description="only this segment's accounts (Enterprise, Mid-Market, SMB)")
    benchmark: str | None = Field(None, description="benchmark set name; the active set when omitted")
    when: dt.datetime | None = Field(None, description="first call's local start; default next business day 10:00")
    limit: int = Field(25, ge=1, le=200, description="at most this many accounts, worst first")
    csm_name: str | None = Field(None, max_length=120)


class ScheduleReviewCallsOutput(ToolOutput):
    path: str = Field(description="a zip of one .ics per account, in the workspace's report folder")
    file_name: str
    calls: list[Invitation]
    below_benchmark: int = Field(description="accounts whose benchmark composite is under P25")

    def to_markdown(self) -> str:
        if not self.calls:
            return "No account is below benchmark (composite under the 25th percentile): no calls to schedule."
        rows = "\n".join(f"| {md_text(c.customer, True)} | {dt.datetime.fromisoformat(c.start):%a %d %b %H:%M} | "
                         f"{len(c.attendees)} |" for c in self.calls)
        more = (f"\n\n{self.below_benchmark - len(self.calls)} more accounts are below benchmark (raise the limit)."
                if self.below_benchmark > len(self.calls) else "")
        return (f"**{len(self.calls)} benchmark review call invitations** (one .ics per account in the zip below, "
                f"back to back in business hours):\n\n| Account | When | Invitees |\n|---|---|---|\n{rows}{more}")


def below_benchmark(ws: Workspace, segment: str | None, benchmark: str | None) -> list[tuple[str, list[str]]]:
    """(account, its gaps) for the accounts whose benchmark composite is under P25, worst first
    (compare_portfolio's ranking; the gaps are the metrics it lists below the peer median)."""
    from tools.portfolio.compare_portfolio import ComparePortfolioInput, compare_portfolio

    out = compare_portfolio(ws, ComparePortfolioInput(segment=segment, benchmark=benchmark))
    found = [(score, name, gaps) for g in out.peer_groups
             for name, score, gaps in zip(g.accounts.customer, g.accounts.benchmark_composite, g.accounts.gaps)
             if score is not None and score < BELOW]
    return [(name, gaps) for _, name, gaps in sorted(found, key=lambda x: (x[0], x[1]))]


def below_benchmark_accounts(ws: Workspace, segment: str | None, benchmark: str | None) -> list[str]:
    return [name for name, _ in below_benchmark(ws, segment, benchmark)]


def _gap_agenda(gaps: list[str]) -> list[str]:
    """A review agenda from the portfolio's view of the account (no report built per account: fast)."""
    labels = [BY_KEY[g].label if g in BY_KEY else g for g in gaps]
    return (["Where you stand against the industry benchmark"] + [f"Focus area: {x}" for x in labels]
            + ["Agree next steps, owners and dates"])


def schedule_review_calls(ws: Workspace, inp: ScheduleReviewCallsInput) -> ScheduleReviewCallsOutput:
    """Make benchmark review call invitations (.ics, one per account, in a zip) for the accounts below benchmark.

    Use for "Schedule Benchmark Review Calls", "schedule review calls with the accounts below
    benchmark". Below benchmark = the account's benchmark composite percentile is under 25.
    Calls are back to back in business hours from the next business day at 10:00 (or ``when``).
    """
    found = below_benchmark(ws, inp.segment, inp.benchmark)
    chosen = found[:inp.limit]
    first = inp.when.replace(tzinfo=None, second=0, microsecond=0) if inp.when else invites.default_start(dt.date.today())
    starts = invites.slots(first, len(chosen), MINUTES["review"] + 15)
    calls, buf = [], io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for (name, gaps), start in zip(chosen, starts):
            cust = resolve_customer(ws, name)
            cal, _, contacts = _calendar(ws, cust, "review", _gap_agenda(gaps), "", start, MINUTES["review"],
                                         inp.csm_name)
            zf.writestr(f"{_slug(cust['name'])}_review_{start:%Y%m%d-%H%M}.ics", cal.to_ical())
            calls.append(Invitation(customer=cust["name"], start=start.isoformat(), minutes=MINUTES["review"],
                                    attendees=[f"{p.name} <{p.email}>" for p in contacts if p.email],
                                    without_address=[p.name for p in contacts if not p.email]))
    if not calls:
        raise ToolError("No account is below benchmark (benchmark composite under the 25th percentile).")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = ws.reports_dir / f"benchmark-review-calls_{stamp}_{secrets.token_hex(3)}.zip"
    path.write_bytes(buf.getvalue())
    return ScheduleReviewCallsOutput(path=str(path), file_name=path.name, calls=calls, below_benchmark=len(found))


CALL_TOOL = Tool("schedule_call", ScheduleCallInput, ScheduleCallOutput, schedule_call, follow_ups=call_follow_ups,
                 clickable=True, context=lambda inp, out: {"customer": out.customer},
                 step_title=lambda inp: f"{'training session' if inp.get('purpose') == 'training' else 'review call'}"
                                        f" invitation: {inp.get('customer', '')}")
REVIEW_CALLS_TOOL = Tool("schedule_review_calls", ScheduleReviewCallsInput, ScheduleReviewCallsOutput,
                         schedule_review_calls, clickable=True,
                         step_title=lambda inp: "benchmark review call invitations (accounts below benchmark)")
