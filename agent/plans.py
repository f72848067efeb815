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
- **Set goals**: "Set a goal for BetaInc to get NPS to 45 by end of March", "Record 45 for Acme's NPS goal", "Set improvement goals for Acme Corp", "Add a milestone for Acme's NPS goal: pilot done by Jan 15"
- **A CSM's book**: "My accounts", "Show Sarah's accounts", "Success rate per CSM for enterprise"
- **Reports**: "Create a QBR slide for Acme", "Export Acme's benchmark report as PDF"
- **Act on a report**: "Share the Acme report with the customer", "Email the Acme Corp report to the customer", "Schedule a review call with Acme next Tuesday at 2pm", "Schedule benchmark review calls"
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
    if r.distribution:
        inp["distribution"] = True
    return inp


def compare_customer(r: Reading, accounts: list[str], settings: Settings) -> Plan:
    if len(accounts) > 1:
        return compare_accounts(r, accounts, settings)
    return _plan("compare_customer", "compare_customer", compare_input(accounts[0], r, settings), accounts[0],
                 "benchmark")


def compare_accounts(r: Reading, accounts: list[str], settings: Settings) -> Plan:
    inp: dict[str, Any] = {"customers": accounts[:MAX_SIDE_BY_SIDE]}
    single = compare_input(accounts[0], r, settings)
    for key in ("cohort_type", "criteria", "benchmark", "metrics"):  # no distribution: one table per account
        if single.get(key) is not None:
            inp[key] = single[key]
    return _plan("compare_accounts", "compare_accounts", inp, accounts[0], "benchmark")


def compare_portfolio(r: Reading, settings: Settings, benchmark: str | None = None) -> Plan:
    """The whole book; ``benchmark``: a set just attached (else the conversation's set)."""
    inp: dict[str, Any] = {"benchmark": r.benchmark or benchmark} if r.benchmark or benchmark else {}
    if r.segment:
        inp["segment"] = r.segment
    if len(r.metrics) > 1:  # "on NPS and health score only": a subset of the table
        inp["metrics"] = list(r.metrics)
    elif r.metric:
        inp["metric"] = r.metric
    if r.group_by:
        inp["group_by"] = r.group_by
    intent = "below_benchmark" if r.has("lagging") else "compare_portfolio"
    return _plan(intent, "compare_portfolio", inp, report_kind="portfolio")


def plot_metrics(r: Reading, customer: str, settings: Settings) -> Plan:
    """'plot feature adoption against health score': the first metric across, the second up (health
    score when only one is named; feature adoption vs health score when none is)."""
    named = list(r.metrics[:2])
    if len(named) == 1:
        named.append("health_score" if named[0] != "health_score" else "feature_adoption")
    inp: dict[str, Any] = {"customer": customer, **dict(zip(("x", "y"), named or ["feature_adoption", "health_score"]))}
    return _plan("plot_metrics", "plot_metrics", inp, customer, "benchmark")


def at_risk_accounts(r: Reading, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"segment": r.segment} if r.segment else {}
    return _plan("at_risk_accounts", "find_at_risk_accounts", inp, report_kind="portfolio")


def best_practices(r: Reading, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"metric": r.metric}
    if r.segment:
        inp["segment"] = r.segment
    return _plan("best_practices", "find_best_practices", inp)


HEADLINES = ("health_score", "renewal_rate")  # "impact on health score" names the headline, not a gap


def recommendations(r: Reading, customer: str, settings: Settings, view: str = "plan") -> Plan:
    inp: dict[str, Any] = {"customer": customer}
    if r.metric and not (r.metric in HEADLINES and re.search(r"\bimpact\b", r.text, re.I)):
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


# outbound actions (issue 17) --------------------------------------------------------------

SHAREABLE = ("benchmark", "success", "qbr")
TRAINING = re.compile(r"\btrain(ing|ings)?\b|\bworkshop\b|\benablement\b|\bonboarding session\b", re.I)


def shareable_kind(r: Reading) -> str:
    """The customer-facing report meant (an internal or portfolio report is never sent: benchmark)."""
    return r.report_kind if r.report_kind in SHAREABLE else "benchmark"


def share(r: Reading, customer: str, settings: Settings) -> Plan:
    return _plan("share", "share_report", {"customer": customer, "kind": shareable_kind(r)}, customer,
                 shareable_kind(r))


