"""The offline planner: what the CSM asked for -> the tool calls Claude would make, or a question back.

1. The message is read (:mod:`agent.understand.reading`): account names (fuzzy), metrics,
   peer-group filters, periods, dates, report kind and format, and the concept tokens.
2. An answer to a pending question completes the pending request ("Generate a success report
   for QBR" -> "Which customer?" -> "Acme Corp" -> the success report).
3. A follow-up that only changes a slot ("and TechCorp?", "only Enterprise peers", "just NPS",
   "and for last quarter?") re-runs the last call with that slot changed.
4. Otherwise the intents are scored against the phrase bank (:mod:`agent.understand.intents`).
   Below :data:`THRESHOLD`, or when two intents with different answers are within
   :data:`MARGIN`, the planner asks back with concrete options instead of guessing: never a
   confident wrong answer.
5. The chosen intent's builder (:mod:`agent.plans`) fills in the tool input; a missing account
   or goal date is asked for, and the request waits on the conversation (``context.pending``).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re

from agent import clarify, grouping_step
from agent import plans as b
from agent.clarify import Pending
from agent.plans import HELP, Plan
from agent.session import Session, Settings, ToolCall
from agent.understand.intents import Match, rank
from agent.understand.lexicon import lexicon
from agent.understand.reading import Reading, read
from agent.understand.times import find_when
from tools.registry import all_tools
from tools.store.workspace import Workspace

__all__ = ["HELP", "Plan", "plan"]

THRESHOLD = 0.5   # best intent below this: not understood, ask or help
MARGIN = 0.05     # two intents with different answers this close: ask which
STRONG = 0.75     # a reply this clearly a request of its own is not the answer to a pending question
WRITE_MIN = 0.6   # a goal is only written when the request is at least this clear
NAME_PENALTY = 0.25   # a portfolio-wide intent for a message naming an account
PAIR_PENALTY = 0.3    # a side-by-side comparison with one account only
NO_ACCOUNT_PENALTY = 0.1   # an account's intent when no account is named or in the conversation
BARE_WRITE_PENALTY = 0.2   # a goal written without a metric, figure or date in the message

# Tokens a follow-up may carry besides the slot it changes ("only SaaS peers", "compare it with X").
FOLLOW_FILLER = frozenset({"compare", "peers", "show", "accounts", "region", "industry", "segment", "size",
                           "benchmark", "rank", "portfolio"})
# "vs TechCorp", "and versus X", "compare it with X", "against X": the account talked about and another.
PAIRING = re.compile(r"^\s*(?:and\s+|what about\s+|how about\s+)?(?:vs\.?|versus|against|compared? (?:it|them|that|this)"
                     r"(?: one)? (?:with|to|against)|side by side with|next to)\s+\{account")
# Intents that give the same answer in another view (a near tie between them needs no question).
SAME_ANSWER = ({"learn_from", "recommendations"}, {"help", "thanks"}, {"compare_customer", "full_table"})

INTENT_PLANS = {"compare_customer", "compare_accounts", "learn_from", "recommendations", "goals_list",
                "success", "goal_create", "goal_measure", "goal_update", "history", "plot_metrics",
                "show_goal", "add_quote", "define_goals", "measurement_form", "add_key_result"}


def plan(message: str, ws: Workspace, session: Session, settings: Settings | None = None,
         loaded_benchmark: str | None = None) -> Plan:
    """The tool calls (or a question, or help) for ``message`` in this conversation."""
    settings = settings or Settings()
    r = read(message, ws)
    if loaded_benchmark:
        r.benchmark = r.benchmark or loaded_benchmark
    ranked = _adjusted(rank(r.tokens), r, session)
    pending, session.context.pending = getattr(session.context, "pending", None), None
    if pending is not None:
        done = _answer(pending, r, ranked, session, settings)
        if done is not None:
            return done
    if loaded_benchmark and not (r.accounts or r.group_by or benchmark_command(r, session)):
        if settings.propose_grouping:
            return grouping_step.propose(ws, r, session, settings, loaded_benchmark)  # upload step 2
        r.group_by = grouping_step.proposed(ws, loaded_benchmark)  # no one to ask: the proposal, stated
    own = None if loaded_benchmark else b.book_and_goal_command(r, session, settings, ws)  # issue 17
    return b.with_own_book(own or _decide(r, ranked, session, settings, loaded_benchmark), r, settings, ws, _fields)


def _fields(tool: str) -> dict:
    """The input fields of ``tool`` (empty for an unknown name)."""
    return all_tools()[tool].input_model.model_fields if tool in all_tools() else {}


def _adjusted(ranked: list[Match], r: Reading, s: Session) -> list[Match]:
    """Scores corrected for what the message names: a portfolio question rarely names an account."""
    intents = lexicon().intents
    out = []
    for m in ranked:
        needs = intents[m.intent].needs
        score = m.score
        if r.accounts and needs is None and m.intent not in ("report", "help", "thanks", "full_table"):
            score -= NAME_PENALTY
        if needs == "accounts" and len(r.accounts) + (1 if s.context.customer else 0) < 2:
            score -= PAIR_PENALTY
        named = r.accounts or r.ambiguous_name or r.unknown_name or s.context.customer
        if needs == "account" and not named:
            score -= NO_ACCOUNT_PENALTY
        if m.intent.startswith("goal_") and not (r.metrics or r.numbers or r.date or r.quoted):
            score -= BARE_WRITE_PENALTY
        out.append(dataclasses.replace(m, score=round(score, 4)))
    return sorted(out, key=lambda m: -m.score)


_R_MAP = r"^\s*map\s+[\"'“]?(?P<name>.+?)[\"'”]?\s+(?:to|as|=|->|→)\s+[\"'“]?(?P<target>[^\"'”]+?)[\"'”]?\s*[.!]?\s*$"
_R_RENAME = r"^\s*(?:rename|call)\b.*?\b(?:to|as)\s+[\"'“]?(?P<new>[^\"'”]+?)[\"'”]?\s*[.!]?\s*$"
_R_PREFER = r"^\s*(?:prefer|use)\s+[\"'“]?(?P<source>.+?)[\"'”]?\s+as\s+(?:the\s+)?primary\b"
_R_ACTIVATE = (r"^\s*(please\s+)?(make|set|use|switch to)\b.*\b(the )?(active|default)( benchmark)?( set)?\b|"
               r"^\s*(please\s+)?activate\b")


def benchmark_command(r: Reading, s: Session) -> Plan | None:
    """The user's controls over benchmark sets, typed: "map X to renewal_rate", "make X the active set",
    "rename the set to ...", "prefer KeyBanc as primary". None when the message is not one of these."""
    target = r.benchmark or s.context.benchmark
    if m := re.match(_R_MAP, r.text, re.I):
        if not s.context.upload:
            return Plan("load_benchmarks", text="Attach the benchmark file again with your message "
                        f"(\"map {m['name']} to {m['target']}\"), and I will load it with that mapping.")
        inp = {"path": s.context.upload, "map": {m["name"]: m["target"].strip()}, **({"name": target} if target else {})}
        return Plan("load_benchmarks", calls=[ToolCall("load_benchmarks", inp)])
    if target is None:
        return None
    if m := re.match(_R_PREFER, r.text, re.I):
        return Plan("manage_benchmarks", calls=[ToolCall("manage_benchmarks",
                                                         {"name": target, "prefer_source": m["source"].strip()})])
    if re.search(r"\bbenchmark|\bset\b", r.text, re.I) and (m := re.match(_R_RENAME, r.text, re.I)):
        return Plan("manage_benchmarks", calls=[ToolCall("manage_benchmarks", {"name": target, "rename": m["new"]})])
    if re.search(_R_ACTIVATE, r.text, re.I) and not r.accounts:
        return Plan("manage_benchmarks", calls=[ToolCall("manage_benchmarks", {"name": target, "activate": True})])
    return None


def _decide(r: Reading, ranked: list[Match], s: Session, st: Settings, loaded: str | None) -> Plan:
    if not r.text.strip():
        return Plan("help", text=HELP)
    command = benchmark_command(r, s)
    if command is not None:
        return command
    top = ranked[0]
    if top.intent in ("help", "thanks") and top.score >= THRESHOLD and not (r.accounts or r.metrics):
        if top.intent == "thanks":
            return Plan("thanks", text="You're welcome. Ask me about another account, or type *help* for ideas.")
        return Plan("help", text=HELP)
    if loaded and not r.accounts:
        return b.compare_portfolio(r, st, loaded)
    follow = _follow_up(r, s, st)
    if follow is not None:
        return follow
    if top.score < THRESHOLD:
        return _unsure(r, s)
    rival = next((m for m in ranked[1:] if not _same_answer(m.intent, top.intent)), None)
    if rival is not None and rival.score >= THRESHOLD and top.score - rival.score < MARGIN:
        account = (r.accounts or [s.context.customer])[0]
        question = clarify.between(top.intent, rival.intent, account, r)
        if len(question.options) >= 2:
            s.context.pending = Pending(top.intent, "topic", r) if account else None
            return question
    return _build(top.intent, r, s, st, top.score)


def _same_answer(a: str, b_: str) -> bool:
    return a == b_ or any(a in group and b_ in group for group in SAME_ANSWER)


def _unsure(r: Reading, s: Session) -> Plan:
    if r.ambiguous_name:
        s.context.pending = Pending("compare_customer", "account", r)
        return clarify.which_of("compare_customer", r.ambiguous_name, r.name_options, r)
    if r.unknown_name and not r.accounts:
        s.context.pending = Pending("compare_customer", "account", r)
        return clarify.unknown_account("compare_customer", r.unknown_name)
    if r.accounts:
        again = s.context.call is not None and s.context.customer not in (None, r.accounts[0])
        s.context.customer = r.accounts[0]
        s.context.pending = Pending("compare_customer", "topic", r)
        return clarify.about(r.accounts[0], r, same_again=again)
    return clarify.not_understood(r)


# ---------------------------------------------------------------------------
# building the chosen intent


def _build(intent: str, r: Reading, s: Session, st: Settings, score: float = 1.0) -> Plan:
    if intent in ("help", "thanks"):
        return Plan("help", text=HELP)
    if intent == "full_table":
        intent = "compare_customer"
    if intent == "report":
        return _report(r, s, st)
    portfolio_wide = not r.accounts and (r.has("portfolio") or r.segment is not None)
    if intent in ("success", "goals_list") and portfolio_wide:
        return b.portfolio_success(r, st)
    if intent == "compare_customer" and portfolio_wide and not s.context.customer:
        return b.compare_portfolio(r, st)
    simple = {"compare_portfolio": lambda: b.compare_portfolio(r, st),
              "at_risk_accounts": lambda: b.at_risk_accounts(r, st),
              "best_practices": lambda: b.best_practices(r, st),
              "portfolio_success": lambda: b.portfolio_success(r, st),
              "list_benchmarks": lambda: b.list_benchmarks(r, st),
              "build_cohort": lambda: b.build_cohort(r, st),
              "review_calls": lambda: b.review_calls(r, st, _when(r))}
    if intent in simple:
        return simple[intent]()
    accounts = _accounts(intent, r, s)
    if isinstance(accounts, Plan):
        return accounts
    return _for_accounts(intent, r, accounts, s, st, score)


def _for_accounts(intent: str, r: Reading, accounts: list[str], s: Session, st: Settings, score: float) -> Plan:
    one = accounts[0]
    if intent in ("compare_customer", "compare_accounts"):
        return b.compare_customer(r, accounts, st) if len(accounts) > 1 or intent == "compare_customer" \
            else b.compare_customer(r, [one], st)
    if intent in ("goal_create", "goal_measure", "goal_update"):
        return _goal(intent, r, one, s, st, score)
    builders = {"learn_from": lambda: b.recommendations(r, one, st, view="learn_from"),
                "recommendations": lambda: b.recommendations(r, one, st),
                "goals_list": lambda: b.goals_list(r, one, st),
                "success": lambda: b.success(r, one, st),
                "history": lambda: b.history(r, one, st),
                "share": lambda: b.share(r, one, st),
                "email": lambda: b.email(r, one, st),
                "invite": lambda: b.invite(r, one, st, _when(r)),
                "goals_from_gaps": lambda: b.goals_from_gaps(one),
                "plot_metrics": lambda: b.plot_metrics(r, one, st),
                "show_goal": lambda: b.show_goal(r, one, st), "add_quote": lambda: b.add_quote(r, one, st),
                "define_goals": lambda: b.define_goals(r, one, st),
                "measurement_form": lambda: b.measurement_form(r, one, st),
                "add_key_result": lambda: b.add_key_result(r, one, st)}
    return builders[intent]()


def _when(r: Reading) -> str | None:
    """A meeting time named in the message ("next Tuesday at 2pm"), as a local ISO time."""
    found = find_when(r.text, dt.datetime.now())
    return found.isoformat(timespec="minutes") if found else None


def _accounts(intent: str, r: Reading, s: Session) -> list[str] | Plan:
    """The account(s) the request is about, or the question asking for them."""
    if r.accounts:
        if intent == "compare_accounts" and len(r.accounts) == 1 and s.context.customer not in (None, r.accounts[0]):
            return [s.context.customer, *r.accounts]
        return r.accounts
    if r.ambiguous_name:
        s.context.pending = Pending(intent, "account", r)
        return clarify.which_of(intent, r.ambiguous_name, r.name_options, r)
    if r.unknown_name:
        s.context.pending = Pending(intent, "account", r)
        return clarify.unknown_account(intent, r.unknown_name)
    if s.context.customer:
        return [s.context.customer]
    s.context.pending = Pending(intent, "account", r)
    return clarify.which_account(intent, None, r)


def _report(r: Reading, s: Session, st: Settings) -> Plan:
    kind = r.report_kind or s.context.report_kind or "benchmark"
    if kind == "portfolio":
        return b.report(r, None, kind, st)
    accounts = _accounts("report", r, s)
    if isinstance(accounts, Plan):
        if s.context.pending is not None:
            s.context.pending.reading.report_kind = kind
        return accounts
    return b.report(r, accounts[0], kind, st)


def _goal(intent: str, r: Reading, account: str, s: Session, st: Settings, score: float) -> Plan:
    """A goal is written only when the request is clear and complete; else ask for what is missing."""
    if intent == "goal_create":
        if not r.metric or "target" not in r.goal:
            s.context.pending = Pending(intent, "goal", r)
            return Plan(intent, question=clarify.needs_goal(account), customer=account)
        if not r.date:
            s.context.pending = Pending(intent, "date", r)
            return Plan(intent, question=clarify.needs_date(account), customer=account)
    if score < WRITE_MIN:
        return clarify.between(intent, "goals_list", account, r)
    build = {"goal_create": b.goal_create, "goal_measure": b.goal_measure, "goal_update": b.goal_update}[intent]
    return build(r, account, st)


# ---------------------------------------------------------------------------
# answers to questions, and follow-ups


def _answer(p: Pending, r: Reading, ranked: list[Match], s: Session, st: Settings) -> Plan | None:
    """The pending request completed by this reply, or None when the reply is a new request."""
    top = ranked[0]
    own_request = top.score >= STRONG and top.intent != p.intent and bool(r.content())
    if p.missing == grouping_step.MISSING:
        return None if own_request and not r.group_by else grouping_step.answer(p, r, st)
    if p.missing == "topic":
        if not r.metrics:
            r.metrics = list(p.reading.metrics)
        return None
    if own_request:
        return None
    if p.missing == "account" and (r.accounts or r.ambiguous_name or r.unknown_name):
        merged = copy.copy(p.reading)
        merged.accounts, merged.ambiguous_name = r.accounts, r.ambiguous_name
        merged.unknown_name, merged.name_options = r.unknown_name, r.name_options
        return _build(p.intent, merged, s, st)
    if p.missing in ("date", "goal") and (r.date or r.metrics or r.goal):
        merged = copy.copy(p.reading)
        merged.date = r.date or merged.date
        merged.metrics = r.metrics or merged.metrics
        merged.goal = {**merged.goal, **r.goal}
        return _build(p.intent, merged, s, st)
    return None


def _follow_up(r: Reading, s: Session, st: Settings) -> Plan | None:
    """The last call again with one slot changed, when that is all the message says.

    With an account, only a message that says nothing else is a follow-up ("and TechCorp?",
    "what about DataPro"), or one that pairs it with the account talked about ("vs TechCorp",
    "compare it with CloudMax"): "How does GrowthCo compare to peers?" is a question of its own.
    """
    last = s.context.call
    # "group them by industry instead", "show the full distribution": the slot's own words are filler
    own = ({"regroup", "show"} if r.group_by else set()) | ({"spread", "show"} if r.distribution else set())
    if last is None or (r.content() - FOLLOW_FILLER - {"full"} - own):
        return None
    fields = all_tools()[last.name].input_model.model_fields if last.name in all_tools() else {}
    if r.accounts:
        paired = PAIRING.search(r.masked) or r.has("side")
        if (r.content() and not paired) or not (paired or r.has("and")):
            return None  # a bare name is asked about (with "the same for ..." among the options)
        return _other_account(r, last, fields, s, st)
    inp = dict(last.input)
    changed = False
    if r.has("full") and "metrics" in fields and inp.get("metrics"):
        inp.pop("metrics")
        changed = True
    if r.metrics and ("metrics" in fields or "metric" in fields):
        _set_metrics(inp, fields, r.metrics)
        changed = True
    if (r.criteria or r.cohort_type) and "criteria" in fields:
        inp = {**b.compare_input(inp.get("customer", ""), r, st, base=inp, narrow=True),
               **({"metrics": inp["metrics"]} if inp.get("metrics") and not r.metrics else {})}
        if "customers" in fields:
            inp.pop("customer", None)
        changed = True
    elif r.segment and "segment" in fields:
        inp["segment"] = r.segment
        changed = True
    if r.group_by and "group_by" in fields and not r.accounts:
        inp["group_by"], changed = r.group_by, True
    if r.distribution and "distribution" in fields:
        inp["distribution"], changed = True, True
    if r.period and "period" in fields:
        inp["period"], changed = r.period, True
    if r.months and "periods" in fields:
        inp["periods"], changed = r.months, True
    if not changed:
        return None
    return Plan(s.context.intent or last.name, calls=[ToolCall(last.name, inp)], customer=s.context.customer,
                report_kind=s.context.report_kind)


def _set_metrics(inp: dict, fields: dict, metrics: list[str]) -> None:
    """The metrics a follow-up names, into the input field that takes them: a list (``metrics``), or
    one metric (``metric``) where the tool has that for a single one (compare_portfolio has both)."""
    as_list = "metrics" in fields and ("metric" not in fields or len(metrics) > 1)
    inp.pop("metric" if as_list else "metrics", None)
    inp["metrics" if as_list else "metric"] = list(metrics) if as_list else metrics[0]


def _other_account(r: Reading, last: ToolCall, fields: dict, s: Session, st: Settings) -> Plan | None:
    """'and TechCorp?' -> the same request for TechCorp; 'vs TechCorp' -> the two side by side."""
    current = s.context.customer
    if r.content() and current and current not in r.accounts:
        base = {k: v for k, v in last.input.items() if k in ("metrics",)}
        plan_ = b.compare_accounts(r, [current, *r.accounts], st)
        plan_.call.input.update({k: v for k, v in base.items() if k not in plan_.call.input})
        return plan_
    if "customer" not in fields:
        if "customers" in fields:
            return b.compare_customer(r, r.accounts, st)
        return None
    inp = dict(last.input)
    inp["customer"] = r.accounts[0]
    if r.metrics and ("metrics" in fields or "metric" in fields):
        _set_metrics(inp, fields, r.metrics)
    return Plan(s.context.intent or last.name, calls=[ToolCall(last.name, inp)], customer=r.accounts[0],
                report_kind=s.context.report_kind)


def note_plan(session: Session, p: Plan) -> None:
    """What a planned turn was about, for the next message's follow-ups (before its tools ran)."""
    if p.call is None:
        return
    session.note_call(p.call, p.customer)
    session.context.intent = p.intent
    session.context.report_kind = p.report_kind or session.context.report_kind
