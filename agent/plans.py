"""From an understood request to tool calls: one builder per intent.

A builder gets the read message (:class:`~agent.understand.reading.Reading`), the account(s)
it is about (already resolved: from the message, the conversation, or the user's answer to a
question) and the settings, and returns the :class:`Plan`. The planner decides *which*
builder; the builders only fill in the tool's input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agent.session import Settings, ToolCall
from agent.understand.goal_words import category_of, goal_text, key_result_parts, quote_parts
from agent.understand.reading import Reading
from analytics.catalog import BY_KEY
from tools.base import FollowUp
from tools.report.branding import hidden_in

MAX_SIDE_BY_SIDE = 4

HELP = """I can help with:
- **Compare an account with its peers**: "How does Acme Corp compare to peers?", "Acme's NPS vs industry", "Compare Acme vs Enterprise SaaS peers over $100K ARR"
- **Two accounts side by side**: "Compare Acme and TechCorp side by side"
- **The portfolio**: "Compare my customers against these benchmarks" (attach a CSV/XLSX), "Which enterprise accounts are lagging on NPS?", "Which accounts are at risk of churn?"
- **Learn from the best**: "What do top performers do for NPS?", "Who should OldCorp learn from?"
- **Recommendations**: "What should Acme do to reach the median?", "Improvement plan for DataPro"
- **Goals, value and ROI**: "Show Acme's goals", "Is Acme achieving its goals?", "What value have we delivered this quarter?", "Show TechCorp's reporting goal progress", "Update metrics for Acme Corp"
- **Set goals**: "Set a goal for BetaInc to get NPS to 45 by end of March", "Record 45 for Acme's NPS goal"
- **Reports**: "Create a QBR slide for Acme", "Export Acme's benchmark report as PDF"
- **History**: "Has Acme gotten better or worse over the last year?", "Acme's health score trend over the last 6 months"
- **Benchmark sets and peer groups**: "Which benchmark sets are loaded?", "How many Enterprise SaaS accounts are over $100K ARR?\""""


@dataclass
class Plan:
    intent: str
    calls: list[ToolCall] = field(default_factory=list)
    question: str | None = None     # asked back instead of running tools
    text: str | None = None         # a fixed answer (help)
    customer: str | None = None
    report_kind: str | None = None  # what "export that" will mean after this answer
    options: list[FollowUp] = field(default_factory=list)   # buttons offered with a question

    @property
    def call(self) -> ToolCall | None:
        return self.calls[0] if self.calls else None


def _plan(intent: str, tool: str, inp: dict[str, Any], customer: str | None = None,
          report_kind: str | None = None) -> Plan:
    return Plan(intent, calls=[ToolCall(tool, inp)], customer=customer, report_kind=report_kind)


def compare_input(customer: str, r: Reading, settings: Settings, base: dict | None = None,
                  narrow: bool = False) -> dict[str, Any]:
    """compare_customer's input: the peer group named in the message, else ``base``'s; what neither
    names (peer group, benchmark set, anonymity) comes from the conversation's analysis context.

    ``narrow``: a follow-up naming a peer dimension ("only Enterprise peers") replaces the earlier
    dimension but keeps earlier custom filters ("just the ones over $250K ARR" after "SaaS peers").
    """
    inp = dict(base or {"customer": customer})
    inp["customer"] = customer
    if r.criteria:
        keep = (inp.get("criteria") or {}) if narrow and inp.get("cohort_type") == "custom" else {}
        inp["criteria"], inp["cohort_type"] = {**keep, **r.criteria}, "custom"
    elif r.cohort_type:
        inp["cohort_type"], inp["criteria"] = r.cohort_type, None
    if r.benchmark:
        inp["benchmark"] = r.benchmark
    if r.metrics:
        inp["metrics"] = list(r.metrics)
    return inp


def compare_customer(r: Reading, accounts: list[str], settings: Settings) -> Plan:
    if len(accounts) > 1:
        return compare_accounts(r, accounts, settings)
    return _plan("compare_customer", "compare_customer", compare_input(accounts[0], r, settings), accounts[0],
                 "benchmark")


def compare_accounts(r: Reading, accounts: list[str], settings: Settings) -> Plan:
    inp: dict[str, Any] = {"customers": accounts[:MAX_SIDE_BY_SIDE]}
    single = compare_input(accounts[0], r, settings)
    for key in ("cohort_type", "criteria", "benchmark", "metrics"):
        if single.get(key) is not None:
            inp[key] = single[key]
    return _plan("compare_accounts", "compare_accounts", inp, accounts[0], "benchmark")


def compare_portfolio(r: Reading, settings: Settings, benchmark: str | None = None) -> Plan:
    """The whole book; ``benchmark``: a set just attached (else the conversation's set)."""
    inp: dict[str, Any] = {"benchmark": r.benchmark or benchmark} if r.benchmark or benchmark else {}
    if r.segment:
        inp["segment"] = r.segment
    if r.metric:
        inp["metric"] = r.metric
    intent = "below_benchmark" if r.has("lagging") else "compare_portfolio"
    return _plan(intent, "compare_portfolio", inp, report_kind="portfolio")


def at_risk_accounts(r: Reading, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"segment": r.segment} if r.segment else {}
    return _plan("at_risk_accounts", "find_at_risk_accounts", inp, report_kind="portfolio")


def best_practices(r: Reading, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"metric": r.metric}
    if r.segment:
        inp["segment"] = r.segment
    return _plan("best_practices", "find_best_practices", inp)


