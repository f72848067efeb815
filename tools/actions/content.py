"""What the outbound actions say about a report: its executive summary, focus areas and agenda.

Taken from the report model (tools.report.draft_report.build_report), so an email, an
invitation and the shared page say what the PDF says: the same figures, the same sentences
(already through the numbers check when Claude wrote them).
"""

from __future__ import annotations

from reports.model import Bullets, Paragraph, Report, Table

KIND_LABEL = {"benchmark": "benchmark report", "success": "success report", "qbr": "quarterly business review"}


def executive_summary(report: Report) -> str:
    """The report's opening paragraph (the executive summary's lead), else its first paragraph.

    >>> from reports.model import Section
    >>> r = Report("benchmark", "Acme", "Acme", True, "1 Dec 2026", "Jo", sections=[
    ...     Section("summary", "Executive summary").add(Paragraph("Acme sits at the 62nd percentile.", "lead"))])
    >>> executive_summary(r)
    'Acme sits at the 62nd percentile.'
    """
    paragraphs = [b for s in report.sections for b in s.blocks if isinstance(b, Paragraph) and b.text.strip()]
    lead = next((p for p in paragraphs if p.style == "lead"), None) or next(iter(paragraphs), None)
    return lead.text.strip() if lead else ""


def focus_areas(report: Report, limit: int = 3) -> list[str]:
    """The first items of the report's action plan (its first column), for an agenda."""
    for s in report.sections:
        if s.key != "action_plan":
            continue
        for b in s.blocks:
            if isinstance(b, Table) and b.rows:
                return [row[0].text for row in b.rows[:limit] if row and row[0].text.strip()]
            if isinstance(b, Bullets) and b.items:
                return list(b.items[:limit])
    return []


def agenda(report: Report, purpose: str) -> list[str]:
    """Agenda lines for a review call or a training session about this report."""
    focus = focus_areas(report)
    if purpose == "training":
        lines = ["Where adoption and usage stand today (from the latest report)"]
        lines += [f"Hands-on: {f}" for f in focus] or ["Hands-on walkthrough of the features your team uses most"]
        return lines + ["Questions, and who gets a follow-up session"]
    lines = [f"Where you stand: the {KIND_LABEL.get(report.kind, 'report')}"]
    lines += [f"Focus area: {f}" for f in focus]
    return lines + ["Agree next steps, owners and dates"]