def email(r: Reading, customer: str, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"customer": customer, "kind": shareable_kind(r)}
    if r.report_format in ("pdf", "docx"):
        inp["attach"] = r.report_format
    return _plan("email", "email_report", inp, customer, shareable_kind(r))


def invite(r: Reading, customer: str, settings: Settings, when: str | None = None) -> Plan:
    inp: dict[str, Any] = {"customer": customer, "purpose": "training" if TRAINING.search(r.text) else "review"}
    if when:
        inp["when"] = when
    return _plan("invite", "schedule_call", inp, customer)


def review_calls(r: Reading, settings: Settings, when: str | None = None) -> Plan:
    inp: dict[str, Any] = {"segment": r.segment} if r.segment else {}
    if when:
        inp["when"] = when
    return _plan("review_calls", "schedule_review_calls", inp, report_kind="portfolio")
# issue 17: goals from gaps, milestones and goal edits that follow the conversation, a CSM's book ---

_FROM_GAPS = re.compile(r"\bimprovement goals?\b|\bgaps?\b.*\b(?:into|as)\b.*\bgoals?\b"
                        r"|\bgoals?\b.*\b(?:from|out of|to close|closing|for)\b.*\bgaps?\b", re.I)
_MILESTONE = re.compile(r"\b(?:add|new|create|set|put|log|record)\b.*\bmilestones?\b|^\s*milestone\b", re.I)
_MILESTONE_NAME = re.compile(r":\s*(?P<name>.+?)(?:\s+(?:by|on|due|before|for)\s+.+)?\s*[.!]?\s*$", re.I)
_EDIT = re.compile(r"\b(?:move|push|change|set|shift|extend|update|make|raise|lower|bring|pull)\b", re.I)
_DUE = re.compile(r"\b(?:target date|due date|deadline|end date|due)\b", re.I)
_TARGET = re.compile(r"\btarget\b", re.I)
_MY_BOOK = re.compile(r"^\s*(?:please\s+)?(?:(?:show|list|give|see|view|open|pull up|display|get)\s+)?(?:me\s+)?"
                      r"(?:all\s+(?:of\s+)?)?my\s+(?:accounts|book(?: of business)?|customers|clients|portfolio)"
                      r"\s*(?:please)?\s*[.?!]*\s*$", re.I)
_MY = re.compile(r"\bmy\s+(?:\w+\s+)?(?:accounts|book|customers|clients|portfolio)\b", re.I)
_BOOK_OF = (re.compile(r"(?P<name>[A-Za-z][\w.\-]*(?:\s+[A-Z][\w.\-]*)?)['’]s\s+(?:\w+\s+)?"
                       r"(?:accounts|book(?: of business)?|customers|clients|portfolio)\b"),
            re.compile(r"\b(?:accounts|customers|clients)\s+(?:owned|managed|run|handled|covered)\s+by\s+"
                       r"(?P<name>.+?)\s*[.?!]*$", re.I),
            re.compile(r"\b(?:accounts|customers|clients)\s+(?:does|do)\s+(?P<name>.+?)\s+"
                       r"(?:own|manage|have|run|handle|cover)\b", re.I))
_LEAD_WORDS = {"show", "list", "see", "view", "give", "get", "open", "display", "me", "and", "about", "of", "pull",
               "up", "what", "which", "are", "is", "now", "then", "only", "just"}
_NOT_A_NAME = {"my", "our", "their", "his", "her", "the", "a", "this", "that", "your", "everyone", "each", "we", "you",
               "they", "i", "us", "he", "she", "it", "all", "many", "how"}
_BY_CSM = re.compile(r"\b(?:per|by|each|every|for each|broken down by|split by|across)\s+(?:the\s+)?csms?\b"
                     r"|\bcsms?\b.*\b(?:success|goals?)\b|\b(?:success|goals?)\b.*\bcsms?\b", re.I)


def goals_from_gaps(customer: str) -> Plan:
    return _plan("goals_from_gaps", "set_improvement_goals", {"customer": customer}, customer, "success")


def _last_goal(s) -> tuple[str | None, str | None]:
    """(customer, goal) of the goal the conversation last showed or changed."""
    call = s.context.call
    if call is not None and call.name == "manage_goals" and call.input.get("goal"):
        return call.input.get("customer") or s.context.customer, call.input["goal"]
    return s.context.customer, None


