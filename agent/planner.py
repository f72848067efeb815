"""The offline planner: rules that map a message to the same tool calls Claude would make.

:func:`agent.entities.extract` reads the entities (customer names, fuzzy-matched
against the workspace; peer-group words; metric; report kind and format; goal
figures), then the first intent whose rule matches builds the plan. Each intent is a
small function ``(Entities, Session) -> Plan``; a plan is a list of tool calls, or a question back
(an unknown or ambiguous name), or the help text. Follow-ups reuse the session's
context: "and TechCorp?" repeats the last call for another account, "only Enterprise
peers" narrows the last comparison, "export that as PDF" drafts the report of the
last result, "what should they do first?" asks for recommendations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.entities import Entities, extract
from agent.session import Session, Settings, ToolCall
from analytics.catalog import BY_KEY
from tools.store.workspace import Workspace

MAX_CUSTOMERS = 3

HELP = """I can help with:
- **Compare an account with its peers**: "How does Acme Corp compare to peers?", "Compare Acme vs Enterprise SaaS peers over $100K ARR"
- **Compare the portfolio with benchmarks**: "Compare my customers against these benchmarks" (attach a CSV/XLSX), "Who is below benchmark?"
- **Benchmark sets**: "Which benchmark sets are loaded?"
- **Best practices**: "What do top performers do for NPS?"
- **Recommendations**: "What should Acme do to reach the median?", "Achievement plan for DataPro"
- **Success and ROI**: "What ROI has Acme seen?", "Which goals are at risk?", "Value delivered for TechCorp"
- **Goals**: "Add a goal for Acme: improve NPS from 30 to 50 by 2026-12-31", "Record 45 for Acme's NPS goal"
- **Reports**: "Create a QBR slide for Acme", "Export Acme's benchmark report as PDF"
- **History**: "How has Acme's benchmark position changed?"
- **Peer groups**: "How many Enterprise SaaS accounts are over $100K ARR?\""""

@dataclass
class Plan:
    intent: str
    calls: list[ToolCall] = field(default_factory=list)
    question: str | None = None     # asked back instead of running tools
    text: str | None = None         # a fixed answer (help)
    customer: str | None = None
    report_kind: str | None = None

    @property
    def call(self) -> ToolCall | None:
        return self.calls[0] if self.calls else None


# ---------------------------------------------------------------------------
# intents: each returns a Plan


def _customer(e: Entities, session: Session) -> str | None:
    if e.customers:
        return e.customers[0]
    return session.context.customer


def _needs_customer(intent: str, e: Entities, session: Session, build: Callable[[str], list[ToolCall]]) -> Plan:
    if e.name_question and not e.customers:
        return Plan(intent, question=e.name_question)
    customer = _customer(e, session)
    if customer is None:
        return Plan(intent, question="Which customer do you mean? Give me the account name, e.g. 'Acme Corp'.")
    return Plan(intent, calls=build(customer), customer=customer)


def help_plan(e: Entities, session: Session, settings: Settings) -> Plan:
    return Plan("help", text=HELP)


def compare_customer(e: Entities, session: Session, settings: Settings) -> Plan:
    def build(customer: str) -> list[ToolCall]:
        names = e.customers[:MAX_CUSTOMERS] or [customer]
        return [ToolCall("compare_customer", _compare_input(n, e, settings)) for n in names]
    return _needs_customer("compare_customer", e, session, build)


def _compare_input(customer: str, e: Entities, settings: Settings, base: dict | None = None) -> dict:
    inp = dict(base or {"customer": customer})  # peer group, benchmark and anonymity: the conversation's context
    inp["customer"] = customer
    if e.criteria:
        inp["criteria"] = {**(inp.get("criteria") or {}), **e.criteria}
        inp["cohort_type"] = "custom"
    elif e.cohort_type:
        inp["cohort_type"], inp["criteria"] = e.cohort_type, None
    if e.benchmark:
        inp["benchmark"] = e.benchmark
    return inp


def compare_portfolio(e: Entities, session: Session, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"benchmark": e.benchmark} if e.benchmark else {}
    if e.criteria.get("segment"):
        inp["segment"] = e.criteria["segment"]
    if e.metric:
        inp["metric"] = e.metric
    return Plan("compare_portfolio", calls=[ToolCall("compare_portfolio", inp)])


