"""Expected impact of each recommendation: the headline-metric change associated with closing its gap.

For every improvement with an open gap (current value -> target), the account's peer group
(the same rows its percentiles came from) gives the pairs (gap metric, headline metric); the
maths and the rule for showing a figure are in :mod:`analytics.impact`. Headline metrics:
health score, and renewal rate when the cohort has it. Stated as an association, never a cause.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from analytics import impact as im
from analytics.catalog import BY_KEY
from reports.format import fmt_value
from tools.base import rounded
from tools.portfolio.positions import KIDX, Positions

HEADLINES = ("health_score", "renewal_rate")
CAVEAT = "association, not causation"
SHOWN = 5  # gaps with an impact listed in the Markdown view


class ExpectedImpact(BaseModel):
    """The change in ``headline`` associated with closing the gap (peer correlation across the cohort)."""

    headline: str = Field(description="catalog key of the headline metric (health_score, renewal_rate)")
    expected: float = Field(description="change in the headline metric's unit, e.g. +8.2 health score points")
    low: float = Field(description="lower end of the 95% interval")
    high: float = Field(description="upper end of the 95% interval")
    slope: float
    r: float = Field(description="Pearson correlation across the cohort")
    n: int = Field(description="accounts with both values")
    basis: str = Field(CAVEAT, description="always: association, not causation")

    def text(self, caveat: bool = True) -> str:
        """'Health Score +8.2 points (95% interval +5.1 to +11.3; r = 0.62, n = 102; association, not causation)'."""
        unit = BY_KEY[self.headline].unit
        word = " pts" if unit.startswith("percent") else " points" if "score" in unit else ""
        sign = lambda v: ("+" if v >= 0 else "-") + f"{abs(v):.1f}"
        return (f"{BY_KEY[self.headline].label} {sign(self.expected)}{word} (95% interval {sign(self.low)} to "
                f"{sign(self.high)}; r = {self.r:.2f}, n = {self.n}" + (f"; {CAVEAT})" if caveat else ")"))


def expected_impacts(pos: Positions, me: int, key: str, target: float | None) -> list[ExpectedImpact]:
    """The supported impacts of moving ``key`` from the account's value to ``target`` (may be empty)."""
    group = str(pos.group[me])
    if target is None or key in HEADLINES or not pos.sufficient(group):
        return []
    rows = pos.rows_of(group)
    now = float(pos.values[me, KIDX[key]])
    out = []
    for headline in HEADLINES:
        found = im.gap_impact(pos.values[rows, KIDX[key]], pos.values[rows, KIDX[headline]], now, target)
        if found is not None:
            out.append(ExpectedImpact(headline=headline, expected=rounded(found.expected, 2),
                                      low=rounded(found.low, 2), high=rounded(found.high, 2),
                                      slope=rounded(found.fit.slope, 6), r=rounded(found.fit.r, 4), n=found.fit.n))
    return out


def impact_lines(items, shown: int = SHOWN) -> list[str]:
    """One Markdown bullet per improvement with a supported impact (program-made text only)."""
    lines = [f"- Closing the {i.label} gap ({fmt_value(i.metric, i.value)} to {fmt_value(i.metric, i.target)}): "
             + "; ".join(e.text(caveat=False) for e in i.expected_impact)
             for i in items if getattr(i, "expected_impact", None)]
    more = len(lines) - shown
    return lines[:shown] + ([f"- and {more} more gap(s) with an expected impact (see the full output)"] if more > 0 else [])


def unsupported_note(items) -> str | None:
    """Why no impact is shown, when none is (the rule, so the absence is not read as 'no effect')."""
    if any(getattr(i, "expected_impact", None) for i in items):
        return None
    if items and all(i.metric in HEADLINES for i in items):
        return "No expected impact shown: these are the headline metrics themselves (health score, renewal rate)."
    return (f"No expected impact shown: none of these gaps has a clear association with health score or renewal "
            f"rate across the peer group (needs >= {im.MIN_N} accounts, |r| >= {im.MIN_R} and a 95% interval "
            "that excludes zero).")

