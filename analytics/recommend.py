"""Targets, stretch goals, timelines and the 12-week plan for an account's gaps (pure).

The rules (recommend_improvements applies them; the model only phrases them):

- **Gap**: a metric whose percentile is below 50 against the peer cohort or
  against the benchmark (either one).
- **Reference**: the benchmark when the account is below the benchmark median
  on that metric, otherwise the peer cohort (the account is then below the
  cohort median only). A caller may force one.
- **Target**: the reference median (its 50th percentile in the metric's good
  direction). **Stretch**: the reference's P75; when the account is already at
  or above the median (a metric asked for explicitly, or none of its metrics
  is a gap), the target is met and the stretch is P90; at or above P90 there is
  no stretch ("sustain").
- **Gap size** in percentile points to the target (``50 - percentile``):
  small < 10 -> 30 days (due week 4), medium < 25 -> 60 days (due week 8),
  large >= 25 or under the lowest known benchmark quantile -> 90 days (due in
  week 12, the end of the plan).
- **Actions**: the first entries of the metric's playbook list, one action
  serving several gaps listed once, with the gaps it serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analytics.percentiles import TOLERANCE

SMALL_GAP = 10.0   # percentile points
MEDIUM_GAP = 25.0
TIMELINES = {"small": (30, 4), "medium": (60, 8), "large": (90, 12)}  # size -> (days, due week)
PLAN_WEEKS = 12
ACTIONS_PER_GAP = 2


@dataclass(frozen=True)
class Levels:
    """A reference's values at the reported 50th, 75th and 90th percentiles."""

    median: float | None
    p75: float | None
    p90: float | None


@dataclass
class TargetPlan:
    target: float | None
    target_percentile: float
    target_met: bool
    stretch: float | None
    stretch_percentile: float | None
    gap_points: float | None
    size: str | None
    timeline_days: int | None
    due_week: int | None


def gap_size(percentile: float | None, bound: str | None = None, target: float = 50.0) -> str | None:
    """'small' / 'medium' / 'large' by percentile points to the target; None when met.

    A percentile known only as a bound under the lowest quantile counts as large.

    >>> gap_size(45.0), gap_size(30.0), gap_size(10.0), gap_size(25.0, "below"), gap_size(60.0)
    ('small', 'medium', 'large', 'large', None)
    """
    if percentile is None or percentile != percentile:
        return None
    if percentile >= target - TOLERANCE and bound != "below":
        return None
    if bound == "below":
        return "large"
    points = target - percentile
    if points < SMALL_GAP - TOLERANCE:
        return "small"
    if points < MEDIUM_GAP - TOLERANCE:
        return "medium"
    return "large"


def plan_target(percentile: float | None, levels: Levels, bound: str | None = None) -> TargetPlan:
    """Target, stretch and timeline for one metric against one reference.

    ``percentile`` is the account's position against that reference (reported,
    good-direction percentile).

    >>> t = plan_target(45.0, Levels(60.0, 70.0, 80.0))
    >>> (t.target, t.stretch, t.stretch_percentile, t.size, t.timeline_days, t.due_week)
    (60.0, 70.0, 75.0, 'small', 30, 4)
    >>> t = plan_target(62.0, Levels(60.0, 70.0, 80.0))
    >>> (t.target_met, t.stretch, t.stretch_percentile, t.timeline_days)
    (True, 80.0, 90.0, None)
    >>> plan_target(95.0, Levels(60.0, 70.0, 80.0)).stretch is None
    True
    """
    size = gap_size(percentile, bound)
    days, week = TIMELINES[size] if size else (None, None)
    met = size is None and percentile is not None and percentile == percentile
    if met:
        top = percentile >= 90.0 - TOLERANCE and bound != "below"
        stretch, stretch_p = (None, None) if top else (levels.p90, 90.0)
    else:
        stretch, stretch_p = levels.p75, 75.0
    points = None if percentile is None or percentile != percentile else max(0.0, 50.0 - percentile)
    return TargetPlan(target=levels.median, target_percentile=50.0, target_met=met, stretch=stretch,
                      stretch_percentile=stretch_p if stretch is not None else None,
                      gap_points=points, size=size, timeline_days=days, due_week=week)


def choose_reference(cohort_pct: float | None, bench_pct: float | None, bench_bound: str | None = None,
                     prefer: str = "auto") -> str | None:
    """'benchmark' or 'cohort': the reference whose median the account has not reached.

    ``prefer`` = 'benchmark' / 'cohort' forces one (when it has a percentile).

    >>> choose_reference(40.0, 30.0), choose_reference(40.0, 60.0), choose_reference(70.0, 60.0)
    ('benchmark', 'cohort', 'benchmark')
    >>> choose_reference(40.0, None), choose_reference(None, None)
    ('cohort', None)
    """
    has_b = bench_pct is not None and bench_pct == bench_pct
    has_c = cohort_pct is not None and cohort_pct == cohort_pct
    if prefer == "benchmark" and has_b:
        return "benchmark"
    if prefer == "cohort" and has_c:
        return "cohort"
    if has_b and (gap_size(bench_pct, bench_bound) is not None or not has_c or gap_size(cohort_pct) is None):
        return "benchmark"
    return "cohort" if has_c else ("benchmark" if has_b else None)