def below_benchmark(e: Entities, session: Session, settings: Settings) -> Plan:
    plan = compare_portfolio(e, session, settings)
    plan.intent = "below_benchmark"
    return plan


def list_benchmarks(e: Entities, session: Session, settings: Settings) -> Plan:
    return Plan("list_benchmarks", calls=[ToolCall("list_benchmarks", {})])


def best_practices(e: Entities, session: Session, settings: Settings) -> Plan:
    inp: dict[str, Any] = {"metric": e.metric}
    if e.criteria.get("segment"):
        inp["segment"] = e.criteria["segment"]
    return Plan("best_practices", calls=[ToolCall("find_best_practices", inp)])


def recommendations(e: Entities, session: Session, settings: Settings) -> Plan:
    def build(customer: str) -> list[ToolCall]:
        inp: dict[str, Any] = {"customer": customer}
        if e.metric:
            inp["metric"] = e.metric
        if e.benchmark:
            inp["benchmark"] = e.benchmark
        return [ToolCall("recommend_improvements", inp)]
    return _needs_customer("recommendations", e, session, build)


def success(e: Entities, session: Session, settings: Settings) -> Plan:
    portfolio_words = r"\b(portfolio|all (my )?(customers|accounts)|which (customers|accounts|goals)|across)\b"
    if (not e.customers and not e.name_question and e.has(portfolio_words)) or \
            (not e.customers and not e.name_question and session.context.customer is None):
        inp: dict[str, Any] = {"segment": e.criteria.get("segment")}
        return Plan("portfolio_success", calls=[ToolCall("portfolio_success", inp)])
    def build(customer: str) -> list[ToolCall]:
        inp: dict[str, Any] = {"customer": customer}
        if _period(e.lower):
            inp["period"] = _period(e.lower)
        return [ToolCall("compute_roi", inp)]
    return _needs_customer("success", e, session, build)


def _period(lower: str) -> str | None:
    """'this quarter' -> this_quarter, 'Q3 2026' -> 2026-Q3, 'in 2026' -> 2026 (compute_roi periods)."""
    if re.search(r"\b(this|current) quarter\b", lower):
        return "this_quarter"
    if re.search(r"\b(last|previous|prior) quarter\b", lower):
        return "last_quarter"
    m = re.search(r"\bq([1-4])\s*(?:of\s+)?(20\d\d)\b", lower) or re.search(r"\b(20\d\d)[\s-]*q([1-4])\b", lower)
    if m:
        q, y = (m.group(1), m.group(2)) if len(m.group(1)) == 1 else (m.group(2), m.group(1))
        return f"{y}-Q{q}"
    m = re.search(r"\b(?:in|for|during)\s+(20\d\d)\b", lower)
    return m.group(1) if m else None


def goal(e: Entities, session: Session, settings: Settings) -> Plan:
    def build(customer: str) -> list[ToolCall]:
        return [ToolCall("manage_goals", _goal_input(customer, e))]
    return _needs_customer("goal", e, session, build)


def _goal_input(customer: str, e: Entities) -> dict[str, Any]:
    low = e.lower
    creating = e.has(r"\b(add|new|create|set up)\b")
    if e.has(r"\b(record|log|measure[ds]?|measurement|now at|is now|currently)\b") and not creating:
        action = "measure"
    elif e.has(r"\b(update|change|move|edit)\b"):
        action = "update"
    elif e.has(r"\b(list|show|what are)\b") and not e.has(r"\b(add|new|create)\b"):
        action = "list"
    else:
        action = "create"
    inp: dict[str, Any] = {"action": action, "customer": customer}
    metric = e.metric
    m_from = re.search(r"from\s+\$?(-?\d[\d,]*(?:\.\d+)?)", low)
    m_to = re.search(r"\b(?:to|reach(?:es|ing)?|hit|get to)\s+(?:(?:reach|hit|get to)\s+)?\$?(-?\d[\d,]*(?:\.\d+)?)", low)
    if action == "measure":
        if e.numbers:
            inp["value"] = e.numbers[0]
        inp["goal"] = _goal_ref(e)
        if e.date:
            inp["date"] = e.date
        return inp
    if action in ("create", "update"):
        if action == "update":
            inp["goal"] = _goal_ref(e)
        elif metric:
            inp["metric"] = metric
            inp["name"] = _goal_name(e, metric)
        if m_from:
            inp["baseline"] = float(m_from.group(1).replace(",", ""))
        m_target = re.search(r"\btarget(?:\s+value)?(?:\s+of|\s+to|\s*:|\s*=)?\s+\$?(-?\d[\d,]*(?:\.\d+)?)", low)
        if m_target or m_to:
            inp["target"] = float((m_target or m_to).group(1).replace(",", ""))
        if e.date:
            inp["target_date"] = e.date
    return inp


