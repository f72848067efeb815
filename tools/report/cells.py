"""Table cells and prose helpers shared by the report builders.

Display text comes from :mod:`reports.format` (units on every figure); the raw value and an
Excel number format ride along so spreadsheets keep numbers as numbers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from analytics.catalog import BY_KEY
from analytics.goals import ACTIONS, DEFAULT_ACTION
from reports.format import (
    GOAL_UNITS,
    fmt_date,
    fmt_goal,
    fmt_money,
    fmt_value,
    goal_unit_parts,
    ordinal,
    ordinal_parts,
    status_label,
)
from reports.model import Cell, Column

TEMPLATES = Path(__file__).resolve().parents[2] / "prompts" / "report"
_ENV = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                   autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
_ENV.filters["pct"] = lambda p: "n/a" if p is None else ordinal(p)


def and_join(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = [str(x) for x in items]
    return " and ".join(items) if len(items) <= 2 else ", ".join(items[:-1]) + " and " + items[-1]


_ENV.filters["andjoin"] = and_join

TONES = {"top_performer": "good", "above_median": "good", "below_median": "warn", "lagging": "bad",
         "achieved": "good", "on_track": "good", "at_risk": "bad", "missed": "bad", "not_started": "warn"}
GOAL_STATUS = {"achieved": "✓ Achieved", "on_track": "● On track", "at_risk": "▼ At risk",
               "missed": "✗ Missed", "not_started": "○ Not started", "unknown": "n/a"}

# Candidate actions for metrics analytics.goals has none for (text only, no figures).
MORE_ACTIONS = {
    "health_score": "Run a joint account health review and agree a plan for the weakest drivers",
    "nps": "Close the loop with detractors and share the fixes made from their feedback",
    "engagement_score": "Launch a quarterly engagement plan: office hours, newsletters and champion events",
    "session_minutes": "Embed the product in weekly workflows with templates and saved views",
    "roi": "Document the outcomes delivered and tie them to the customer's business case",
    "outcomes_achieved": "Review each success goal with its owner and remove blockers",
    "expansion_rate": "Identify teams with similar use cases and build an expansion proposal",
    "renewal_rate": "Start the renewal conversation early with a value review",
    "net_revenue_retention": "Pair a value review with an expansion plan for under-served teams",
    "user_activation": ACTIONS.get("user_activation", DEFAULT_ACTION),
}

XL_FORMATS = {"percent": "0.0%", "ratio": "0.00", "score": "0", "days": '0" days"', "minutes": '0" min"',
              "hours": '0" h"', "count": "General", "tickets": "0.00"}  # counts: 9 and 9.7, as in documents


def render(template: str, *, lines: bool = False, **ctx) -> str:
    """A prose slot from ``prompts/report/<template>.j2`` (StrictUndefined: a missing value fails).

    One paragraph (whitespace collapsed) unless ``lines``: then one line per bullet.
    """
    out = _ENV.get_template(f"{template}.j2").render(**ctx).strip()
    return "\n".join(x.strip() for x in out.splitlines() if x.strip()) if lines else " ".join(out.split())


def action_for(metric: str) -> str:
    return ACTIONS.get(metric) or MORE_ACTIONS.get(metric) or DEFAULT_ACTION


def xl_format(metric: str) -> str:
    if metric == "nps":
        return "+0;-0;0"
    if metric == "csat":
        return '0.0" / 5"'
    return XL_FORMATS.get(BY_KEY[metric].unit if metric in BY_KEY else "", "0.0")


def _decimals(text: str) -> int:
    digits = text.split(".", 1)[1] if "." in text else ""
    return len(digits) - len(digits.lstrip("0123456789"))


def mcell(metric: str, value: float | None, shown: str | None = None) -> Cell:
    """A metric value: its text (``shown`` when a comparison needed more decimals) and the raw number.

    Spreadsheets get percent metrics as real percentages (46.1 -> 0.461 shown as 46.1%), with the
    decimals the documents show.
    """
    text_ = shown or fmt_value(metric, value)
    if value is None:
        return Cell(text_, "n/a")
    if metric in BY_KEY and BY_KEY[metric].unit == "percent":
        places = _decimals(text_)
        return Cell(text_, value / 100, "0" + ("." + "0" * places if places else "") + "%")
    return Cell(text_, value, xl_format(metric))


def pcell(p: float | None, label: str | None = None) -> Cell:
    """A percentile: '49th' in documents; in spreadsheets the number 49 formatted as 49th ('<10th' for a bound)."""
    if p is None:
        return Cell("n/a")
    bound = "below" if (label or "").startswith("<") else "above" if (label or "").startswith(">") else None
    n, fmt = ordinal_parts(p, bound)
    return Cell(label or ordinal(p), n, fmt)


def pct_cell(x: float | None, text_: str | None = None, decimals: int = 0) -> Cell:
    """A share in percent (achievement, time elapsed): '104%' in documents, 1.04 as 104% in spreadsheets."""
    if x is None:
        return Cell("n/a")
    return Cell(text_ or f"{x:.{decimals}f}%", x / 100, "0" + ("." + "0" * decimals if decimals else "") + "%")


def money(x: float | None, exact: bool = False) -> Cell:
    """Dollars: '$1.3M' / '$96K', or '$1,314,600' when ``exact`` (rows that must add up to a total)."""
    shown = fmt_money(x, exact=exact)
    return Cell(shown, x if x is not None else "n/a", '"$"#,##0')


def num(x: float | int | None, fmt: str = "0", text: str | None = None) -> Cell:
    if x is None:
        return Cell("n/a")
    return Cell(text if text is not None else f"{x:,}" if isinstance(x, int) else f"{x:,.1f}", x, fmt)


def date_cell(d: object) -> Cell:
    """A date: '31 Dec 2026' in documents, a real date (d mmm yyyy) in spreadsheets; text if not ISO."""
    if d is None or d == "":
        return Cell("n/a")
    try:
        day = d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10])
    except ValueError:
        return Cell(str(d))
    return Cell(fmt_date(day.isoformat()), day, "d mmm yyyy")


def text(s: object) -> Cell:
    return Cell("" if s is None else str(s))


def status_cell(status: str | None, shown: str | None = None) -> Cell:
    return Cell(shown or status_label(status), tone=TONES.get(status or ""))


def goal_status_cell(status: str | None) -> Cell:
    return Cell(GOAL_STATUS.get(status or "unknown", status or "n/a"), tone=TONES.get(status or ""))


def cols(spec: str, *headers: str, widths: list[float] | None = None) -> list[Column]:
    """Columns from an alignment string ('lrrl') and headers."""
    widths = widths or [1.0] * len(headers)
    return [Column(h, a, w) for h, a, w in zip(headers, spec, widths)]


def metric_label(metric: str) -> str:
    return BY_KEY[metric].label if metric in BY_KEY else metric


def unit_label(metric: str) -> str:
    return BY_KEY[metric].unit_label if metric in BY_KEY else ""


def goal_cell(value: float | None, unit: str | None) -> Cell:
    if value is None:
        return Cell("n/a")
    base, per = goal_unit_parts(unit)
    if base == "percent" and not per:
        return Cell(fmt_goal(value, unit), value / 100, "0.0%")
    if base == "dollars" or base == "percent" or base in GOAL_UNITS:
        fmt = '"$"#,##0' if base == "dollars" else '0.0"%"' if base == "percent" else GOAL_UNITS[base][1]
        if per:  # '$ / month' -> "$"#,##0" / month": the spreadsheet shows the unit the document shows
            fmt = fmt[:-1] + per + '"' if fmt.endswith('"') else fmt + f'"{per}"'
    elif unit and base not in ("score", "ratio"):  # '4 sponsor meetings / quarter'
        fmt = 'General" ' + unit.replace('"', "") + '"'
    else:
        fmt = "General"
    return Cell(fmt_goal(value, unit), value, fmt)
