"""Strict reading: formats by content, encodings, delimiters, caps, zip bombs, XLSX formulas."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from tests.ingest_helpers import fails, make_xlsx, make_zip_bomb, problem_lines, snapshot, write
from tools.ingest import reader as reader_mod
from tools.ingest import workbook as workbook_mod
from tools.ingest.load import load_file
from tools.ingest.reader import read_table


def test_plain_csv_reads_as_strings_with_row_numbers(tmp_path):
    t = read_table(write(tmp_path, "p.csv", "name,nps\nAcme Corp, 38 \n\nTechCorp,61\n"))
    assert t.format == "csv" and t.delimiter == "," and not t.decimal_comma
    assert t.headers == ["name", "nps"]
    assert t.rows == [["Acme Corp", "38"], ["TechCorp", "61"]]
    assert t.row_numbers == [2, 4]  # the blank line is spreadsheet row 3


def test_empty_file_is_a_clear_error(tmp_path, ws):
    before = snapshot(ws)
    err = fails(load_file, ws, write(tmp_path, "empty.csv", ""))
    assert problem_lines(err) == ["empty.csv: the file is empty; expected a header row and at least one data row"]
    assert "Nothing was imported from empty.csv" in err.message
    assert snapshot(ws) == before


def test_blank_lines_only_has_no_header(tmp_path):
    err = fails(read_table, write(tmp_path, "blank.csv", "\n , \n\n"))
    assert "blank.csv: the file has no header row" in problem_lines(err)[0]


def test_header_only_is_a_clear_error(tmp_path, ws):
    before = snapshot(ws)
    err = fails(load_file, ws, write(tmp_path, "header.csv", "name,nps,arr\n"))
    assert problem_lines(err) == ["header.csv, row 1: the file has a header row but no data rows"]
    assert snapshot(ws) == before


def test_duplicate_columns_are_an_error(tmp_path, ws):
    before = snapshot(ws)
    err = fails(load_file, ws, write(tmp_path, "dup.csv", "name,nps,arr,NPS\nAcme,1,2,3\n"))
    assert problem_lines(err) == [
        "dup.csv, row 1, column 'NPS': \"NPS\", expected unique column names (the same name is column 2)"]
    assert snapshot(ws) == before


def test_ragged_row_with_a_missing_field_names_row_and_column(tmp_path, ws):
    before = snapshot(ws)
    text = "name,nps,arr,region\nAcme,38,1000,EMEA\nTechCorp,61,2000\nBeta,5,300,NA\n"
    err = fails(load_file, ws, write(tmp_path, "ragged.csv", text))
    assert problem_lines(err) == [
        "ragged.csv, row 3, column 'region': the row has 3 fields but the header has 4: "
        "a value is missing (no field from this column on)"]
    assert snapshot(ws) == before


def test_row_with_an_extra_field_is_reported_not_shifted(tmp_path, ws):
    before = snapshot(ws)
    text = "name,nps,arr\nAcme,38,1000\nTechCorp,61,2,000\n"  # unquoted thousands separator
    err = fails(load_file, ws, write(tmp_path, "extra.csv", text))
    lines = problem_lines(err)
    assert len(lines) == 1
    assert lines[0].startswith("extra.csv, row 3, column '#4': \"000\", expected no value after the last column 'arr'")
    assert snapshot(ws) == before


def test_empty_trailing_fields_are_tolerated(tmp_path):
    t = read_table(write(tmp_path, "trail.csv", "name,nps,,\nAcme,38,,\nBeta,2,,\n"))
    assert t.headers == ["name", "nps"] and t.rows == [["Acme", "38"], ["Beta", "2"]]


def test_values_under_a_blank_header_are_a_problem(tmp_path):
    err = fails(read_table, write(tmp_path, "nohead.csv", "name,,nps\nAcme,x,38\n"))
    assert problem_lines(err) == ["nohead.csv, row 1, column '#2': (blank), expected a column name "
                                  "(this column has values but no header)"]


def test_broken_quotes_are_reported_with_the_row(tmp_path):
    err = fails(read_table, write(tmp_path, "quote.csv", 'name,nps\nAcme,38\n"Tech"Corp,61\n'))
    assert problem_lines(err)[0].startswith("quote.csv, row 3: the CSV is malformed here")


def test_quoted_delimiters_and_newlines_stay_in_their_cell(tmp_path):
    t = read_table(write(tmp_path, "q.csv", 'name,notes\n"Acme, Inc.","line one\nline two"\nBeta,x\n'))
    assert t.rows[0] == ["Acme, Inc.", "line one\nline two"]
    assert t.row_numbers == [2, 3]


@pytest.mark.parametrize("delim", [";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delim):
    text = delim.join(["name", "nps", "arr"]) + "\n" + delim.join(["Acme", "38", "1000"]) + "\n"
    t = read_table(write(tmp_path, "d.csv", text))
    assert t.delimiter == delim and t.rows == [["Acme", "38", "1000"]]
    assert t.decimal_comma == (delim == ";")


def test_semicolon_file_with_decimal_commas(tmp_path):
    t = read_table(write(tmp_path, "eu.csv", "name;dau_mau;arr\nAcme;0,42;1.234,5\nBeta;0,5;12\n"))
    assert t.delimiter == ";" and t.decimal_comma
    assert t.rows == [["Acme", "0,42", "1.234,5"], ["Beta", "0,5", "12"]]
    assert "columns are separated by semicolons" in t.notes


def test_utf8_bom_is_removed(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfname,nps\nAcme,38\n")
    t = read_table(path)
    assert t.headers == ["name", "nps"] and t.encoding == "UTF-8"
    assert "removed the UTF-8 byte-order mark" in t.notes


def test_latin1_file_is_decoded_and_reported(tmp_path):
    path = write(tmp_path, "latin.csv", "name,region\nSociété Générale,EMEA\nMüller GmbH,DACH\n", "latin-1")
    t = read_table(path)
    assert [r[0] for r in t.rows] == ["Société Générale", "Müller GmbH"]
    assert any("not UTF-8" in n for n in t.notes)


def test_utf16_with_bom_is_read(tmp_path):
    path = write(tmp_path, "u16.csv", "name\tnps\nAcme\t38\n", "utf-16")
    assert read_table(path).rows == [["Acme", "38"]]


def test_title_rows_before_the_header_are_skipped(tmp_path):
    t = read_table(write(tmp_path, "title.csv", "Benchmarks 2026\n\nmetric,p50\nnps,30\n"))
    assert t.headers == ["metric", "p50"] and t.header_row == 3 and t.row_numbers == [4]
    assert t.notes[0] == "skipped title row 1: 'Benchmarks 2026'"


# --- content decides, not the name ---------------------------------------------------------

def test_csv_named_xlsx_is_read_as_csv(tmp_path):
    t = read_table(write(tmp_path, "really_csv.xlsx", "name,nps\nAcme,38\n"))
    assert t.format == "csv" and t.rows == [["Acme", "38"]]
    assert "named 'really_csv.xlsx' but the content is CSV" in t.notes[0]


def test_xlsx_named_csv_is_read_as_xlsx(tmp_path):
    t = read_table(make_xlsx(tmp_path / "really_xlsx.csv", [["name", "nps"], ["Acme", 38]]))
    assert t.format == "xlsx" and t.rows == [["Acme", "38"]]


@pytest.mark.parametrize("payload, what", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "a PNG image"),
    (b"%PDF-1.7\n...", "a PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "an old Excel .xls"),
    (bytes(range(256)) * 4, "binary data"),
])
def test_files_that_are_not_csv_or_xlsx_are_refused(tmp_path, ws, payload, what):
    path = tmp_path / "upload.csv"
    path.write_bytes(payload)
    before = snapshot(ws)
    err = fails(load_file, ws, path)
    assert problem_lines(err)[0].startswith(f"upload.csv: this is not a CSV or XLSX file ({what}")
    assert snapshot(ws) == before


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    import zipfile

    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    err = fails(read_table, path)
    assert "a zip archive, not an Excel workbook" in problem_lines(err)[0]


# --- caps ------------------------------------------------------------------------------------

def test_file_over_the_size_cap_is_refused_before_reading(tmp_path, ws, monkeypatch):
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(reader_mod.MAX_FILE_BYTES + 1)  # sparse: nothing is read
    monkeypatch.setattr(reader_mod.Path, "open", lambda *a, **k: pytest.fail("read a file over the cap"))
    before = snapshot(ws)
    err = fails(load_file, ws, path)
    assert problem_lines(err) == ["huge.csv: the file is 20.0 MB, over the 20 MB limit for uploads"]
    assert snapshot(ws) == before


def test_row_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(reader_mod, "MAX_ROWS", 5)
    text = "name,nps\n" + "".join(f"A{i},{i}\n" for i in range(6))
    err = fails(read_table, write(tmp_path, "many.csv", text))
    assert problem_lines(err) == ["many.csv, row 7: the file has more than 5 data rows (the limit); split it"]
    assert len(read_table(write(tmp_path, "ok.csv", "name,nps\n" + "A,1\n" * 5)).rows) == 5


def test_zip_bomb_is_refused_before_openpyxl_parses(tmp_path, ws, monkeypatch):
    path = make_zip_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 200_000
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed a zip bomb"))
    before = snapshot(ws)
    err = fails(load_file, ws, path)
    line = problem_lines(err)[0]
    assert line.startswith("bomb.xlsx: the XLSX part 'xl/worksheets/sheet1.xml' expands")
    assert "possible zip bomb" in line
    assert snapshot(ws) == before


def test_declared_total_size_is_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_mod, "MAX_XLSX_UNCOMPRESSED", 1000)
    path = make_xlsx(tmp_path / "big.xlsx", [["name", "nps"]] + [[f"A{i}", i] for i in range(200)])
    err = fails(read_table, path)
    assert "over the 0.0 MB limit (possible zip bomb)" in problem_lines(err)[0]


# --- XLSX --------------------------------------------------------------------------------------

def test_xlsx_formulas_are_text_and_marked_never_evaluated(tmp_path):
    path = make_xlsx(tmp_path / "f.xlsx", [
        ["name", "nps", "pct", "start"],
        ['=HYPERLINK("http://evil.example","Acme")', "=40+2", 0.62, dt.date(2024, 3, 1)],
        ["Beta", 12, None, None],
    ], text_cells=("A2",), formats={"C2": "0%"})
    t = read_table(path)
    assert t.rows[0] == ['=HYPERLINK("http://evil.example","Acme")', "=40+2", "62%", "2024-03-01"]
    assert t.formulas == {(0, 1)}  # the real formula; the text cell is not one
    assert t.rows[1] == ["Beta", "12", "", ""]


def test_xlsx_named_sheet_and_unknown_sheet(tmp_path):
    path = make_xlsx(tmp_path / "s.xlsx", [["a", "b"], [1, 2]],
                     extra_sheets={"Benchmarks": [["metric", "p50"], ["nps", 30]]})
    assert read_table(path, sheet="benchmarks").rows == [["nps", "30"]]
    first = read_table(path)
    assert first.sheet == "Sheet1" and "the workbook also has: Benchmarks" in first.notes[0]
    err = fails(read_table, path, sheet="Nope")
    assert problem_lines(err) == ["s.xlsx: there is no sheet named 'Nope'; the sheets are: 'Sheet1', 'Benchmarks'"]


def test_damaged_xlsx_is_a_problem_not_a_crash(tmp_path):
    import zipfile

    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<not-a-workbook")
    err = fails(read_table, path)
    assert problem_lines(err)[0].startswith("broken.xlsx: the workbook could not be opened")


def test_blank_lines_do_not_hide_rows_beyond_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(reader_mod, "MAX_ROWS", 5)
    text = "name,nps\n" + "\n" * 20 + "".join(f"A{i},{i}\n\n" for i in range(6))
    err = fails(read_table, write(tmp_path, "gappy.csv", text))
    assert problem_lines(err) == ["gappy.csv, row 32: the file has more than 5 data rows (the limit); split it"]