def _goal_ref(e: Entities) -> str | None:
    """The goal meant: a quoted name, "goal 12", else the metric's label (matched by name)."""
    quoted = re.search(r"[\"'“‘]([^\"'”’]{3,80})[\"'”’]", e.text)
    if quoted:
        return quoted.group(1)
    m = re.search(r"goal\s+#?(\d+)", e.lower)
    if m:
        return m.group(1)
    if e.metric:
        return BY_KEY[e.metric].label
    return None


def _goal_name(e: Entities, metric: str) -> str:
    verb = "Reduce" if BY_KEY[metric].direction == "lower_is_better" else "Improve"
    return f"{verb} {BY_KEY[metric].label}"


def report(e: Entities, session: Session, settings: Settings) -> Plan:
    fmt = e.report_format or ("pptx" if e.report_kind == "qbr" else "docx")
    kind = e.report_kind or session.context.report_kind or "benchmark"
    if kind == "portfolio":
        return Plan("report", calls=[ToolCall("draft_report", {"customer": None, "kind": "portfolio",
                                                                "format": fmt})], report_kind=kind)
    plan = _needs_customer("report", e, session, lambda c: [ToolCall("draft_report", {
        "customer": c, "kind": kind, "format": fmt})])
    plan.report_kind = kind
    return plan


def history(e: Entities, session: Session, settings: Settings) -> Plan:
    return _needs_customer("history", e, session, lambda c: [ToolCall("benchmark_history", {"customer": c})])


def cohort(e: Entities, session: Session, settings: Settings) -> Plan:
    inp: dict[str, Any] = dict(e.criteria)
    m = re.search(r"\b(?:as|called|named)\s+['\"]?(\w[\w\- ]{0,40}?)['\"]?\s*[.!?]?\s*$", e.text, re.I)
    if m and e.has(r"\b(save|name|call)\b"):
        inp["save_as"] = m.group(1).strip()
    return Plan("build_cohort", calls=[ToolCall("build_cohort", inp)])


# follow-ups ---------------------------------------------------------------


def follow_other_customer(e: Entities, session: Session, settings: Settings) -> Plan:
    """"and TechCorp?": the last call again for another account."""
    last = session.context.call
    customer = e.customers[0]
    if last is None or "customer" not in last.input or last.name == "manage_goals":
        return compare_customer(e, session, settings)
    inp = dict(last.input)
    inp["customer"] = customer
    if last.name == "compare_customer":
        inp = _compare_input(customer, e, settings, base=inp)
    intent = {"compare_customer": "compare_customer", "compute_roi": "success",
              "recommend_improvements": "recommendations", "benchmark_history": "history",
              "draft_report": "report"}.get(last.name, last.name)
    return Plan(intent, calls=[ToolCall(last.name, inp)], customer=customer,
                report_kind=inp.get("kind") if last.name == "draft_report" else None)


def follow_narrow(e: Entities, session: Session, settings: Settings) -> Plan:
    """"only Enterprise peers": the last comparison with a different peer group."""
    last = session.context.call
    customer = session.context.customer
    if last is not None and last.name == "compare_portfolio":
        return compare_portfolio(e, session, settings)
    base = dict(last.input) if last is not None and last.name == "compare_customer" else None
    if base is not None and e.criteria and base.get("cohort_type") != "custom":
        base["criteria"] = None  # "only Enterprise peers" replaces the peer dimension, keeps nothing stale
    return Plan("compare_customer", calls=[ToolCall("compare_customer",
                                                    _compare_input(customer, e, settings, base=base))],
                customer=customer)


