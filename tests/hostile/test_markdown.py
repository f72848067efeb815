"""Markdown injection from stored data: a payload planted in every data field (account names, goal
names, descriptions and owners, milestones, practice notes, the CSM name, benchmark set names and
sources, saved cohort names, file names) and every Markdown surface rendered: chat answers
(agent.core.answer offline), the tool views, CLI commands and every .md report kind. No live link,
image, HTML, control or bidi character may survive (tests/hostile/oracle.py)."""

from __future__ import annotations

import asyncio
import contextlib
import io
from pathlib import Path

import pytest

from agent.cli import main
from agent.core import Session, answer
from agent.ui.render import compose_text, explain
from tests.hostile.oracle import problems
from tests.hostile.payloads import ALL, GROUPS, PAYLOADS, grouped
from tests.hostile.tally import count
from tools.base import ToolError
from tools.compare.build_cohort import BuildCohortInput, build_cohort
from tools.compare.cohorts import CohortCriteria
from tools.compare.compare_customer import CompareCustomerInput, compare_customer
from tools.playbooks.recommend_improvements import (
    RecommendImprovementsInput,
    recommend_improvements,
)
from tools.portfolio.benchmark_history import BenchmarkHistoryInput, benchmark_history
from tools.report.draft_report import DraftReportInput, draft_report
from tools.success.compute_roi import ComputeRoiInput, compute_roi
from tools.success.manage_goals import ManageGoalsInput, manage_goals

KEYS = sorted(PAYLOADS)
GROUP_KEYS = sorted(k for k in grouped() if k != ALL)


def _ask(ws, message: str, attachments=()) -> str:
    ans = asyncio.run(answer(message, ws=ws, session=Session(), attachments=list(attachments)))
    return compose_text(ans)


