"""The story a customer-facing report tells first: a headline finding, wins, risks, asks, and the
action plan with owners on both sides, dates and success measures.

Everything here selects and words figures the tools returned (compare_customer, compute_roi,
recommend_improvements, the peer view); dates are counted from the report's date. The advice
fits the account: a top-quartile account gets "protect and expand" plays and a reference ask,
a lagging one a recovery plan with an executive sponsor; low results read in quartile words.
"""

from __future__ import annotations

import datetime as dt

from reports.format import fmt_date, fmt_money, fmt_versus, ordinal, quartile_words
from reports.model import Table
from tools.report.cells import cols, date_cell, text
from tools.report.shared import ReportData, improvements, industry_view

TOP, LOW = 75.0, 25.0


def shown(m) -> float | None:
    """The percentile a report's table shows for a metric (industry where benchmarked, else peers)."""
    return industry_view(m)[1]


def tier(cmp) -> str:
    """'top' (overall top quartile), 'low' (lowest quartile) or 'middle'."""
    p = cmp.overall_percentile if cmp.overall_percentile is not None else cmp.benchmark_composite
    if p is None:
        return "middle"
    return "top" if p + 1e-9 >= TOP else "low" if p + 1e-9 < LOW else "middle"


def _ranked(cmp) -> list:
    rated = [m for m in cmp.metrics if m.value is not None and shown(m) is not None]
    return sorted(rated, key=lambda m: -shown(m))


def _basis(m) -> str:
    return "vs industry" if industry_view(m)[4] else "vs peers"


def _where(m) -> str:
    """'top quartile (77th vs industry)' / 'lowest quartile vs industry' (no ordinal under the 25th)."""
    p = shown(m)
    label = industry_view(m)[2]
    if p + 1e-9 < LOW:
        return f"{quartile_words(p)} {_basis(m)}"
    return f"{quartile_words(p)} ({label or ordinal(p)} {_basis(m)})"


def headline(cmp, items: list[dict]) -> str:
    """One sentence stating the finding: 'Renewal Rate is top quartile; Training Hours is the gap to close'."""
    ranked = _ranked(cmp)
    if not ranked:
        return f"{cmp.customer}: how you compare with your peers"
    best, level = ranked[0], tier(cmp)
    gap = items[0]["label"] if items else None
    if level == "top":
        return (f"{best.label} is {quartile_words(shown(best))}; {gap} is the next gain" if gap else
                f"{best.label} is {quartile_words(shown(best))}: protect the lead and expand")
    if level == "low":
        focus = " and ".join(it["label"] for it in items[:2]) or ranked[-1].label
        if shown(best) >= 50:
            return f"{best.label} is a strength to build on; room to grow in {focus}"
        return f"Room to grow in {focus}: a 90-day plan to close the gap"
    if gap:
        return f"{best.label} is {quartile_words(shown(best))}; {gap} is the gap to close"
    return f"{best.label} is {quartile_words(shown(best))}; every metric is at or above the median"


def _position_change(data: ReportData) -> tuple[float, float, str] | None:
    known = [p for p in data.peers.monthly if p["overall"] is not None]
    if len(known) < 2:
        return None
    return known[0]["overall"], known[-1]["overall"], known[0]["period"]


def wins(data: ReportData, limit: int = 3) -> list[str]:
    cmp, roi = data.compare, data.roi
    out: list[str] = []
    if roi is not None and roi.goals:
        done = [g.name for g in roi.goals if g.status == "achieved"]
        if done:
            out.append(f"Goal achieved: {done[0]}" + (f" (and {len(done) - 1} more)" if len(done) > 1 else ""))
        if roi.value_delivered.total:
            out.append(f"{fmt_money(roi.value_delivered.total)} of value delivered a year from your goals")
    if cmp is not None:
        change = _position_change(data)
        if change and change[1] - change[0] >= 5 and change[1] + 1e-9 >= LOW:
            out.append(f"Overall position up from the {ordinal(change[0])} to the {ordinal(change[1])} percentile "
                       "over 12 months")
        for m in _ranked(cmp):
            if len(out) >= limit:
                break
            if shown(m) + 1e-9 >= 50:
                out.append(f"{m.label}: {_where(m)}")
        improving = [m.label for m in cmp.metrics if m.trend == "improving" and m.value is not None]
        if len(out) < limit and improving:
            out.append(f"Improving over the last 6 months: {', '.join(improving[:3])}")
        ranked = _ranked(cmp)
        if len(out) < limit and ranked and shown(ranked[0]) + 1e-9 < 50:
            out.append(f"{ranked[0].label} is your strongest area: {_where(ranked[0])}")
    if roi is not None and len(out) < limit:
        moving = sorted((g for g in roi.goals if g.status in ("on_track", "at_risk") and g.achievement_pct
                         and g.achievement_pct > 0), key=lambda g: -g.achievement_pct)
        out += [f"Progress on {g.name}: {g.achievement_pct:.0f}% of the way" for g in moving[:limit - len(out)]]
    return out[:limit]