def recommendations(r: Reading, customer: str, settings: Settings, view: str = "plan") -> Plan:
    inp: dict[str, Any] = {"customer": customer}
    if r.metric:
        inp["metric"] = r.metric
    if r.benchmark:
        inp["benchmark"] = r.benchmark
    inp["view"] = view
    return _plan("learn_from" if view == "learn_from" else "recommendations", "recommend_improvements", inp,
                 customer, "benchmark")


def goals_list(r: Reading, customer: str, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"action": "list", "customer": customer}
    if category := category_of(r.text):  # "Acme's operational goals" (one vocabulary: tools.success.categories)
        inp["category"] = category
    return _plan("goals_list", "manage_goals", inp, customer, "success")


def success(r: Reading, customer: str, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"customer": customer}
    if r.period:
        inp["period"] = r.period
    return _plan("success", "compute_roi", inp, customer, "success")


def portfolio_success(r: Reading, settings: Settings) -> Plan:
    inp: dict[str, Any] = {}
    if r.segment:
        inp["segment"] = r.segment
    if r.period:
        inp["period"] = r.period
    return _plan("portfolio_success", "portfolio_success", inp, report_kind="success")


def history(r: Reading, customer: str, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"customer": customer}
    if r.months:
        inp["periods"] = r.months
    if r.metric:
        inp["metric"] = r.metric
    return _plan("history", "benchmark_history", inp, customer, "benchmark")


def report(r: Reading, customer: str | None, kind: str, settings: Settings) -> Plan:
    fmt = r.report_format or ("pptx" if kind == "qbr" else "docx")
    inp: dict[str, Any] = {"customer": None if kind == "portfolio" else customer, "kind": kind, "format": fmt}
    if r.period and kind in ("success", "qbr"):
        inp["period"] = r.period
    if hidden_in(r.text):  # "without the ROI card"
        inp["hide"] = hidden_in(r.text)
    return _plan("report", "draft_report", inp, inp["customer"], kind)


def list_benchmarks(r: Reading, settings: Settings) -> Plan:
    return _plan("list_benchmarks", "list_benchmarks", {})


def build_cohort(r: Reading, settings: Settings) -> Plan:
    inp: dict[str, Any] = {k: v for k, v in r.criteria.items() if k != "saved"}
    m = re.search(r"\b(?:as|called|named)\s+['\"]?(\w[\w\- ]{0,40}?)['\"]?\s*[.!?]?\s*$", r.text, re.I)
    if m and r.has("save", "create"):
        inp["save_as"] = m.group(1).strip()
    return _plan("build_cohort", "build_cohort", inp)


# goals ------------------------------------------------------------------------------------


def goal_create(r: Reading, customer: str, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"action": "create", "customer": customer}
    if r.metric:
        inp["metric"] = r.metric
        verb = "Reduce" if BY_KEY[r.metric].direction == "lower_is_better" else "Improve"
        inp["name"] = f"{verb} {BY_KEY[r.metric].label}"
    inp.update(r.goal)
    if r.date:
        inp["target_date"] = r.date
    return _plan("goal_create", "manage_goals", inp, customer, "success")


def goal_measure(r: Reading, customer: str, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"action": "measure", "customer": customer, "goal": goal_ref(r)}
    values = [n for n in r.numbers if n != r.goal.get("baseline")]
    if values:
        inp["value"] = values[-1]
    if r.date:
        inp["date"] = r.date
    return _plan("goal_measure", "manage_goals", inp, customer, "success")


def goal_update(r: Reading, customer: str, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"action": "update", "customer": customer, "goal": goal_ref(r)}
    if "target" in r.goal:
        inp["target"] = r.goal["target"]
    if "baseline" in r.goal:
        inp["baseline"] = r.goal["baseline"]
    if r.date:
        inp["target_date"] = r.date
    return _plan("goal_update", "manage_goals", inp, customer, "success")


# issue 20: one goal in detail, quotes, starter goals, the measurement form -------------------------


def show_goal(r: Reading, customer: str, settings: Settings) -> Plan:
    return _plan("show_goal", "show_goal", {"customer": customer, "goal": goal_text(r.text) or goal_ref(r) or ""},
                 customer, "success")


def add_quote(r: Reading, customer: str, settings: Settings) -> Plan:
    text, person = quote_parts(r.text) or ("", None)
    inp: dict[str, Any] = {"customer": customer, "goal": goal_text(r.text) or goal_ref(r) or "", "text": text}
    if person:
        inp["person"] = person
    return _plan("add_quote", "add_goal_quote", inp, customer, "success")


def add_key_result(r: Reading, customer: str, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"customer": customer, "goal": goal_text(r.text) or goal_ref(r) or ""}
    inp.update(key_result_parts(r.text) or {})
    return _plan("add_key_result", "add_key_result", inp, customer, "success")


def define_goals(r: Reading, customer: str, settings: Settings) -> Plan:
    return _plan("define_goals", "define_goals", {"customer": customer}, customer, "success")


def measurement_form(r: Reading, customer: str, settings: Settings) -> Plan:
    return _plan("measurement_form", "goal_measurement_form", {"customer": customer}, customer, "success")


def goal_ref(r: Reading) -> str | None:
    """The goal meant: a quoted name, "goal 12", else the metric's label (goals are matched by name)."""
    if r.quoted:
        return r.quoted
    m = re.search(r"goal\s+#?(\d+)", r.text.lower())
    if m:
        return m.group(1)
    return BY_KEY[r.metric].label if r.metric else None