_R_MAP = r"^\s*map\s+[\"'“]?(?P<name>.+?)[\"'”]?\s+(?:to|as|=|->|→)\s+[\"'“]?(?P<target>[^\"'”]+?)[\"'”]?\s*[.!]?\s*$"
_R_RENAME = r"^\s*(?:rename|call)\b.*?\b(?:to|as)\s+[\"'“]?(?P<new>[^\"'”]+?)[\"'”]?\s*[.!]?\s*$"
_R_PREFER = r"^\s*(?:prefer|use)\s+[\"'“]?(?P<source>.+?)[\"'”]?\s+as\s+(?:the\s+)?primary\b"
_R_ACTIVATE = (r"^\s*(please\s+)?(make|set|use|switch to)\b.*\b(the )?(active|default)( benchmark)?( set)?\b|"
               r"^\s*(please\s+)?activate\b")


def benchmark_command(e: Entities, s: Session) -> Plan | None:
    """The user's controls over benchmark sets, typed: "map X to renewal_rate", "make X the active set",
    "rename the set to ...", "prefer KeyBanc as primary". None when the message is not one of these."""
    target = e.benchmark or s.context.benchmark
    if m := re.match(_R_MAP, e.text, re.I):
        if not s.context.upload:
            return Plan("load_benchmarks", text="Attach the benchmark file again with your message "
                        f"(\"map {m['name']} to {m['target']}\"), and I will load it with that mapping.")
        inp = {"path": s.context.upload, "map": {m["name"]: m["target"].strip()}}
        return Plan("load_benchmarks", calls=[ToolCall("load_benchmarks", {**inp, **({"name": target} if target
                                                                                      else {})})])
    if target is None:
        return None
    if m := re.match(_R_PREFER, e.text, re.I):
        return Plan("manage_benchmarks", calls=[ToolCall("manage_benchmarks",
                                                         {"name": target, "prefer_source": m["source"].strip()})])
    if e.has(r"\bbenchmark|\bset\b") and (m := re.match(_R_RENAME, e.text, re.I)):
        return Plan("manage_benchmarks", calls=[ToolCall("manage_benchmarks", {"name": target, "rename": m["new"]})])
    if e.has(_R_ACTIVATE) and not e.customers:
        return Plan("manage_benchmarks", calls=[ToolCall("manage_benchmarks", {"name": target, "activate": True})])
    return None


# ---------------------------------------------------------------------------
# the rules, in order

_R_HELP = r"^\s*(help|\?|what can you do|what do you do|how does this work|commands|menu)\b"
_R_GOAL = (r"\b(add|set|create|new|update|change|edit|record|log)\b(?:[^.?!]|\.\d)*\b(goal|measurement|milestone)s?\b"
           r"|\bgoal\b(?:[^.?!]|\.\d)*\b(is now|now at|reached|measured)\b|\brecord\b(?:[^.?!]|\.\d)*\bfor\b")
_R_REPORT = (r"\b(report|export|download|qbr|slides?|deck|pdf|docx|pptx|xlsx|excel|powerpoint|spreadsheet)\b")
_R_BENCH_SETS = (r"\b(benchmark sets?|which benchmarks|what benchmarks|list (the |all )?benchmarks|show (me )?"
                 r"(the |all )?benchmarks|available benchmarks|benchmarks (do we have|are loaded|loaded|available))\b")
_R_PRACTICES = (r"\b(best practices?|top performers?|best performers?|what do (the )?(best|top)|who (is|are) "
                r"(the )?(best|top)|leaders? (in|on|for)|playbooks?|learn from)\b")
_R_RECO = (r"\b(recommend\w*|improve\w*|achievement plan|action plan|what should|next steps?|"
           r"how (can|could|do|should) \w+( \w+)? (get|reach|improve|close|move)|close the gaps?|"
           r"do first|priorit\w+|focus on)\b")
_R_SUCCESS = (r"\b(roi|return on investment|value delivered|delivered value|success (metrics?|score|plan)|"
              r"goals?( are| is)? at risk|at[- ]risk goals?|goal progress|goals? status|value realization|"
              r"business value|how are (the |their |its )?goals)\b")
_R_HISTORY = (r"\b(history|historical|over time|what(?:'s| has)? changed|since last (?:quarter|month|year)|"
              r"(position|percentile|rank\w*) (has )?(changed|moved|evolved)|"
              r"changed over|trend(ed)? (of|in) (the |its |their )?(benchmark |peer )?(position|percentile|rank)|"
              r"(has|have) .{0,30}(changed|moved|evolved|improved|slipped))\b")
