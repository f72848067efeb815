"""The one typed report model every exporter renders.

A :class:`Report` is a title block plus ordered :class:`Section` s; a section is a
list of blocks (paragraphs, bullets, call-outs, tables, figures) and optional
speaker notes (used by the PPTX exporter). Figures carry both the PNG (the same
bytes in every format, drawn when an exporter first asks for it) and the chart data,
so PPTX can draw a native chart without matplotlib.

Every number in a table cell carries its display text (with its unit) and, for
spreadsheets, its raw value and an Excel number format: numbers stay numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Union

from reports.format import clean_text

KINDS = ("benchmark", "account", "success", "qbr", "portfolio")
FORMATS = ("md", "docx", "pdf", "pptx", "xlsx")
CUSTOMER_FACING = frozenset({"benchmark", "qbr", "success"})


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




def chart(name: str, *args) -> Callable[[], bytes]:
    """A function drawing ``reports.charts.<name>(*args)``.

    reports.charts is imported on the first draw, not with the model: importing matplotlib
    costs about 0.3 s, and a native PPTX chart or a Markdown answer never draws a PNG.
    """
    def draw() -> bytes:
        from reports import charts

        return getattr(charts, name)(*no_tabs(cleaned(args)))  # labels and titles are data text too
    return draw


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
    """A chart: its PNG (drawn on first use, so a native PPTX chart never starts matplotlib) and its data."""

    key: str
    title: str
    draw: bytes | Callable[[], bytes] = field(repr=False)  # the PNG, or a function drawing it
    caption: str = ""
    chart_type: str | None = None          # "barh" | "bar" | "line" for a native PPTX chart
    categories: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    number_format: str = "0"
    axis_title: str = ""
    width_in: float = 6.3                  # width in documents (inches)

    @property
    def png(self) -> bytes:
        if callable(self.draw):
            self.draw = self.draw()
        return self.draw


@dataclass
class Paragraph:
    text: str
    style: str = "body"   # "body" | "lead" | "note"


@dataclass
class Bullets:
    items: list[str]
    numbered: bool = False


@dataclass
class Callout:
    label: str
    value: str
    detail: str = ""


@dataclass
class Callouts:
    items: list[Callout]


Block = Union[Paragraph, Bullets, Callouts, Table, Figure]


@dataclass
class Section:
    key: str
    heading: str
    blocks: list[Block] = field(default_factory=list)
    notes: str = ""      # speaker notes / talking points

    def add(self, *blocks: Block) -> Section:
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


def cleaned(value: Any) -> Any:
    """``value`` with every string in it (through dataclasses, lists, tuples and dicts) passed through
    :func:`reports.format.clean_text`: what every writer renders, whatever text reached the model.

    >>> r = cleaned(Report("benchmark", "Acme\\x07", None, True, "1 Jan", "Jo\\x00", meta=[("By", "Jo\\x1b")]))
    >>> r.title, r.prepared_by, r.meta
    ('Acme', 'Jo', [('By', 'Jo')])
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (list, tuple)):
        return type(value)(cleaned(v) for v in value)
    if isinstance(value, dict):
        return {cleaned(k): cleaned(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: cleaned(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value