def risks(data: ReportData, items: list[dict], limit: int = 3) -> list[str]:
    cmp, roi = data.compare, data.roi
    out: list[str] = []
    if roi is not None:
        for a in roi.at_risk[:1]:
            out.append(f"Goal at risk: {a.goal}")
        missed = [g.name for g in roi.goals if g.status == "missed"]
        if missed:
            out.append(f"Goal missed: {missed[0]}" + (f" (and {len(missed) - 1} more)" if len(missed) > 1 else ""))
    if cmp is not None:
        for it in items:
            if len(out) >= limit:
                break
            m = cmp.metric(it["metric"])
            if shown(m) is not None:
                out.append(f"{m.label}: {_where(m)}")
        change = _position_change(data)
        if len(out) < limit and change and change[0] - change[1] >= 5:
            out.append(f"Overall position slipped over 12 months (now {quartile_words(change[1])})")
        declining = [m.label for m in cmp.metrics if m.trend == "declining" and m.value is not None]
        if len(out) < limit and declining:
            out.append(f"Declining over the last 6 months: {', '.join(declining[:3])}")
    if cmp is not None and tier(cmp) == "top" and not items and len(out) < limit:  # the one to watch
        ranked = _ranked(cmp)
        if ranked:
            out.append(f"Watch {ranked[-1].label}: your lowest relative score, {_where(ranked[-1])}")
    if len(out) < limit and data.renewal and (data.renewal - data.today).days <= 120:
        out.append(f"Renewal due {fmt_date(data.renewal.isoformat())}: start the renewal plan now")
    return out[:limit]


# ---- the action plan ------------------------------------------------------------------------------

def _owners(owner: str | None, csm: str) -> tuple[str, str]:
    """'CSM + customer admin' -> ('Sarah Chen (CSM)', 'Your admin'): who acts on each side."""
    ours, yours = [], []
    for part in (owner or "CSM").split("+"):
        part = part.strip()
        if "customer" in part.lower():
            yours.append("Your " + part.lower().replace("customer", "").strip())
        elif part.upper() == "CSM":
            ours.append(f"{csm} (CSM)" if csm and "team" not in csm.lower() else "CSM")
        else:
            ours.append(part[0].upper() + part[1:])
    return ", ".join(ours) or "CSM", ", ".join(yours) or "Your day-to-day owner"


def _measure(it: dict) -> str:
    k, ref = it["metric"], it.get("reference", "peer")
    if it.get("target") is not None and it.get("current") is not None:
        now, target = fmt_versus(k, it["current"], it["target"])
        return f"{it['label']} from {now} to {target} ({ref} median)"
    return f"{it['label']} improving month on month"