def is_gap(cohort_pct: float | None, bench_pct: float | None, bench_bound: str | None = None) -> bool:
    """Below the median of the cohort or of the benchmark.

    >>> is_gap(40.0, 70.0), is_gap(70.0, 50.0, "below"), is_gap(70.0, 60.0), is_gap(None, None)
    (True, True, False, False)
    """
    return gap_size(cohort_pct) is not None or gap_size(bench_pct, bench_bound) is not None


def severity(cohort_pct: float | None, bench_pct: float | None) -> float:
    """Sort key for gaps: the lower of the two percentiles (missing = 100)."""
    vals = [p for p in (cohort_pct, bench_pct) if p is not None and p == p]
    return min(vals) if vals else 100.0


@dataclass
class ActionUse:
    key: str
    metrics: list[str] = field(default_factory=list)
    first_due_week: int = PLAN_WEEKS


def select_actions(playbook: dict[str, list[str]], gaps: list[tuple[str, int | None]],
                   per_gap: int = ACTIONS_PER_GAP) -> list[ActionUse]:
    """Actions for the gaps (metric, due week), in gap order, each action listed once.

    >>> pb = {"nps": ["calls", "sponsor"], "csat": ["calls", "survey"]}
    >>> [(a.key, a.metrics, a.first_due_week) for a in select_actions(pb, [("nps", 8), ("csat", 4)])]
    [('calls', ['nps', 'csat'], 4), ('sponsor', ['nps'], 8), ('survey', ['csat'], 4)]
    """
    chosen: dict[str, ActionUse] = {}
    for metric, week in gaps:
        for key in playbook.get(metric, [])[:per_gap]:
            use = chosen.setdefault(key, ActionUse(key))
            use.metrics.append(metric)
            use.first_due_week = min(use.first_due_week, week or PLAN_WEEKS)
    return list(chosen.values())


#: The 12-week plan's phases: (first week, last week, title). Actions start in
#: the phase before their first gap is due; checkpoints fall on the due weeks.
PHASES = ((1, 2, "Baseline and alignment"), (3, 4, "Launch quick wins"),
          (5, 8, "Scale adoption"), (9, 12, "Embed and review"))


def phase_for_week(week: int) -> int:
    """Index of the phase containing ``week``.

    >>> phase_for_week(1), phase_for_week(4), phase_for_week(8), phase_for_week(12)
    (0, 1, 2, 3)
    """
    for i, (lo, hi, _) in enumerate(PHASES):
        if lo <= week <= hi:
            return i
    return len(PHASES) - 1


MAX_LAUNCH = 3  # actions started together in weeks 3-4; the rest start in weeks 5-8


@dataclass
class Phase:
    first_week: int
    last_week: int
    title: str
    start: list[str] = field(default_factory=list)               # action keys started in this phase
    checkpoints: list[tuple[str, int, str]] = field(default_factory=list)  # (metric, week, "target"/"halfway")


def plan_phases(gaps: list[tuple[str, int | None, str | None]], actions: list[ActionUse]) -> list[Phase]:
    """The 12-week plan's skeleton: which actions start when, which checkpoints fall where.

    ``gaps`` are (metric, due week, size) in priority order. Weeks 1-2 set the
    baseline and agree targets; the first :data:`MAX_LAUNCH` actions (earliest
    due first) start in weeks 3-4 and the rest in weeks 5-8. Each gap is checked
    in its due week; a large gap also gets a halfway checkpoint in week 8.

    >>> acts = [ActionUse("a", ["nps"], 4), ActionUse("b", ["csat"], 12)]
    >>> ph = plan_phases([("nps", 4, "small"), ("csat", 12, "large")], acts)
    >>> [(p.first_week, p.start, p.checkpoints) for p in ph]
    [(1, [], []), (3, ['a', 'b'], [('nps', 4, 'target')]), (5, [], [('csat', 8, 'halfway')]), (9, [], [('csat', 12, 'target')])]
    """
    phases = [Phase(lo, hi, title) for lo, hi, title in PHASES]
    ordered = sorted(actions, key=lambda a: a.first_due_week)  # stable: gap order within a week
    for i, act in enumerate(ordered):
        phases[1 if i < MAX_LAUNCH else 2].start.append(act.key)
    for metric, week, size in gaps:
        if week is None:
            continue
        if size == "large":
            phases[phase_for_week(8)].checkpoints.append((metric, 8, "halfway"))
        phases[phase_for_week(week)].checkpoints.append((metric, week, "target"))
    for ph in phases:
        ph.checkpoints.sort(key=lambda c: c[1])
    return phases
