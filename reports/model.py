"""The one typed report model every exporter renders.

A :class:`Report` is a title block plus ordered :class:`Section` s; a section is a
list of blocks (paragraphs, bullets, call-outs, panels, tables, figures), an optional
headline (the finding the section states: the slide title of a deck) and speaker notes
(used by the PPTX exporter). Figures carry both the PNG (the same bytes in every format,
drawn when an exporter first asks for it) and the chart data, so PPTX can draw a native
chart without matplotlib.

Every number in a table cell carries its display text (with its unit) and, for
spreadsheets, its raw value and an Excel number format: numbers stay numbers.

Anything with a ``key`` (a section, a call-out card, a figure) can be left out of one report
with :meth:`Report.hide`: the CSM's "without the ROI card".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Union

from reports.format import all_clean, clean_text

KINDS = ("benchmark", "account", "success", "qbr", "portfolio")
FORMATS = ("md", "docx", "pdf", "pptx", "xlsx")
CUSTOMER_FACING = frozenset({"benchmark", "qbr", "success"})
DEFAULT_ACCENT = "#1F3A5F"   # navy: the colour of every report when no brand colour is set


@dataclass
class Brand:
    """The vendor's look: an accent colour and an optional logo (PNG/JPEG bytes, checked by the caller)."""

    accent: str = DEFAULT_ACCENT
    logo: bytes | None = field(default=None, repr=False)
    name: str = ""             # the vendor's name, shown beside the logo when set

    @property
    def rgb(self) -> tuple[int, int, int]:
        h = self.accent.lstrip("#")
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)

    @property
    def hex(self) -> str:
        return self.accent.lstrip("#").upper()

    @property
    def light(self) -> bool:
        """True when white text would be hard to read on the accent (relative luminance > 0.5)."""
        r, g, b = (c / 255 for c in self.rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5

    @property
    def on_accent(self) -> tuple[int, int, int]:
        return (33, 33, 33) if self.light else (255, 255, 255)


@dataclass
class Cell:
    text: str
    value: float | int | str | dt.date | None = None  # raw value for spreadsheets (defaults to text)
    num_format: str | None = None           # Excel number format for a numeric value
    tone: str | None = None                 # "good" | "warn" | "bad" (status colouring)

    @property
    def raw(self) -> float | int | str | dt.date:
        return self.text if self.value is None else self.value


@dataclass
class Column:
    header: str
    align: str = "l"      # "l" or "r" (numbers are right-aligned)
    width: float = 1.0    # relative width


@dataclass
class Table:
    key: str
    columns: list[Column]
    rows: list[list[Cell]]
    title: str | None = None
    note: str | None = None
    total: bool = False   # the last row is a total (bold in every format)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


@dataclass
class Series:
    name: str
    values: list[float | None]
    style: str = ""       # "you" | "peer" | "target" | "baseline" | "" : colour and dash in every format


class ChartCall:
    """``reports.charts.<name>(*args)``, drawn on first call.

    reports.charts is imported on the first draw, not with the model: importing matplotlib
    costs about 0.3 s, and a native PPTX chart or a Markdown answer never draws a PNG. The
    name and arguments stay readable (tests check what a customer-facing chart is fed).
    """

    def __init__(self, name: str, *args: Any):
        self.name, self.args = name, args

    def __call__(self) -> bytes:
        from reports import charts, charts_gauge, charts_position

        draw = (getattr(charts_position, self.name, None) or getattr(charts_gauge, self.name, None)
                or getattr(charts, self.name))
        return draw(*no_tabs(cleaned(self.args)))  # labels and titles are data text too


def chart(name: str, *args) -> ChartCall:
    return ChartCall(name, *args)


def no_tabs(value: Any) -> Any:
    """Tabs and carriage returns (no glyph in the chart and PDF fonts) as spaces, through dataclasses
    and lists as :func:`cleaned`; line feeds stay line breaks."""
    if isinstance(value, str):
        return value.replace("\t", " ").replace("\r", " ")
    if isinstance(value, (list, tuple)):
        return type(value)(no_tabs(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: no_tabs(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


@dataclass
class Figure:
    """A chart: its PNG (drawn on first use, so a native PPTX chart never starts matplotlib) and its data.

    ``chart_type`` picks the native PPTX chart: "barh" | "bar" | "line" (categories x series),
    "bands" (percentile bars coloured by quartile band, bounds as ranges: ``points``),
    "histogram" (bin counts with the account's bin marked: ``points``), "panels" (small
    multiples: one native chart per figure in ``panels``); None: the PNG is placed.
    """

    key: str
    title: str
    draw: bytes | ChartCall = field(repr=False)  # the PNG, or the call drawing it
    caption: str = ""
    chart_type: str | None = None
    categories: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    number_format: str = "0"
    axis_title: str = ""
    width_in: float = 6.3                  # width in documents (inches)
    points: list[dict] = field(default_factory=list)
    panels: list[Figure] = field(default_factory=list)
    axis_range: tuple[float, float] | None = None

    @property
    def png(self) -> bytes:
        if callable(self.draw):
            self.draw = self.draw()
        return self.draw

    @property
    def chart_name(self) -> str | None:
        return self.draw.name if isinstance(self.draw, ChartCall) else None


@dataclass
class Paragraph:
    text: str
    style: str = "body"   # "body" | "lead" | "note" | "headline"


@dataclass
class Bullets:
    items: list[str]
    numbered: bool = False


@dataclass
class Callout:
    label: str
    value: str
    detail: str = ""
    key: str = ""                          # the name that hides it ("roi")
    raw: float | None = None               # the number for spreadsheets
    num_format: str | None = None


@dataclass
class Callouts:
    items: list[Callout]


@dataclass
class Panel:
    title: str
    items: list[str]
    tone: str = ""        # "good" | "bad" | "" (the accent)


@dataclass
class Panels:
    """Side-by-side lists (wins / risks / asks): three columns on a page or a slide."""

    items: list[Panel]


Block = Union[Paragraph, Bullets, Callouts, Panels, Table, Figure]


@dataclass
class Section:
    key: str
    heading: str
    blocks: list[Block] = field(default_factory=list)
    notes: str = ""      # speaker notes / talking points
    headline: str = ""   # the finding the section states (a deck's slide title)

    def add(self, *blocks: Block | None) -> Section:
        self.blocks.extend(b for b in blocks if b is not None)
        return self


@dataclass
class Report:
    kind: str
    title: str
    customer: str | None
    customer_facing: bool
    date: str
    prepared_by: str
    meta: list[tuple[str, str]] = field(default_factory=list)   # ("Peer group", "...") lines under the title
    sections: list[Section] = field(default_factory=list)
    footer: str = ""
    sources: list[str] = field(default_factory=list)             # tools whose outputs gave the figures
    kicker: str = ""            # the document type above the customer's name on the cover
    subtitle: str = ""          # period and "data as of" under the name
    brand: Brand = field(default_factory=Brand)
    page_size: str = "A4"       # "A4" | "Letter" (documents; a deck stays 16:9)
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    agenda: bool = False        # a deck opens with an agenda slide

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def blocks(self) -> Iterator[Block]:
        for s in self.sections:
            yield from s.blocks

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks() if isinstance(b, Figure)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks() if isinstance(b, Table)]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables() if t.key == key)

    def hideable(self) -> set[str]:
        """Every name :meth:`hide` accepts for this report: sections, cards and charts."""
        names = {s.key for s in self.sections}
        for b in self.blocks():
            if isinstance(b, Callouts):
                names |= {c.key for c in b.items if c.key}
            elif isinstance(b, Figure):
                names.add(b.key)
        return names

    def hide(self, names: set[str] | list[str]) -> None:
        """Leave out the sections, cards and charts named; a section left empty goes too."""
        names = set(names)
        if not names:
            return
        kept = []
        for s in self.sections:
            if s.key in names:
                continue
            blocks = []
            for b in s.blocks:
                if isinstance(b, Figure) and b.key in names:
                    continue
                if isinstance(b, Callouts):
                    b = Callouts([c for c in b.items if c.key not in names])
                    if not b.items:
                        continue
                blocks.append(b)
            if blocks:
                s.blocks = blocks
                kept.append(s)
        self.sections = kept


_ATOMS = frozenset({str, int, float, bool, type(None)})


def cleaned(value: Any) -> Any:
    """``value`` with every string in it (through dataclasses, lists, tuples and dicts) passed through
    :func:`reports.format.clean_text`: what every writer renders, whatever text reached the model.

    >>> r = cleaned(Report("benchmark", "Acme\\x07", None, True, "1 Jan", "Jo\\x00", meta=[("By", "Jo\\x1b")]))
    >>> r.title, r.prepared_by, r.meta
    ('Acme', 'Jo', [('By', 'Jo')])
    """
    kind = type(value)
    if kind in _ATOMS:
        return clean_text(value) if kind is str else value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (list, tuple)):
        if all(type(v) in _ATOMS for v in value) and all_clean(v for v in value if type(v) is str):
            return kind(value)  # a row of numbers and clean text, the usual: a copy after one scan
        return kind(cleaned(v) for v in value)
    if isinstance(value, dict):
        return {cleaned(k): cleaned(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return kind(**{name: cleaned(getattr(value, name)) for name in _init_fields(kind)})  # as replace()
    return value


@functools.cache
def _init_fields(cls: type) -> tuple[str, ...]:
    """The fields ``cls.__init__`` takes (a workbook's 50k cells: read once, not per cell)."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)