def _milestone(r: Reading, s) -> Plan:
    customer, goal = (r.accounts[0], goal_ref(r)) if r.accounts else _last_goal(s)
    if customer is None:
        return Plan("goal_milestone", question="Which account is the milestone for? e.g. \"add a milestone for "
                    "Acme's NPS goal: pilot done by Jan 15\".")
    m = _MILESTONE_NAME.search(r.text)
    name = r.quoted or (m["name"].strip(" '\"") if m else None)
    if not name:
        return Plan("goal_milestone", question=f"What is the milestone for {customer}, and by when? e.g. "
                    "\"pilot done by Jan 15\".", customer=customer)
    inp: dict[str, Any] = {"action": "milestone", "customer": customer, "milestone_name": name}
    if goal:
        inp["goal"] = goal
    if r.date:
        inp["date"] = r.date
    return _plan("goal_milestone", "manage_goals", inp, customer, "success")


def _goal_edit(r: Reading, s) -> Plan | None:
    """'move the target date to June 30', 'change the target to 60': the goal last shown."""
    due = bool(_DUE.search(r.text)) and r.date is not None
    target = "target" in r.goal and not due
    if r.accounts or r.metrics or not _EDIT.search(r.text) or not (due or target):
        return None
    customer, goal = _last_goal(s)
    if goal is None:
        return Plan("goal_update", question="Which goal should change? e.g. \"move the target date of Acme's NPS "
                    "goal to June 30\".", customer=customer)
    inp: dict[str, Any] = {"action": "update", "customer": customer, "goal": goal}
    if due:
        inp["target_date"] = r.date
    else:
        inp["target"] = r.goal["target"]
    return _plan("goal_update", "manage_goals", inp, customer, "success")


def _book_owner(r: Reading, ws) -> str | None:
    """The CSM whose accounts are asked for ("Dana's accounts", "accounts owned by Lukas"): the CSM's
    stored name when known, else the name as typed (the tool then lists the CSMs)."""
    from tools.store.owners import find_csm
    for pattern in _BOOK_OF:
        m = pattern.search(r.text)
        if not m:
            continue
        words = m["name"].split()
        while words and words[0].lower() in _LEAD_WORDS:  # "show Dana's accounts": the verb is not the name
            words = words[1:]
        name = " ".join(words)
        if not name or name.lower() in _NOT_A_NAME or name.lower().split()[0] in _NOT_A_NAME:
            continue
        known = find_csm(ws, name)
        if known is None and r.accounts:
            continue  # an account's name, not a CSM's
        return known or name
    return None


def own_book(settings: Settings, ws) -> str | None:
    """The user's own name as a CSM of this workspace (the chat's name setting), else None."""
    from tools.store.owners import find_csm
    return find_csm(ws, settings.csm_name) if settings.csm_name.strip() else None


def book_and_goal_command(r: Reading, s, settings: Settings, ws) -> Plan | None:
    """Issue 17's requests, read before the phrase bank (None when the message is none of them)."""
    if _FROM_GAPS.search(r.text):
        account = (r.accounts or [s.context.customer])[0]
        if account:
            return goals_from_gaps(account)
        return Plan("goals_from_gaps", question="Which account's benchmark gaps should become goals? "
                    "Give me the account name, e.g. 'Acme Corp'.")
    if _MILESTONE.search(r.text):
        return _milestone(r, s)
    edit = _goal_edit(r, s)
    if edit is not None:
        return edit
    if _BY_CSM.search(r.text):
        inp: dict[str, Any] = {"by_csm": True, **({"segment": r.segment} if r.segment else {})}
        if r.period:
            inp["period"] = r.period
        return _plan("portfolio_success", "portfolio_success", inp, report_kind="success")
    if _MY_BOOK.match(r.text):
        mine = own_book(settings, ws)
        return _plan("compare_portfolio", "compare_portfolio", {"csm": mine} if mine else {}, report_kind="portfolio")
    owner = _book_owner(r, ws)
    if owner is not None:
        inp = {"csm": owner, **({"segment": r.segment} if r.segment else {})}
        return _plan("compare_portfolio", "compare_portfolio", inp, report_kind="portfolio")
    return None


def with_own_book(p: Plan, r: Reading, settings: Settings, ws, fields) -> Plan:
    """"my accounts" in any request: the user's own book when their name owns accounts here."""
    call = p.call
    if call is None or "csm" not in fields(call.name) or call.input.get("csm") or not _MY.search(r.text):
        return p
    mine = own_book(settings, ws)
    if mine:
        call.input["csm"] = mine
    return p
