"""Step 2 of the benchmark upload: propose the peer grouping, and compare only once it is confirmed.

A benchmark file attached with a request about the whole book ("Compare my customers against
these benchmarks") is loaded (step 1), then the planner proposes how to group the accounts into
peer groups (step 2): the dimension the benchmark's rows are by (tools.portfolio.grouping), with
buttons to confirm it or pick another (segment / industry / ARR band / custom: any other customer
attribute such as region or CSM). The comparison (step 3) runs on the click, or on a typed reply:
"yes" keeps the proposal, "by industry" changes it. A request that names the grouping
("... by industry") skips the question.
"""

from __future__ import annotations

import copy
import re

from agent import plans as b
from agent.clarify import Pending
from agent.plans import Plan
from agent.session import Session, Settings
from agent.understand.reading import Reading
from reports.format import md_text
from tools.base import FollowUp
from tools.portfolio.grouping import compared_portfolio, grouping_offers, groupings, label_of, proposed_grouping
from tools.store.workspace import Workspace

MISSING = "grouping"
YES = re.compile(r"^\s*(yes|y|yep|yeah|ok|okay|sure|confirm(ed)?|go ahead|looks good|fine|keep it|"
                 r"(use |keep )?(the )?(proposed|proposal|default)( one| grouping)?)\W*$", re.I)


def propose(ws: Workspace, r: Reading, s: Session, settings: Settings, loaded: str) -> Plan:
    """The question of step 2 (the request waits on the conversation until answered)."""
    key, why = proposed_grouping(ws, loaded)
    options = grouping_offers(ws, loaded, key)
    waiting = copy.copy(r)
    waiting.group_by = key
    s.context.pending = Pending("compare_portfolio", MISSING, waiting)
    text = (f"**Step 2 of 3: peer groups.** Benchmark set '{md_text(loaded, True)}' is loaded. Each account will be ranked "
            f"within a peer group: I propose **by {label_of(key)}** ({why}). Confirm it, or choose another "
            "grouping (or type e.g. \"by region\"); then I compare the portfolio.")
    return Plan("compare_portfolio", question=text, options=options, report_kind="portfolio")


def proposed(ws: Workspace, loaded: str) -> str:
    return proposed_grouping(ws, loaded)[0]


def answer(p: Pending, r: Reading, settings: Settings) -> Plan | None:
    """The comparison once the grouping is confirmed ("yes") or changed ("by industry"); None otherwise."""
    if r.group_by:
        chosen = r.group_by
    elif YES.match(r.text):
        chosen = p.reading.group_by
    else:
        return None
    merged = copy.copy(p.reading)
    merged.group_by = chosen
    return b.compare_portfolio(merged, settings)


def claude_note(ws: Workspace, loaded: str) -> str:
    """What Claude is told after a benchmark file loaded (step 2 happens before any comparison)."""
    key, why = proposed_grouping(ws, loaded)
    return ("\n\nStep 2 of 3 (peer groups): the proposed grouping for a portfolio comparison is by "
            f"{label_of(key)} ({why}); other groupings: {', '.join(label_of(g) for g in groupings(ws))}. Unless the "
            "user already said how to group the accounts, do not compare the portfolio yet: state the proposal in "
            "one sentence and ask them to confirm or choose (buttons are shown under your answer). Once they have, "
            "call compare_portfolio with that group_by.")


def buttons(ws: Workspace, loaded: str, outputs) -> list[FollowUp]:
    """The step-2 buttons under Claude's answer when it did not compare the portfolio yet."""
    return [] if compared_portfolio(outputs) else grouping_offers(ws, loaded)