def plan_rows(data: ReportData, items: list[dict]) -> list[dict]:
    """Rows of the action plan: the actions serving the gaps shown, then the plays for the account's tier
    (expansion and a reference for a top account, an executive sponsor for a lagging one) and the renewal."""
    csm, today, rec = data.prepared_by, data.today, data.recommend
    by_metric = {it["metric"]: it for it in items}
    rows: list[dict] = []
    actions = sorted((a for a in (getattr(rec, "actions", None) or []) if set(a.metrics) & set(by_metric)),
                     key=lambda a: a.start_week) if rec is not None else []
    for a in actions[:4]:
        served = [by_metric[k] for k in a.metrics if k in by_metric]
        days = max((it.get("timeline_days") or 0 for it in served), default=0) or 60
        start = today + dt.timedelta(weeks=max(0, a.start_week - 1))
        ours, yours = _owners(a.owner, csm)
        rows.append({"action": a.title, "ours": ours, "yours": yours, "due": start + dt.timedelta(days=days),
                     "measure": "; ".join(_measure(it) for it in served[:2])})
    if not actions:
        for it in items[:3]:
            ours, yours = _owners(it.get("owner"), csm)
            rows.append({"action": it["action"], "ours": ours, "yours": yours,
                         "due": today + dt.timedelta(days=it.get("timeline_days") or 90), "measure": _measure(it)})
    rows += _plays(data)
    return rows


def _plays(data: ReportData) -> list[dict]:
    csm = _owners("CSM", data.prepared_by)[0]
    level = tier(data.compare) if data.compare is not None else "middle"
    today = data.today
    out = []
    if level == "top":
        out.append({"action": "Expansion proposal: the next teams and use cases", "ours": "Account executive, " + csm,
                    "yours": "Your executive sponsor", "due": today + dt.timedelta(weeks=6),
                    "measure": "Proposal agreed with the teams and seats named"})
        out.append({"action": "Reference and advocacy: a case study or a peer reference call", "ours": csm,
                    "yours": "Your champion", "due": today + dt.timedelta(weeks=8),
                    "measure": "Reference agreed and scheduled"})
    elif level == "low":
        out.append({"action": "Executive sponsor review of this plan", "ours": csm + ", account executive",
                    "yours": "Your executive sponsor", "due": today + dt.timedelta(weeks=2),
                    "measure": "Sponsor named; plan, owners and dates agreed"})
    if data.renewal:
        due = max(today + dt.timedelta(weeks=2), data.renewal - dt.timedelta(days=90))
        out.append({"action": f"Renewal plan for {fmt_date(data.renewal.isoformat())}" + (
                    ", with the expansion" if level == "top" else ""),
                    "ours": "Account executive, " + csm, "yours": "Your executive sponsor", "due": due,
                    "measure": f"Renewal agreed by {fmt_date(data.renewal.isoformat())}"})
    out.append({"action": "Next business review: progress against this plan", "ours": csm,
                "yours": "Your executive sponsor", "due": today + dt.timedelta(weeks=13),
                "measure": "Plan reviewed; next quarter's goals agreed"})
    return out


def plan_table(rows: list[dict]) -> Table:
    body = [[text(r["action"]), text(r["ours"]), text(r["yours"]), date_cell(r["due"]), text(r["measure"])]
            for r in rows]
    return Table("action_plan", cols("lllrl", "Action", "Our owner", "Your owner", "Due", "Success measure",
                                     widths=[2.3, 1.4, 1.3, 0.95, 2.4]), body,
                 note="Dates count from this report's date; targets are the medians named in the performance table.")


def asks(data: ReportData) -> list[str]:
    """Three requests to the customer, fitting where the account stands."""
    level = tier(data.compare) if data.compare is not None else "middle"
    renewal = fmt_date(data.renewal.isoformat()) if data.renewal else None
    items = _focus(data)
    if level == "top":
        out = ["Act as a reference: a case study or a peer reference call",
               "Introduce us to the next teams that could use the product",
               f"Confirm the renewal of {renewal} and a multi-year plan" if renewal else
               "Agree next year's goals with your executive sponsor"]
    elif level == "low":
        out = ["Name an executive sponsor to co-own the plan",
               f"Give your admins time for the first actions on {items}" if items else
               "Give your admins time for the first actions of the plan",
               "Agree a 30-day check-in on progress"]
    else:
        out = [f"Name an owner on your side for {items}" if items else "Name an owner for each goal",
               "Join the first sessions of the plan with your admins",
               f"Start the renewal conversation for {renewal}" if renewal else "Agree the date of the next review"]
    return out


def _focus(data: ReportData) -> str:
    its = improvements(data, limit=2) if data.compare is not None else []
    return " and ".join(it["label"] for it in its)
