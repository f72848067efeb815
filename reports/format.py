"""Figures as a CSM reads them: the one formatting module of chat, CLI and every export.

Percentile ordinals, money, units and statuses are formatted here and nowhere else
(analytics/ computes, it never formats).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import numpy as np

from analytics.catalog import BY_KEY
from analytics.percentiles import TOLERANCE
from analytics.units import unit_base


def bound_label(percentile: float, bound: str) -> str:
    """How a bounded benchmark percentile is shown: "<25th", ">90th" or "63rd"."""
    if percentile != percentile:
        return "n/a"
    if bound == "below":
        return f"<{ordinal(percentile)}"
    if bound == "above":
        return f">{ordinal(percentile)}"
    return ordinal(percentile)


def ordinal(x: float) -> str:
    """An English ordinal of a percentile, rounded down.

    Rounded down (within the status tolerance) so the label never crosses a status
    band: 49.6 is "49th", below the median, not "50th" next to "below median".

    The lowest account of 96 sits at 0.52: it reads "1st", never "0th".

    >>> ordinal(1), ordinal(72.9), ordinal(13), ordinal(22), ordinal(49.6), ordinal(90 - 1e-12), ordinal(0.52)
    ('1st', '72nd', '13th', '22nd', '49th', '90th', '1st')
    """
    n = int(np.floor(x + TOLERANCE))
    if n == 0 and x > 0:
        n = 1
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"



STATUS_LABELS = {
    "top_performer": "▲ Top performer",
    "above_median": "● Above median",
    "below_median": "▽ Below median",
    "lagging": "▼ Lagging",
}
# Customer-facing files name the lowest band by where it is, not by a verdict.
CUSTOMER_STATUS_LABELS = {**STATUS_LABELS, "lagging": "▼ Lowest quartile"}


def quartile_words(p: float | None) -> str:
    """Where a percentile sits, in words a customer reads without a ranking ('top quartile').

    >>> [quartile_words(p) for p in (95, 80, 60, 30, 1, None)]
    ['top 10%', 'top quartile', 'above the median', 'below the median', 'lowest quartile', 'n/a']
    """
    if p is None or p != p:
        return "n/a"
    p += TOLERANCE
    return ("top 10%" if p >= 90 else "top quartile" if p >= 75 else "above the median" if p >= 50
            else "below the median" if p >= 25 else "lowest quartile")


def position_value(p: float | None, label: str | None = None) -> str:
    """A headline position: the ordinal from the 25th up ('48th', '>90th'), quartile words below it.

    A card reading "1st" shames the reader and says less than "Lowest quartile"; the exact figure
    stays in the tables.

    >>> position_value(48.2), position_value(3.0), position_value(95, ">90th"), position_value(None)
    ('48th', 'Lowest quartile', '>90th', 'n/a')
    """
    if p is None or p != p:
        return "n/a"
    if p + TOLERANCE < 25:
        return "Lowest quartile"
    return label or ordinal(p)


def ordinal_parts(p: float, bound: str | None = None) -> tuple[int, str]:
    """(whole percentile, Excel number format) showing it as its ordinal: the cell stays a number.

    >>> ordinal_parts(49.6), ordinal_parts(1.2), ordinal_parts(10, "below"), ordinal_parts(90, "above")
    ((49, '0"th"'), (1, '0"st"'), (10, '"<"0"th"'), (90, '">"0"th"'))
    """
    text = ordinal(p)
    n = int(text[:-2])
    prefix = {"below": '"<"', "above": '">"'}.get(bound or "", "")
    return n, f'{prefix}0"{text[-2:]}"'


_UNIT_FORMATS = {"percent": "{:.1f}%", "ratio": "{:.2f}", "days": "{:.0f} days", "minutes": "{:.0f} min",
                 "hours": "{:.0f} h", "tickets": "{:.2f}", "score": "{:.0f}"}
_METRIC_FORMATS = {"nps": "{:+.0f}", "csat": "{:.1f} / 5"}


def fmt_value(metric: str, value: float | None, extra: int = 0) -> str:
    """A metric value with its unit: '62%', '0.42', '+38', '14 days', '3.1 / 5'.

    ``extra`` adds decimals (see :func:`fmt_versus`).

    >>> fmt_value("nps", 38), fmt_value("renewal_rate", 88.74), fmt_value("renewal_rate", 88.74, extra=1)
    ('+38', '88.7%', '88.74%')
    """
    if value is None or value != value:
        return "n/a"
    unit = BY_KEY[metric].unit if metric in BY_KEY else ""
    pattern = _METRIC_FORMATS.get(metric) or _UNIT_FORMATS.get(unit)
    if pattern is None:
        pattern = "{:.1f}" if value != int(value) or extra else "{:.0f}"
    if extra:
        pattern = re.sub(r"\.(\d)f", lambda m: f".{int(m.group(1)) + extra}f", pattern)
    return _no_minus_zero(pattern.format(value))


def _no_minus_zero(text: str) -> str:
    """'-0.0%' -> '0.0%': a value that rounds to zero has no sign."""
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def fmt_versus(metric: str, value: float | None, *references: float | None, most: int = 3) -> tuple[str, ...]:
    """A value and the references it is compared with, shown so that none looks equal to the value
    when it differs: one more decimal at a time (up to ``most``), the same for all of them.

    A table row "73 vs median 73 - below median" contradicts itself when the value is 72.6.

    >>> fmt_versus("health_score", 72.6, 73.2), fmt_versus("renewal_rate", 88.74, 88.71)
    (('72.6', '73.2'), ('88.74%', '88.71%'))
    >>> fmt_versus("health_score", 73, 73, 80), fmt_versus("nps", 38, None)
    (('73', '73', '80'), ('+38', 'n/a'))
    """
    def texts(extra: int) -> tuple[str, ...]:
        return tuple(fmt_value(metric, x, extra) for x in (value, *references))

    shown = texts(0)
    for extra in range(1, most + 1):
        clash = any(r is not None and value is not None and r != value and s == shown[0]
                    for r, s in zip(references, shown[1:]))
        if not clash:
            break
        shown = texts(extra)
    return shown


def status_versus(status: str | None, value: float | None, median: float | None, customer: bool = False) -> str:
    """The status label of a row showing ``value`` next to ``median``: when the two are exactly equal
    (ties around the median), "at the median" rather than a "below"/"above" the figures do not show.

    >>> status_versus("below_median", 73.0, 73.0), status_versus("below_median", 72.6, 73.0)
    ('● At the median', '▽ Below median')
    """
    if value is not None and median is not None and value == median and status in ("below_median", "above_median"):
        return "● At the median"
    return status_label(status, customer)


def fmt_pct(p: float | None) -> str:
    return "n/a" if p is None or p != p else ordinal(p)


def fmt_gap(metric: str, gap: float | None) -> str:
    """A gap in the metric's unit; percent metrics in percentage points ('16.0 pts', not '16.0%').

    >>> fmt_gap("renewal_rate", 16), fmt_gap("time_to_value_days", 12), fmt_gap("nps", None)
    ('16.0 pts', '12 days', 'n/a')
    """
    if gap is None or gap != gap:
        return "n/a"
    if BY_KEY[metric].unit == "percent":
        return f"{gap:.1f} pts"
    return fmt_value(metric, gap).lstrip("+")


def fmt_share(x: float | None) -> str:
    """A share or achievement in percent with one decimal: '104.2%'."""
    return "n/a" if x is None or x != x else _no_minus_zero(f"{x:.1f}%")


def fmt_date(d: object) -> str:
    """An ISO date as a reader writes it: '2026-12-31' -> '31 Dec 2026' (other text unchanged)."""
    if d is None or d == "":
        return "n/a"
    text = str(d)
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return text
    return f"{day.day} {day:%b %Y}"


def fmt_money(x: float | None, exact: bool = False) -> str:
    """Dollars. Compact for reading ('$1.3M', '$285K', '$940'); ``exact`` where a calculation
    must add up ('$285,000', '$12.50': cents only under $1,000 when there are some).

    >>> fmt_money(285000), fmt_money(1_314_600), fmt_money(940.4), fmt_money(None)
    ('$285K', '$1.3M', '$940', 'n/a')
    >>> fmt_money(93750, exact=True), fmt_money(12.5, exact=True), fmt_money(-1200, exact=True)
    ('$93,750', '$12.50', '-$1,200')
    """
    if x is None or x != x:
        return "n/a"
    if exact:
        sign, x = ("-" if x < 0 else ""), abs(x)
        body = f"{x:,.0f}" if x >= 1000 or abs(x - round(x)) < 0.005 else f"{x:,.2f}"
        return f"{sign}${body}"
    if abs(x) >= 1e6:
        return f"${x / 1e6:.1f}M"
    if abs(x) >= 1e3:
        return f"${x / 1e3:.0f}K"
    return f"${x:,.0f}"


def fmt_number(x: float) -> str:
    """A number with thousands separators and at most two decimals, no trailing zeros.

    >>> fmt_number(1234.5), fmt_number(12.0), fmt_number(0.125)
    ('1,234.5', '12', '0.12')
    """
    return f"{x:,.2f}".rstrip("0").rstrip(".")


# ---- goal figures: free-text units ("$ / month", "minutes / invoice", "%") -----------------

GOAL_UNITS = {"percent": ("%", '0.0"%"'), "days": (" days", 'General" days"'), "hours": (" h", 'General" h"'),
              "minutes": (" min", 'General" min"'), "weeks": (" weeks", 'General" weeks"'),
              "months": (" months", 'General" months"')}  # base -> (suffix, Excel number format)


def goal_unit_parts(unit: str | None) -> tuple[str | None, str]:
    """(canonical base, ' / per' suffix) of a free-text goal unit: '$ / month' -> ('dollars', ' / month')."""
    if not unit:
        return None, ""
    per = unit.split("/", 1)[1].strip() if "/" in unit else ""
    return unit_base(unit), (f" / {per}" if per else "")


def fmt_goal(value: float | None, unit: str | None) -> str:
    """A goal figure with its unit: '62.0%', '$22K / month', '14 days', '4 sponsor meetings / quarter'.

    >>> fmt_goal(62, "%"), fmt_goal(22000, "$ / month"), fmt_goal(11.5, "hours"), fmt_goal(20.1, "days")
    ('62.0%', '$22K / month', '11.5 h', '20.1 days')
    """
    if value is None or value != value:
        return "n/a"
    base, per = goal_unit_parts(unit)
    if base == "dollars":
        return fmt_money(value) + per
    if base == "percent":
        return _no_minus_zero(f"{value:.1f}%")
    if base in GOAL_UNITS:  # as precise as recorded: '20.1 days', '15 days', '11.5 h'
        return fmt_number(value) + GOAL_UNITS[base][0] + per
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    return shown if base in ("score", "ratio", None) and not unit or base in ("score", "ratio") else f"{shown} {unit}"


def status_label(status: str | None, customer: bool = False) -> str:
    return (CUSTOMER_STATUS_LABELS if customer else STATUS_LABELS).get(status or "", "n/a")


def category_sentence(positions: dict[str, tuple[float, str]], against: str = "benchmark") -> str:
    """'Above benchmark on engagement and satisfaction, below on growth.'

    >>> category_sentence({"engagement": (70.0, "above"), "growth": (30.0, "below"), "value": (50.0, "in_line")})
    'Above benchmark on engagement, in line on value, below on growth.'
    """
    def names(word):
        cats = [c for c, (_, w) in sorted(positions.items(), key=lambda kv: -kv[1][0]) if w == word]
        return cats[0] if len(cats) == 1 else ", ".join(cats[:-1]) + " and " + cats[-1] if cats else ""

    parts = []
    for word, text in (("above", "above"), ("in_line", "in line"), ("below", "below")):
        cats = names(word)
        if cats:
            parts.append(f"{text} on {cats}" if parts else f"{text} {against} on {cats}")
    if not parts:
        return f"No {against} comparison available."
    sentence = ", ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def markdown_table(headers: list[str], rows: list[list[object]], align: str | None = None) -> str:
    r"""A GitHub-style table; ``align`` has one char per column: 'l' or 'r'.

    Every cell is text (escaped with :func:`md_text`) unless it is :class:`Markdown` already.

    >>> print(markdown_table(["Account", "Value"], [["A|B ![x](http://h/p.png)", Markdown("**1**")]], "lr"))
    | Account | Value |
    | --- | ---: |
    | A\|B !\[x\](`http://h/p.png`) | **1** |
    """
    align = align or "l" * len(headers)
    sep = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(_md_cell(h) for h in headers) + " |", "| " + " | ".join(sep) + " |"]
    out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _md_cell(c: object) -> str:
    if c is None:
        return ""
    if isinstance(c, Markdown):
        return " ".join(c.split("\n"))
    return md_text(str(c), inline=True)


#: Overall position words (the one place they are defined; README "Overall position"): the lowest
#: percentile of each band, best first. A percentile is compared with the tolerance of the statuses.
POSITION_BANDS = ((90.0, "top 10%"), (75.0, "well above average"), (55.0, "above average"),
                  (45.0, "average"), (25.0, "below average"), (0.0, "well below average"))


def position_words(percentile: float | None) -> str | None:
    """The band of an overall percentile in words.

    >>> position_words(72), position_words(50), position_words(89.9999999999), position_words(10)
    ('above average', 'average', 'top 10%', 'well below average')
    """
    if percentile is None or percentile != percentile:
        return None
    return next(words for low, words in POSITION_BANDS if percentile >= low - 1e-9)


def overall_position(percentile: float | None) -> str:
    """'72nd percentile, above average'; 'n/a' without a percentile.

    >>> overall_position(72.4), overall_position(None)
    ('72nd percentile, above average', 'n/a')
    """
    words = position_words(percentile)
    return "n/a" if words is None else f"{ordinal(percentile)} percentile, {words}"


def distribution_table_markdown(metrics) -> str:
    """The peer distribution per metric: the account's value beside P25 / median / P75 / P90 of its peers."""
    rows = [[m.label, *fmt_versus(m.metric, m.value, m.cohort_p25, m.cohort_median, m.cohort_p75, m.cohort_p90),
             fmt_pct(m.percentile)]
            for m in metrics if m.value is not None]
    return markdown_table(["Metric", "Value", "Peer P25", "Peer median", "Peer P75", "Peer P90", "Peer percentile"],
                          rows, "lrrrrrr")