def _cli(ws, *argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--db", str(ws.path), *argv]) == 0
    return out.getvalue()


def _check(surface: str, text: str, tag: str | None = None, local_images: bool = False, payloads: int = 1) -> None:
    """``text`` is inert Markdown (and shows the planted account when ``tag`` is given)."""
    if tag is not None:
        assert tag in text, f"{surface}: the planted account is not shown, so nothing was tested"
    found = problems(text, local_images=local_images)
    assert not found, f"{surface}: {found[:5]}"
    count("payload x Markdown surface combinations inert", payloads)


def _payloads(key: str) -> int:
    if key == ALL:
        return len(PAYLOADS)
    return len(GROUPS[key.split(":", 1)[1]]) if key.startswith("group:") else 1


def _chat_surfaces(ws, p) -> dict[str, str]:
    name = p.asked_name
    return {
        "chat: compare": _ask(ws, f"How does {name} compare to peers?"),
        "chat: success metrics": _ask(ws, f"Show success metrics for {name}"),
        "chat: improvements": _ask(ws, f"How can {name} improve?"),
        "chat: benchmark report": _ask(ws, f"Create a benchmark report for {name} as markdown"),
    }


def _account_surfaces(ws, p) -> dict[str, str]:
    """Every per-account Markdown view, rendered for the account planted with one payload."""
    name = p.asked_name
    saved = CohortCriteria(saved=p.asked_cohort)
    return {
        "view: compare (its set, named peers, saved cohort)": compare_customer(ws, CompareCustomerInput(
            customer=name, benchmark=p.asked_set, anonymise=False, cohort_type="custom",
            criteria=saved)).to_markdown(),
        "view: cohort": build_cohort(ws, BuildCohortInput(saved=p.asked_cohort)).to_markdown(),
        "view: roi": compute_roi(ws, ComputeRoiInput(customer=name)).to_markdown(),
        "view: goals": _goals(ws, name),
        "view: recommend": recommend_improvements(ws, RecommendImprovementsInput(
            customer=name, benchmark=p.asked_set, anonymise=False)).to_markdown(),
        "view: history": benchmark_history(ws, BenchmarkHistoryInput(customer=name, benchmark=p.asked_set)).to_markdown(),
        "cli: compare": _cli(ws, "compare", f"--benchmark={p.asked_set}", "--named-peers", "--", name),
        "cli: roi": _cli(ws, "roi", "--", name),
        "cli: goals": _cli(ws, "goals", "--", name),
        "cli: recommend": _cli(ws, "recommend", "--named", "--", name),
        "cli: history": _cli(ws, "history", f"--benchmark={p.asked_set}", "--", name),
        "cli: goal measure": _cli(ws, "goal", "measure", "--date=2026-10-01", "--", name, p.asked_goal, "50"),
    }


def _goals(ws, name: str) -> str:
    from tools.success.views import goals_markdown

    return goals_markdown(manage_goals(ws, ManageGoalsInput(action="list", customer=name)))


@pytest.mark.parametrize("key", KEYS)
def test_every_account_surface_is_inert(hostile, key):
    ws, planted = hostile
    p = planted[key]
    for surface, text in _account_surfaces(ws, p).items():
        _check(f"{key} / {surface}", text, p.tag)


@pytest.mark.parametrize("key", GROUP_KEYS)
def test_chat_answers_and_every_md_report_kind_are_inert(hostile, key):
    """Chat answers (agent.core.answer, offline) and the four account report kinds as .md, for an
    account holding a group of payloads at once."""
    ws, planted = hostile
    p, n = planted[key], _payloads(key)
    for surface, text in _chat_surfaces(ws, p).items():
        _check(f"{key} / {surface}", text, p.tag, payloads=n)
    for kind in ("benchmark", "account", "success", "qbr"):
        out = draft_report(ws, DraftReportInput(customer=p.asked_name, kind=kind, format="md", benchmark=p.asked_set,
                                                csm_name=p.asked_text))
        _check(f"{key} / {kind}.md file", Path(out.path).read_text(encoding="utf-8"), p.tag, local_images=True,
               payloads=n)
        _check(f"{key} / {kind} report in chat", out.markdown, p.tag, payloads=n)


PORTFOLIO_QUESTIONS = {
    "chat: portfolio": "Compare my customers against the benchmarks",
    "chat: top performers": "What do top performers do?",
    "chat: goals at risk": "Which goals are at risk?",
    "chat: benchmark sets": "Which benchmarks are loaded?",
}


def test_portfolio_surfaces_are_inert(hostile):
    """Views over the whole book show every planted account, note and set at once."""
    ws, planted = hostile
    texts = {surface: _ask(ws, q) for surface, q in PORTFOLIO_QUESTIONS.items()}
    texts.update({f"cli: {cmd[0]}": _cli(ws, *cmd) for cmd in (
        ("portfolio",), ("practices", "--named"), ("practices", "--metric", "nps", "--named"), ("success",),
        ("benchmarks",), ("reports",))})
    texts["portfolio.md report"] = draft_report(ws, DraftReportInput(kind="portfolio", format="md")).markdown
    for surface, text in texts.items():
        shown = [p.key for p in planted.values() if p.tag in text]
        assert shown or surface in ("chat: goals at risk",), f"{surface} shows no planted text"
        _check(surface, text)
        count("payload x Markdown surface combinations inert", max(0, len(shown) - 1))


def test_errors_and_file_names_are_inert(hostile, tmp_path):
    """Error messages quote names ("Did you mean ..."), notices quote the attached file's name."""
    ws, planted = hostile
    names = [p.name for p in planted.values()]
    _check("ui: error with suggestions", explain(ToolError("No customer named 'x'.", suggestions=names)))
    bad = tmp_path / "<img src=x> www.evil.example ceo@evil.example [a](b).csv"
    bad.write_bytes(b"\x00\x01 not a table")
    _check("chat: import notice", _ask(ws, "Compare my customers against the benchmarks", [bad]))
    _check("chat: unknown account", _ask(ws, f"How does {PAYLOADS['md_image']} Ltd compare to peers?"))
