"""Strict reading of an uploaded CSV or XLSX file into a :class:`Table` of strings.

The one entry point is :func:`read_table`. What it guarantees (DESIGN.md §8):

- The format is decided by content, never by the file name: an XLSX is a zip
  (``PK\\x03\\x04``) holding ``xl/workbook.xml``; a CSV is text whose encoding is
  decided by :mod:`tools.ingest.encoding` (UTF-8, UTF-16 with BOM, or Windows-1252 when
  charset-normalizer is sure; mixed or unsure encodings are refused). Anything else (an
  old ``.xls``, a PDF, an image) is refused.
- Caps: :data:`MAX_FILE_BYTES` on disk, :data:`MAX_ROWS` data rows,
  :data:`MAX_COLUMNS` columns, :data:`MAX_CELL_CHARS` characters in a cell (Excel's own
  limit). An XLSX is checked as a zip *before* openpyxl parses it
  (:mod:`tools.ingest.workbook`: part sizes, ratios, shared strings).
- Text: a cell (title rows and header included) holding a control character is a
  problem naming its row and column (the rule of :mod:`tools.inputs`).
- Numbers: a file not separated by commas may write decimals with a comma; the reader
  decides once per file from its numeric cells (``decimal_comma``) and says so.
- CSV: the delimiter is sniffed among ``, ; TAB |``; the ``csv`` module reads in
  strict mode, so a stray quote is an error and nothing shifts. A row with missing
  fields, or extra non-blank fields, is a problem naming its row. Duplicate or
  blank headers are problems. An empty file or a header without data is an error.
- XLSX: openpyxl ``read_only=True, data_only=False``: formulas come back as their
  text (``=SUM(...)``) and are never evaluated; their cells are listed in
  ``Table.formulas``. Numbers with a percent format come back as ``"62%"``, dates as
  ISO text.

Every cell is a string ('' for blank); typing is the importer's job (``values``).
Failures raise :class:`~tools.ingest.problems.ImportFailed` with every problem found.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from tools.store.collector import collector_paused
from tools.ingest.encoding import decode, looks_binary
from tools.ingest.problems import ImportFailed, Problems
from tools.ingest.values import decimal_style
from tools.ingest.workbook import check_zip
from tools.inputs import CONTROL, control_character

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_TITLE_ROWS = 5  # leading one-cell rows ("SaaS Benchmarks 2026") skipped before the header

DELIMITERS = (",", ";", "\t", "|")
_SUFFIXES = {"csv": (".csv", ".tsv", ".txt", ".tab"), "xlsx": (".xlsx", ".xlsm")}
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# The csv module's own field limit (128 KB by default, process-wide) is raised to the file cap so
# that a long cell reaches the check that names its row and column (MAX_CELL_CHARS), instead of a
# "field larger than field limit" error that names neither.
csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))


@dataclass
class Table:
    """A file read as strings. ``rows[i][j]`` is under ``headers[j]``; every row is full width.

    ``row_numbers[i]`` is the spreadsheet row number of ``rows[i]`` (header = ``header_row``).
    ``decimal_comma`` is True when the file writes decimals with a comma (decided per file).
    ``notes`` are the normalisations made while reading (encoding, delimiter, skipped rows).
    """

    file: str
    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    header_row: int = 1
    format: str = "csv"  # csv | xlsx
    encoding: str | None = None
    delimiter: str | None = None
    decimal_comma: bool = False
    sheet: str | None = None
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row index, column index)
    notes: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # one-cell title rows above the header, as written

    def column(self, j: int) -> list[str]:
        return [r[j] for r in self.rows]


@collector_paused()  # one list per row: ~0.3 s of collections at 100k rows otherwise
def read_table(path: str | Path, *, sheet: str | None = None, display_name: str | None = None,
               max_bytes: int | None = None, max_rows: int | None = None) -> Table:
    """Read ``path`` strictly (see the module docstring); ``display_name`` names it in problems.

    ``sheet`` picks an XLSX worksheet by name (case-insensitive; default the first).
    """
    path = Path(path)
    name = display_name or path.name
    probs = Problems(name)
    max_bytes = max_bytes or MAX_FILE_BYTES
    if not path.is_file():
        raise probs.fail("the file does not exist or is not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise probs.fail(f"the file is {size / 1_048_576:.1f} MB, over the "
                         f"{max_bytes / 1_048_576:.0f} MB limit for uploads")
    if size == 0:
        raise probs.fail("the file is empty; expected a header row and at least one data row")
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)  # never more than the cap, even if the file grows meanwhile
    if len(data) > max_bytes:
        raise probs.fail(f"the file is over the {max_bytes / 1_048_576:.0f} MB limit for uploads")
    kind = sniff_format(data)
    if kind == "xlsx":
        table = _read_xlsx(data, probs, sheet, max_rows or MAX_ROWS)
    elif kind == "csv":
        table = _read_csv(data, probs, max_rows or MAX_ROWS)
    else:
        raise probs.fail(f"this is not a CSV or XLSX file ({kind}); save it as .csv or .xlsx")
    table.file = name
    suffix = Path(name).suffix.lower()
    if suffix and suffix not in _SUFFIXES[table.format]:
        table.notes.insert(0, f"named '{name}' but the content is {table.format.upper()}; "
                              f"read as {table.format.upper()}")
    return table


def sniff_format(data: bytes) -> str:
    """'xlsx', 'csv', or a short description of what else the bytes are."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return "a damaged zip archive"
        return "xlsx" if "xl/workbook.xml" in names else "a zip archive, not an Excel workbook"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel .xls or other OLE document; save it as .xlsx"
    for magic, what in ((b"%PDF", "a PDF"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
                        (b"\x1f\x8b", "a gzip archive"), (b"GIF8", "a GIF image"), (b"{\\rtf", "an RTF document")):
        if data.startswith(magic):
            return what
    if looks_binary(data):
        return "binary data"
    return "csv"


def _read_csv(data: bytes, probs: Problems, max_rows: int) -> Table:
    decoded = decode(data, probs)
    text = decoded.text
    notes = [decoded.note] if decoded.note else []
    if data.startswith(b"\xef\xbb\xbf"):
        notes.append("removed the UTF-8 byte-order mark")
    delimiter = sniff_delimiter(text)
    if delimiter != ",":
        notes.append(f"columns are separated by {_DELIMITER_NAMES[delimiter]}s")
    records: list[list[str]] = []
    numbers: list[int] = []  # spreadsheet row of each kept record; blank rows are not kept
    flagged: list[int] = []  # records with a control character or an over-long cell
    controls = CONTROL.search(text) is not None  # one scan of the text; rows are checked only if so
    rownum = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for rownum, record in enumerate(reader, 1):
            joined = "".join(record)
            if not joined.strip():
                continue
            if len(joined) > MAX_CELL_CHARS or (controls and CONTROL.search(joined)):
                flagged.append(len(records))
            records.append(record)
            numbers.append(rownum)
            if len(records) > max_rows + MAX_TITLE_ROWS + 1:
                break  # enough to know the cap is exceeded
    except csv.Error as exc:
        raise probs.fail(f"the CSV is malformed here ({exc}); check quotes in this row", row=rownum + 1) from None
    table = Table(file=probs.file, headers=[], rows=[], row_numbers=[], format="csv", encoding=decoded.encoding,
                  delimiter=delimiter, notes=notes)
    _shape(records, numbers, table, probs, max_rows, strict_width=True, flagged=flagged)
    if delimiter != ",":  # a comma-separated file cannot write decimal commas unquoted: decimal points
        _decide_decimal_mark(text, delimiter, table, probs)
    return table


def _decide_decimal_mark(text: str, delimiter: str, table: Table, probs: Problems) -> None:
    """Decide once for the file whether "1.234,5" or "1,234.5" is its number format, and say so."""
    style = decimal_style(text, delimiter)
    if style.conflict:
        (row_c, cell_c), (row_p, cell_p) = style.conflict
        raise probs.fail(f"this row writes \"{cell_c}\" with a decimal comma but row {row_p} writes "
                         f"\"{cell_p}\" with a decimal point: use one decimal mark throughout the file",
                         row=row_c)  # a line of the file: the row unless a cell above holds a line break
    table.decimal_comma = style.decimal_comma if style.decided else delimiter == ";"
    if table.decimal_comma:
        how = "decided from cells such as " + style.example if style.decided else "the usual format of ';' files"
        table.notes.append(f"numbers read with a decimal comma and dots grouping thousands "
                           f"(\"1.234,5\" is 1234.5; {how})")
    elif style.decided:
        table.notes.append(f"numbers read with a decimal point and commas grouping thousands "
                           f"(\"1,234.5\" is 1234.5; decided from cells such as {style.example})")


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; TAB | that splits the header into most fields consistently.

    A candidate must split the header into 2+ fields; it scores by the share of the
    following lines with the same field count (a ``;`` file with decimal commas has
    ``,`` inside values, but not consistently), then by the field count.
    """
    sample_lines = text[:65536].splitlines()[:50]
    sample_lines = [ln for ln in sample_lines if ln.strip()]
    if not sample_lines:
        return ","
    best, best_score = ",", (0.0, 0)
    for delim in DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO("\n".join(sample_lines)), delimiter=delim))
        except csv.Error:
            continue
        records = [r for r in records if r]
        if not records:
            continue
        width = max(len(r) for r in records[:MAX_TITLE_ROWS + 1])
        if width < 2:
            continue
        body = records[1:] or records
        share = sum(1 for r in body if len(r) == width) / len(body)
        score = (round(share, 3), width)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_xlsx(data: bytes, probs: Problems, sheet: str | None, max_rows: int) -> Table:
    check_zip(data, probs)
    import openpyxl  # local: only XLSX uploads pay for it

    try:
        # From the bytes already checked (and whatever the extension: openpyxl judges by name).
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # untrusted file: any parser failure is the file's problem
        raise probs.fail(f"the workbook could not be opened ({type(exc).__name__}: {exc})") from None
    try:
        ws = _pick_sheet(wb, sheet, probs)
        ws.reset_dimensions()  # trust the cells, not a declared A1:XFD1048576 range
        records, numbers, formulas, flagged = [], [], set(), []
        rownum = 0
        for cells in ws.iter_rows():
            first = next((c for c in cells if hasattr(c, "row")), None)
            rownum = first.row if first is not None else rownum + 1
            values = []
            for j, cell in enumerate(cells):
                if j >= MAX_COLUMNS:
                    raise probs.fail(f"more than {MAX_COLUMNS} columns", row=rownum)
                if getattr(cell, "data_type", None) == "f":
                    formulas.add((rownum, j))
                values.append(cell_text(cell))
            joined = "".join(values)
            if not joined.strip():
                continue
            if len(joined) > MAX_CELL_CHARS or CONTROL.search(joined):
                flagged.append(len(records))
            records.append(values)
            numbers.append(rownum)
            if len(records) > max_rows + MAX_TITLE_ROWS + 1:
                break
    except ImportFailed:
        raise
    except Exception as exc:
        raise probs.fail(f"the workbook could not be read ({type(exc).__name__}: {exc})") from None
    finally:
        wb.close()
    table = Table(file=probs.file, headers=[], rows=[], row_numbers=[], format="xlsx", sheet=ws.title)
    if sheet is None and len(wb.sheetnames) > 1:
        table.notes.append(f"read the first sheet '{ws.title}' (the workbook also has: "
                           f"{', '.join(n for n in wb.sheetnames if n != ws.title)})")
    keep = _shape(records, numbers, table, probs, max_rows, strict_width=False, flagged=flagged)
    row_index = {n: i for i, n in enumerate(table.row_numbers)}
    col_index = {j: k for k, j in enumerate(keep)}
    table.formulas = {(row_index[n], col_index[j]) for n, j in formulas
                      if n in row_index and j in col_index}
    return table


def _pick_sheet(wb, sheet: str | None, probs: Problems):
    sheets = [ws for ws in wb.worksheets if hasattr(ws, "iter_rows")]
    if not sheets:
        raise probs.fail("the workbook has no worksheet")
    if sheet is None:
        return sheets[0]
    for ws in sheets:
        if ws.title.strip().casefold() == sheet.strip().casefold():
            return ws
    raise probs.fail(f"there is no sheet named '{sheet}'; the sheets are: "
                     + ", ".join(f"'{ws.title}'" for ws in sheets))


def cell_text(cell) -> str:
    """An openpyxl cell as the string a user would type: formulas as '=...', 0.62 with a % format as '62%'."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if getattr(cell, "data_type", None) == "f" and not isinstance(value, str):
        return str(getattr(value, "text", None) or "=<formula>")  # ArrayFormula / DataTableFormula
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if "%" in (getattr(cell, "number_format", "") or ""):
            return number_text(round(value * 100, 10)) + "%"
        return number_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def number_text(value: float | int) -> str:
    """12.0 -> '12', 0.62 -> '0.62' (round-trips through float())."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _shape(records: list[list[str]], numbers: list[int], table: Table, probs: Problems,
           max_rows: int, *, strict_width: bool, flagged: list[int] = ()) -> list[int]:
    """Find the header, check widths and caps, fill ``table``; return the kept column indices.

    ``flagged`` are the records that may hold a control character or an over-long cell:
    each such cell is a problem naming its row and column. The data records are stripped in
    place and become the table's rows (no second list per row).
    """
    start = _header_index(records)
    if start is None:
        raise probs.fail("the file has no header row (no non-blank cells); expected a header "
                         "row and at least one data row")
    _check_cells(records, numbers, flagged, start, probs)
    for k in range(start):
        if any(c.strip() for c in records[k]):
            title = " ".join(next(c for c in records[k] if c.strip()).split())
            table.titles.append(title[:120])
            table.notes.append(f"skipped title row {numbers[k]}: '{title[:60]}'")
    header = [h.replace("\ufeff", "").strip() for h in records[start]]
    table.header_row = numbers[start]
    if len(header) > MAX_COLUMNS:
        raise probs.fail(f"the header has {len(header)} columns, over the limit of {MAX_COLUMNS}",
                         row=table.header_row)
    width = len(header)
    if not strict_width:  # XLSX: the header is as wide as its last non-blank cell
        while width and not header[width - 1]:
            width -= 1
        header = header[:width]
    kept_rows: list[list[str]] = []
    kept_numbers: list[int] = []
    trailing_blank = False
    for rownum, record in zip(islice(numbers, start + 1, None), islice(records, start + 1, None)):
        extra = record[width:] if len(record) > width else None  # as written, for a problem
        record[:] = map(str.strip, record)  # each cell stripped once, in place: the record becomes the row
        if not any(record):
            continue  # blank line or ",,,," row
        if len(kept_rows) >= max_rows:
            raise probs.fail(f"the file has more than {max_rows:,} data rows (the limit); split it",
                             row=rownum)
        if len(record) < width and strict_width:
            column = header[len(record)] or f"#{len(record) + 1}"
            probs.add_message(f"the row has {len(record)} fields but the header has {width}: a value is "
                              "missing (no field from this column on)", rownum, column)
            continue
        if extra is not None:
            if any(record[width:]):
                k = next(k for k, c in enumerate(record[width:]) if c)
                probs.add(rownum, f"#{width + k + 1}", extra[k],
                          f"no value after the last column '{header[width - 1] if width else ''}' (the row has "
                          f"{len(record)} fields, the header {width}: an unquoted delimiter inside a value?)")
                continue
            trailing_blank = True
            del record[width:]
        elif len(record) < width:
            record.extend([""] * (width - len(record)))
        kept_rows.append(record)
        kept_numbers.append(rownum)
    if trailing_blank and strict_width:
        table.notes.append("ignored empty fields after the last column")
    keep = _check_headers(header, kept_rows, table.header_row, probs)
    probs.raise_if_any()
    if not kept_rows:
        raise probs.fail("the file has a header row but no data rows", row=table.header_row)
    if len(keep) < len(header):
        header = [header[j] for j in keep]
        kept_rows = [[r[j] for j in keep] for r in kept_rows]
    table.headers, table.rows, table.row_numbers = header, kept_rows, kept_numbers
    return keep


def _check_cells(records: list[list[str]], numbers: list[int], flagged: list[int], start: int,
                 probs: Problems) -> None:
    """A problem for every cell of the flagged records holding a control character or too much text.

    Columns are named by the header for data rows, as ``#N`` in the header and title rows.
    """
    header = [h.strip() for h in records[start]]
    for k in flagged:
        for j, cell in enumerate(records[k]):
            column = header[j] if k > start and j < len(header) and header[j] else f"#{j + 1}"
            if len(cell) > MAX_CELL_CHARS:
                probs.add_message(f"the cell is too long: {len(cell):,} characters, over the limit of "
                                  f"{MAX_CELL_CHARS:,} (Excel's own limit for a cell)", numbers[k], column)
            elif (where := control_character(cell)) is not None:
                probs.add(numbers[k], column, cell, f"text without control characters (found {where}; "
                                                    "remove it in the source and export again)")


def _header_index(records: list[list[str]]) -> int | None:
    """The header is the first non-blank row, after up to MAX_TITLE_ROWS one-cell title rows.

    Reads only the leading rows: the body of a 10k-row file is never scanned here.
    """
    first, titles = None, 0
    for k, record in enumerate(records):
        filled = sum(1 for c in record if c.strip())
        if not filled:
            continue
        if filled > 1:
            return k
        if first is None:
            first = k
        else:
            titles += 1
            if titles == MAX_TITLE_ROWS:
                break
    return first


def _check_headers(header: list[str], rows: list[list[str]], header_row: int,
                   probs: Problems) -> list[int]:
    """Indices of the columns to keep: fully blank unnamed columns are dropped; a blank
    name over values and a duplicate name are problems."""
    keep = []
    seen: dict[str, int] = {}
    for j, name in enumerate(header):
        if not name:
            if any(r[j] for r in rows):
                probs.add(header_row, f"#{j + 1}", "", "a column name (this column has values but no header)")
            continue
        key = name.casefold()
        if key in seen:
            probs.add(header_row, name, name, f"unique column names (the same name is column {seen[key] + 1})")
            continue
        seen[key] = j
        keep.append(j)
    return keep
