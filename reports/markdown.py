"""Markdown: the report as shown in chat and saved as ``.md`` (charts as PNG files beside it).

Every text of the report model is plain text (names, goals, notes and Claude's prose slots
among it), escaped with :func:`reports.format.md_text`: it renders as that text, never as a
link, an image or formatting.
"""

from __future__ import annotations

from reports.format import markdown_table, md_text
from reports.model import Bullets, Callouts, Figure, Panels, Paragraph, Report, Table


def table_md(t: Table) -> str:
    body = markdown_table(t.headers, t.texts(), "".join(c.align for c in t.columns))
    parts = [f"**{md_text(t.title)}**" if t.title else "", body, f"*{md_text(t.note)}*" if t.note else ""]
    return "\n\n".join(p for p in parts if p)


def _block(b, images: dict[str, str] | None) -> str:
    if isinstance(b, Paragraph):
        text = md_text(b.text)
        return f"*{text}*" if b.style == "note" else f"**{text}**" if b.style == "headline" else text
    if isinstance(b, Panels):
        return "\n\n".join(f"**{md_text(p.title, True)}**\n\n" + "\n".join("- " + md_text(item, inline=True)
                                                                          for item in p.items) for p in b.items)
    if isinstance(b, Bullets):
        return "\n".join((f"{i}. " if b.numbered else "- ") + md_text(item, inline=True)
                         for i, item in enumerate(b.items, 1))
    if isinstance(b, Callouts):
        return " · ".join(f"**{md_text(c.label, True)}: {md_text(c.value, True)}**"
                          + (f" ({md_text(c.detail, True)})" if c.detail else "") for c in b.items)
    if isinstance(b, Table):
        return table_md(b)
    if isinstance(b, Figure):
        ref = (images or {}).get(b.key)  # a file name the exporter made, never data
        head = f"![{md_text(b.title, True)}]({ref})" if ref else f"**{md_text(b.title, True)}** (chart)"
        return head + (f"\n\n*{md_text(b.caption)}*" if b.caption else "")
    raise TypeError(f"unknown block {type(b).__name__}")


def to_markdown(report: Report, images: dict[str, str] | None = None) -> str:
    """The whole report; ``images`` maps figure keys to PNG paths relative to the file."""
    out = [f"# {md_text(report.title, True)}", f"*{md_text(report.subtitle, True)}*" if report.subtitle else "",
           "  \n".join(f"**{md_text(k, True)}:** {md_text(v, True)}" for k, v in report.meta)]
    for s in report.sections:
        out.append(f"## {md_text(s.heading, True)}")
        if s.headline and not any(isinstance(b, Paragraph) and b.style == "headline" for b in s.blocks):
            out.append(f"**{md_text(s.headline, True)}**")
        out.extend(_block(b, images) for b in s.blocks)
    out.append(f"---\n*{md_text(report.footer, True)}*")
    return "\n\n".join(x for x in out if x) + "\n"


PREVIEW_CHARS = 6000
PREVIEW_ROWS = 10


def preview(report: Report, max_chars: int = PREVIEW_CHARS, max_rows: int = PREVIEW_ROWS) -> str:
    """The report as a chat preview: the title in bold (not a page-sized heading), the first
    sections, short tables.

    The chat shows the preview and offers the file: a whole portfolio workbook as Markdown
    (hundreds of KB) takes the browser many seconds to lay out. Tables keep their first
    ``max_rows`` rows; sections stop once ``max_chars`` are used; charts are named where they
    stand ("chart below"), since the chat shows them under the preview.
    """
    out = [f"**{md_text(report.title, True)}**",
           "  \n".join(f"**{md_text(k, True)}:** {md_text(v, True)}" for k, v in report.meta)]
    used, shown = sum(len(x) for x in out), 0
    for s in report.sections:
        blocks = [f"**{md_text(s.heading, True)}**", *(_preview_block(b, max_rows) for b in s.blocks)]
        size = sum(len(b) for b in blocks)
        if shown and used + size > max_chars:
            break
        out.extend(blocks)
        used, shown = used + size, shown + 1
    if shown < len(report.sections):
        rest = [md_text(s.heading, True) for s in report.sections[shown:]]
        out.append(f"*The file also has: {', '.join(rest)}.*")
    return "\n\n".join(x for x in out if x) + "\n"


def _preview_block(b, max_rows: int) -> str:
    if isinstance(b, Figure):
        return f"*Chart: {md_text(b.title, True)} (below).*"
    if isinstance(b, Table) and len(b.rows) > max_rows:
        short = Table(key=b.key, columns=b.columns, rows=b.rows[:max_rows], title=b.title, note=None)
        return table_md(short) + f"\n\n*{len(b.rows) - max_rows} more rows in the file.*"
    return _block(b, None)