_R_COHORT = (r"\b(build|create|define|save|make)\b(?:[^.?!]|\.\d)*\b(cohort|peer group)\b|\bhow many\b(?:[^.?!]|\.\d)*"
             r"\b(accounts|customers)\b|\b(cohort|peer group) (of|with|for)\b")
_R_PORTFOLIO = (r"\b(my (customers|accounts|portfolio|book)|all (of )?(my |our )?(customers|accounts)|"
                r"(the |our |whole |entire )?portfolio|every (customer|account)|whole book)\b")
_R_BELOW = (r"\b(who|which (customers|accounts)|what (customers|accounts))\b(?:[^.?!]|\.\d)*\b(below|under|behind|"
            r"lagging|underperform\w*|worst|at risk)\b|\blaggards?\b|\bbelow (the )?benchmark\b")
_R_COMPARE = (r"\b(compare\w*|comparison|vs\.?|versus|against|benchmark\w*|stack\w* up|how (is|does|are) "
              r"[\w .&'-]+ (doing|perform\w*|compar\w*|rank\w*|look\w*)|peers?|percentile|rank\w*|position)\b")
_R_FOLLOW = r"^\s*(and|what about|how about|same for|now|ok(ay)?,?( and| now)?|also)\b"
_R_NARROW = r"^\s*(only|just|now|instead|but|limit|restrict|narrow|use|with|vs\.?|versus|against|compared? to)\b"
_R_THEY = r"\b(they|them|their|it|its|this account|that account|the account)\b"


def plan(message: str, ws: Workspace, session: Session, settings: Settings | None = None,
         loaded_benchmark: str | None = None) -> Plan:
    """The tool calls (or a question, or help) for ``message`` in this session."""
    settings = settings or Settings()
    e = extract(message, ws, session)
    if loaded_benchmark:
        e.benchmark = e.benchmark or loaded_benchmark
    return _route(e, session, settings, loaded_benchmark is not None)


def _route(e: Entities, s: Session, st: Settings, attached: bool) -> Plan:
    if e.has(_R_HELP) or not e.lower.strip():
        return help_plan(e, s, st)
    if (command := benchmark_command(e, s)) is not None:
        return command
    if e.has(r"^\s*(thanks?( you)?|thx|cheers|great|perfect|ok(ay)?|cool)\b[\s!.]*$"):
        return Plan("thanks", text="You're welcome. Ask me about another account, or type *help* for ideas.")
    if e.has(_R_GOAL) and not e.has(_R_REPORT):
        return goal(e, s, st)
    if e.has(_R_PRACTICES) and not e.has(r"\b(report|export|pdf|docx)\b"):
        return best_practices(e, s, st)
    if e.has(_R_REPORT) and not e.has(_R_BENCH_SETS):
        return report(e, s, st)
    if e.has(_R_BENCH_SETS):
        return list_benchmarks(e, s, st)
    if e.has(_R_SUCCESS):
        return success(e, s, st)
    if e.has(_R_RECO):
        return recommendations(e, s, st)
    if e.has(_R_HISTORY) and (e.customers or s.context.customer or e.name_question):
        return history(e, s, st)
    if e.has(_R_BELOW) and not e.customers:
        return below_benchmark(e, s, st)
    if e.has(_R_COHORT) and not e.customers:
        return cohort(e, s, st)
    if (attached or e.has(_R_PORTFOLIO)) and not e.customers and not e.name_question:
        return compare_portfolio(e, s, st)
    if e.customers and e.has(_R_FOLLOW) and s.context.call is not None:
        return follow_other_customer(e, s, st)
    if not e.customers and not e.name_question and (e.criteria or e.cohort_type) and \
            (s.context.call is not None or e.has(_R_NARROW)) and s.context.customer:
        return follow_narrow(e, s, st)
    if e.customers or e.name_question or e.has(_R_COMPARE):
        if not e.customers and not e.name_question and not e.has(_R_THEY) and s.context.customer is None:
            return Plan("compare_customer", question="Which customer should I compare? Give me the account "
                        "name, e.g. 'How does Acme Corp compare to peers?'")
        return compare_customer(e, s, st)
    return Plan("help", text="I'm not sure what you'd like me to do.\n\n" + HELP)
