"""Write a report model to a file: one function per format, chosen by ``fmt``.

Each writer is imported when its format is asked for: python-docx, python-pptx, fpdf2 and
xlsxwriter together cost about half a second to import, and one export needs one of them.
"""

from __future__ import annotations

from pathlib import Path

from reports.model import FORMATS, Report


def image_path(stem: Path, key: str) -> Path:
    return stem.with_name(f"{stem.name}_{key}.png")


def attachments(report: Report, fmt: str, stem: Path) -> list[Path]:
    """Files the written report links to (the Markdown export's charts), to copy along with it."""
    return [image_path(stem, f.key) for f in report.figures()] if fmt == "md" else []


def write(report: Report, fmt: str, stem: Path) -> Path:
    """Write ``report`` to ``stem.<fmt>`` (Markdown also writes its charts as ``stem_<key>.png``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    path = stem.with_name(stem.name + "." + fmt)
    if fmt == "md":
        from reports.markdown import to_markdown

        images = {}
        for f in report.figures():
            png = image_path(stem, f.key)
            png.write_bytes(f.png)
            images[f.key] = png.name
        path.write_text(to_markdown(report, images), encoding="utf-8")
        return path
    if fmt == "docx":
        from reports.docx_export import write_docx
        return write_docx(report, path)
    if fmt == "pdf":
        from reports.pdf_export import write_pdf
        return write_pdf(report, path)
    if fmt == "pptx":
        from reports.pptx_export import write_pptx
        return write_pptx(report, path)
    from reports.xlsx_export import write_xlsx
    return write_xlsx(report, path)
