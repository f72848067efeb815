"""Customer quotes are untrusted text: escaped in every medium, and a customer-facing report carries only
the quotes of its own customer (issue 20)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.readers import READERS
from tools.report.draft_report import DraftReportInput, draft_report
from tools.success.quotes import AddGoalQuoteInput, add_goal_quote

AS_OF = dt.date(2026, 11, 1)
HOSTILE = "<b>bold</b> & ![img](http://evil.example/x.png) [click](javascript:alert(1)) *stars* =HYPERLINK(\"x\")"
SECRET = "ZEBRA-7731 only TechCorp said this"


@pytest.fixture
def quoted(demo_ws):
    add_goal_quote(demo_ws, AddGoalQuoteInput(customer="Acme Corp", goal="onboarding", text=HOSTILE, person="<i>Eve</i>",
                                              date=AS_OF))
    add_goal_quote(demo_ws, AddGoalQuoteInput(customer="TechCorp", goal="reporting", text=SECRET, person="Priya",
                                              date=AS_OF))
    return demo_ws


def report(ws, customer: str, kind: str, fmt: str) -> str:
    out = draft_report(ws, DraftReportInput(customer=customer, kind=kind, format=fmt, as_of=AS_OF))
    return READERS[fmt](out.path)


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_another_customers_quote_never_appears(quoted, fmt):
    acme = report(quoted, "Acme Corp", "success", fmt)
    assert "ZEBRA-7731" not in acme and "Month-end used to take" not in acme  # TechCorp's words
    assert "productive in their third week" in " ".join(acme.split())          # Acme's own demo quote is there
    techcorp = report(quoted, "TechCorp", "success", fmt)
    assert "ZEBRA-7731" in techcorp and "productive in their third week" not in " ".join(techcorp.split())


def test_qbr_deck_carries_no_other_customers_quote(quoted):
    assert "ZEBRA-7731" not in report(quoted, "Acme Corp", "qbr", "pptx")


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_hostile_quote_is_text_in_documents(quoted, fmt):
    text = " ".join(report(quoted, "Acme Corp", "success", fmt).split())
    assert "<b>bold</b> & ![img](http://evil.example/x.png)" in text  # shown as typed, never markup


def test_hostile_quote_is_escaped_in_markdown(quoted):
    out = draft_report(quoted, DraftReportInput(customer="Acme Corp", kind="success", format="md", as_of=AS_OF))
    md = Path(out.path).read_text()
    assert "![img](http" not in md and "](javascript:" not in md and "<b>bold</b>" not in md
    assert "\\<b>bold\\</b>" in md
