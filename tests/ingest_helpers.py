"""Helpers shared by the tests/test_ingest_*.py modules (no tests here)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tools.ingest.problems import ImportFailed

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
TABLES = ("customers", "metric_values", "benchmark_sets", "benchmark_rows", "benchmark_peers")


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(ws) -> dict[str, list[dict]]:
    """Every row of the tables an import touches: compare before and after a failed import.
    Ordered by primary key (metric_values is WITHOUT ROWID: it has no rowid to order by)."""
    return {t: ws.query(f"SELECT * FROM {t} ORDER BY {', '.join(ws.db[t].pks)}") for t in TABLES}


def fails(fn, *args, **kwargs) -> ImportFailed:
    with pytest.raises(ImportFailed) as info:
        fn(*args, **kwargs)
    return info.value


def problem_lines(err: ImportFailed) -> list[str]:
    return [str(p) for p in err.problems]


def make_xlsx(path: Path, rows: list[list], *, sheet: str = "Sheet1", extra_sheets: dict | None = None,
              text_cells: tuple[str, ...] = (), formats: dict[str, str] | None = None) -> Path:
    """An XLSX built with openpyxl; ``text_cells`` (e.g. "A3") are stored as text even if they start with '='."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for ref in text_cells:
        ws[ref].data_type = "s"
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    for name, extra in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for row in extra:
            other.append(row)
    wb.save(path)
    return path


def make_zip_bomb(path: Path, size: int = 60 * 1024 * 1024) -> Path:
    """A tiny XLSX-looking zip whose sheet expands to ``size`` bytes of zeros."""
    chunk = b"0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(size // len(chunk)):
                f.write(chunk)
    return path