def metric_table_markdown(metrics) -> str:
    """The per-metric comparison table of compare_customer (metrics without a value skipped)."""
    rows = []
    for m in metrics:
        if m.value is None:
            continue
        value, peer, industry = fmt_versus(m.metric, m.value, m.cohort_median, m.benchmark_median)
        rows.append([m.label, value, peer, fmt_pct(m.percentile), industry, m.benchmark_label or "n/a",
                     status_versus(m.status, m.value, m.cohort_median), m.trend or "n/a"])
    return markdown_table(["Metric", "Value", "Peer median", "Peer percentile", "Industry median",
                           "Industry percentile", "Status vs peers", "Trend"], rows, "lrrrrrll")


# ---- text from data: one cleaning rule for every medium, one escaping rule for Markdown ------
#
# Names, goal text, set names, sources, notes and file names come from people and files. Every
# writer takes them through clean_text (python-docx and python-pptx refuse control characters;
# bidirectional overrides would let a name reorder the figures printed after it), and every
# Markdown view (chat, CLI, .md) through md_text, so that data renders as the text it is: never a
# link, an image, HTML or formatting. Chainlit renders GitHub-flavoured Markdown and turns bare
# URLs into links *after* parsing (remark-gfm's autolink literals work on the parsed text, where
# backslash escapes are already gone), so URLs and e-mail addresses from data go into code spans,
# which no Markdown renderer links.

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                     "\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]")
_URL = r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s`|<>\\]*|(?i:www)\.[^\s`|<>\\]*|(?i:mailto|xmpp):[^\s`|<>\\]+" \
       r"|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
_MD_TEXT = re.compile(rf"(?P<url>{_URL})|[\\`*\[\]|~]|(?<!\w)_|_(?!\w)|<(?=[A-Za-z/!?])|:(?=[A-Za-z])")
_MD_PROSE = re.compile(rf"(?P<esc>\\[!-/:-@\[-`{{-~]|\\$)|(?P<url>{_URL})|[\[\]]|<(?=[A-Za-z/!?])")
_LINE_START = re.compile(r"^([ \t]*)(#{1,6}(?=[ \t]|$)|[-+*](?=[ \t]|$)|[=-]+[ \t]*$|>)", re.MULTILINE)
_LINE_NUMBER = re.compile(r"^([ \t]*\d{1,9})([.)])(?=[ \t]|$)", re.MULTILINE)
_CODE = re.compile(r"(^[ \t]*```[\s\S]*?(?:^[ \t]*```[^\n]*$|\Z)|`+[^`\n]*`+)", re.MULTILINE)


