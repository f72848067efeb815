"""Questions back: when the planner is not sure, it asks, offering 2-4 concrete answers as buttons.

Every button sends a plain sentence (``{"message": ...}``) that the planner understands on its
own, so a click and a typed answer take the same path. The request being clarified waits on
the conversation (:class:`Pending`) and is completed by the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.plans import HELP, Plan
from agent.understand.lexicon import lexicon
from agent.understand.reading import Reading
from analytics.catalog import BY_KEY
from tools.base import FollowUp

TOPICS = ("compare_customer", "goals_list", "success", "recommendations")
PORTFOLIO_FORM = {"success": "portfolio_success", "compare_customer": "compare_portfolio",
                  "report": "report_portfolio", "goals_list": "portfolio_success"}
_EXTRA_OPTIONS = {"report_portfolio": "Export the portfolio analysis"}


@dataclass
class Pending:
    """A request waiting for the user's answer: what was asked for, and what is missing."""

    intent: str
    missing: str          # "account" | "date" | "goal" | "topic"
    reading: Reading


def option_text(intent: str, account: str | None = None, r: Reading | None = None) -> str | None:
    """The sentence a button sends for ``intent`` (about ``account``), or None when it needs one."""
    spec = lexicon().intents.get(intent)
    text = _EXTRA_OPTIONS.get(intent) or (spec.option if spec else None)
    if text is None or ("{account}" in text and not account):
        return None
    metric = BY_KEY[r.metric].label if r is not None and r.metric else None
    if "{metric}" in text:
        text = text.replace(" on {metric}", "").replace("{metric}", "") if metric is None else \
            text.replace("{metric}", metric)
    text = text.replace("{account}'s", f"{account}'s" if account else "").replace("{account}", account or "")
    if metric and intent == "compare_customer":
        text = f"Compare {account}'s {metric} with peers"
    return " ".join(text.split())


def options(intents: list[str], account: str | None = None, r: Reading | None = None) -> list[FollowUp]:
    out = []
    for intent in intents:
        text = option_text(intent, account, r)
        if text and text not in (o.label for o in out):
            out.append(FollowUp(label=text, payload={"message": text}))
    return out[:4]


def which_account(intent: str, recent: str | None, r: Reading) -> Plan:
    """ "Which customer?" with the account talked about and the portfolio-wide form as buttons."""
    opts = options([intent] if recent else [], recent, r) + options([PORTFOLIO_FORM[intent]] if intent in
                                                                    PORTFOLIO_FORM else [], None, r)
    what = {"report": "Which customer is the report for?", "success": "Which customer's goals and ROI?",
            "goals_list": "Which customer's goals?", "history": "Which customer's history?",
            "recommendations": "Which customer should the plan be for?",
            "learn_from": "Which customer is looking for peers to learn from?",
            "compare_customer": "Which customer should I compare?", "goal_create": "Which customer is the goal for?",
            "compare_accounts": "Which customers should I put side by side?"}.get(intent, "Which customer do you mean?")
    question = f"{what} Give me the account name, e.g. 'Acme Corp'."
    return Plan(intent, question=question, options=opts)


def which_of(intent: str, span: str, candidates: list[str], r: Reading) -> Plan:
    opts = [o for c in candidates for o in options([intent], c, r)] or \
        [FollowUp(label=c, payload={"message": c}) for c in candidates]
    names = ", ".join(f"**{c}**" for c in candidates[:-1]) + f" or **{candidates[-1]}**" if len(candidates) > 1 \
        else f"**{candidates[0]}**"
    return Plan(intent, question=f"More than one customer matches '{span}': {names}. Which one do you mean?",
                options=opts[:4])


def unknown_account(intent: str, span: str) -> Plan:
    return Plan(intent, question=f"I couldn't find a customer called '{span}' in this workspace. "
                                 "Which account do you mean? Give me its name as it appears in your portfolio.")


def about(account: str, r: Reading, same_again: bool = False) -> Plan:
    """Only an account was named: what would you like to know about it? (``same_again``: the
    conversation was about another account, so "the same for this one" is the first option.)"""
    opts = options(list(TOPICS), account, r)
    if same_again:
        opts = [FollowUp(label=f"The same for {account}", payload={"message": f"The same for {account}"}),
                *opts[:3]]
    return Plan("topic", customer=account, question=f"What would you like to know about **{account}**?",
                options=opts)


def between(first: str, second: str, account: str | None, r: Reading) -> Plan:
    """Two readings are about equally likely: offer both."""
    return Plan(first, question="I can read that two ways. Which do you mean?",
                options=options([first, second], account, r))


def not_understood(r: Reading) -> Plan:
    return Plan("help", text="I'm not sure what you'd like me to do.\n\n" + HELP)


def needs_date(account: str) -> str:
    return (f"By when should {account} reach it? Give me a target date, e.g. 'by June 30' or "
            "'by the end of March'.")


def needs_goal(account: str) -> str:
    return (f"What should the goal for {account} be? Name the metric and the target, e.g. "
            "'NPS to 45 by end of March'.")