class Markdown(str):
    """Text that is Markdown already (built by the program, any data inside escaped): placed as is."""


def clean_text(text: object) -> str:
    r"""Text from data as every writer can take it: control, zero-width and bidirectional-override
    characters removed; tab, line feed and carriage return kept.

    >>> clean_text("Acme\x07 Corp\u202e\x00"), clean_text(None)
    ('Acme Corp', '')
    """
    return _UNSAFE.sub("", "" if text is None else str(text))


def all_clean(texts: Iterable[str]) -> bool:
    r"""True when :func:`clean_text` would change none of ``texts``: one scan of them all (a
    workbook of 100k accounts holds millions of cells, and nearly every one is clean).

    >>> all_clean(["Acme", "Tab\there"]), all_clean(["Acme", "Bell\x07"])
    (True, False)
    """
    return _UNSAFE.search("\n".join(texts)) is None  # one character a match: the joins cannot make one


def _escape_md(m: re.Match) -> str:
    url = m.group("url")
    if url is not None:  # as code; trailing punctuation stays outside, as a reader expects
        core = url.rstrip(".,:;!?'\")")
        return f"`{core}`{url[len(core):]}"
    return "\\" + m.group(0)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (document properties hold 255 at most).

    >>> clip("Acme Corp", 5), clip("Acme", 5)
    ('Acme…', 'Acme')
    """
    return text if len(text) <= limit else text[:limit - 1] + "…"


def md_text(text: object, inline: bool = False) -> str:
    r"""Text from data placed in Markdown: renders as exactly that text, never as a link, an image,
    HTML or formatting (URLs and e-mail addresses are shown as code, so no renderer links them).
    ``inline`` (table cells): line breaks become spaces.

    >>> print(md_text("Acme ![x](http://evil.example/p.png) *Corp*"))
    Acme !\[x\](`http://evil.example/p.png`) \*Corp\*
    >>> print(md_text("# <b>www.evil.example</b> jo@evil.example\n1. Data_Pro"))
    \# \<b>`www.evil.example`\</b> `jo@evil.example`
    1\. Data_Pro
    """
    if isinstance(text, Markdown):
        return str(text)
    out = _MD_TEXT.sub(_escape_md, clean_text(text))
    if inline:
        return " ".join(out.splitlines()) if "\n" in out or "\r" in out else out
    # what would start a heading, list, quote or rule at the start of a line ('1. x' -> '1\\. x')
    return _LINE_NUMBER.sub(r"\1\\\2", _LINE_START.sub(r"\1\\\2", out))


def md_inline(text: object) -> str:
    """Data text on one line of Markdown (a list item, a sentence): :func:`md_text` with ``inline``."""
    return md_text(text, inline=True)


def md_bold(text: object) -> Markdown:
    """Data text in bold: ``**text**`` with the text escaped."""
    return Markdown(f"**{md_text(text, inline=True)}**")


def md_quote(text: object) -> str:
    """Quoted data (a practice note) in Markdown: in curly quotes, escaped.

    >>> print(md_quote("Weekly *exec* sync, see http://wiki.example/x"))
    “Weekly \\*exec\\* sync, see `http://wiki.example/x`”
    """
    return f"“{md_text(text, inline=True)}”"


def md_prose(text: str) -> str:
    r"""Markdown written by the model, shown with its formatting but nothing live in it: no image,
    link, autolink or HTML (brackets and tags escaped, URLs as code). The prose may repeat
    account names, notes or file text it was given, so it is treated like data that may format.

    >>> print(md_prose("**Acme** is ![x](http://evil.example/p.png), see `a[1]` and <http://x.example>"))
    **Acme** is !\[x\](`http://evil.example/p.png`), see `a[1]` and \<`http://x.example`>
    """
    parts = _CODE.split(clean_text(text))
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 1:
            out.append(part)   # code: never linked, fetched or formatted
        else:
            out.append(_MD_PROSE.sub(lambda m: m.group(0) if m.group("esc") else _escape_md(m), part))
    return "".join(out)


def fmt_duration(seconds: float) -> str:
    """A duration as a person says it.

    >>> fmt_duration(0.42), fmt_duration(41.3), fmt_duration(125), fmt_duration(3725)
    ('0.4 s', '41 s', '2 min 5 s', '1 h 2 min')
    """
    if seconds < 10:
        return f"{seconds:.1f} s"
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    return f"{s // 3600} h {s % 3600 // 60} min"


def fmt_bytes(n: int) -> str:
    """A file size in decimal units, as file managers show it.

    >>> fmt_bytes(512), fmt_bytes(48_300), fmt_bytes(18_400_000)
    ('512 bytes', '48 KB', '18.4 MB')
    """
    if n < 1000:
        return f"{n} bytes"
    if n < 1_000_000:
        return f"{n / 1000:.0f} KB"
    return f"{n / 1_000_000:.1f} MB"
