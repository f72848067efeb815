"""Correctness of the import fast paths (issue 3): they accept and read exactly what the
cell-by-cell rules do. No timings here."""

from __future__ import annotations

import random

import pytest

from analytics.catalog import BY_KEY
from tools.ingest import metric_column as mc


def _fast_accepts(joined: str) -> bool:
    if not mc._plain_lines(joined):
        return False
    try:
        [float(c) for c in joined.split("\n") if c]
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("text", [
    "", "1", "-1", "+1", "1.5", "-0.25", "007", "1.", ".5", "-.5", "+.5", ".", "+", "-", "1-2", "1.2.3",
    "1..2", "1.+2", "--1", "+-1", "1e5", "inf", "nan", " 1", "1 ", "1,5", "62%", "\u0663", "1\n\n2", "\n", "1\n.5",
    "1.\n2", "1\n-\n2", "1\n2.", ".1\n2",
])
def test_plain_lines_matches_the_regex(text):
    assert _fast_accepts(text) == bool(mc._PLAIN_LINES.fullmatch(text)) or not text.isascii()


def test_plain_lines_fuzz_matches_the_regex():
    rng = random.Random(3)
    alphabet = "0123456789..++--\n\n e%,"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        assert _fast_accepts(text) == bool(mc._PLAIN_LINES.fullmatch(text)), repr(text)


@pytest.mark.parametrize("cells", [
    ["1", "2.5", ""], ["-.5", "2"], ["1.", "2"], ["1-2", "3"], ["+", "4"], ["0.9", "0.85", ""],
    ["62", "7.5", "150"], ["\u0663", "4"],
])
def test_metric_column_same_as_cell_by_cell(cells, monkeypatch):
    metric = BY_KEY["renewal_rate"]
    fast = mc.metric_column(metric, cells, where="column 'x'")
    monkeypatch.setattr(mc, "_plain_column", lambda *a, **k: None)
    slow = mc.metric_column(metric, cells, where="column 'x'")
    assert (fast.values, fast.errors, fast.notes) == (slow.values, slow.errors, slow.notes)


def test_bulk_portfolio_write_matches_the_cells_and_sqlite_numbering(ws, tmp_path):
    """More accounts than one multi-row statement holds, blanks, an update and an id gap: every
    stored value is its cell, new ids follow SQLite's own numbering, connection settings restored."""
    import datetime as dt
    import gc

    from analytics.catalog import segment_for_arr
    from tests.ingest_helpers import write
    from tools.ingest.portfolio import VALUES_PER_STATEMENT, import_portfolio

    with ws.write() as db:  # ids 1 and 7: SQLite would number the next new account 8
        db.conn.executemany("INSERT INTO customers (id, name, segment) VALUES (?, ?, ?)",
                            [(1, "Acct 0001", "SMB"), (7, "Gone", None)])
    conn = ws.db.conn
    settings = (conn.execute("PRAGMA foreign_keys").fetchone(), conn.execute("PRAGMA cache_size").fetchone(),
                gc.isenabled())
    rng = random.Random(5)
    n = 2 * VALUES_PER_STATEMENT + 7
    rows = [(f"Acct {i:04d}", rng.choice(["", "SMB", "Enterprise"]), rng.choice(["", "50000", "2000000"]),
             rng.choice(["", "12", "-3.5"]), rng.choice(["", "0.4", "0.55"])) for i in range(1, n + 1)]
    path = write(tmp_path, "p.csv", "name,segment,arr,nps,dau_mau\n" + "".join(",".join(r) + "\n" for r in rows))
    out = import_portfolio(ws, path, today=dt.date(2026, 11, 5))
    assert (out.accounts_created, out.accounts_updated) == (n - 1, 1)
    stored = {r["name"]: r for r in ws.query("SELECT * FROM customers")}
    assert sorted(r["id"] for r in stored.values()) == [1, 7, *range(8, 8 + n - 1)]
    assert [stored[r[0]]["id"] for r in rows[1:]] == list(range(8, 8 + n - 1))  # file order
    values = {(r["customer_id"], r["metric"]): r["value"] for r in ws.query("SELECT * FROM metric_values")}
    expected = {(stored[r[0]]["id"], key): float(cell) for r in rows
                for key, cell in (("nps", r[3]), ("dau_mau", r[4])) if cell}
    assert values == expected and out.metric_values_written == len(expected)
    for name, segment, arr, *_ in rows[1:]:
        assert stored[name]["segment"] == (segment or (segment_for_arr(float(arr)) if arr else None))
    assert (conn.execute("PRAGMA foreign_keys").fetchone(), conn.execute("PRAGMA cache_size").fetchone(),
            gc.isenabled()) == settings
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_reader_strips_cells_in_place_same_rows_with_or_without_whitespace(tmp_path):
    """Rows are the stripped records themselves: padded cells, trailing empty fields and short
    XLSX-style rows read as the clean file does; a stray trailing value is quoted as written."""
    from tests.ingest_helpers import write
    from tools.ingest.problems import ImportFailed
    from tools.ingest.reader import read_table

    clean = read_table(write(tmp_path, "a.csv", "name,nps,csat\nAcme,12,4.5\nBeta,,3\n"))
    padded = read_table(write(tmp_path, "b.csv", " name , nps,csat \n Acme ,12 , 4.5,,\n\tBeta,  ,3\n , , \n"))
    assert (padded.headers, padded.rows, padded.row_numbers) == (clean.headers, clean.rows, clean.row_numbers)
    assert padded.notes == ["ignored empty fields after the last column"] and clean.notes == []
    with pytest.raises(ImportFailed) as exc:
        read_table(write(tmp_path, "c.csv", "name,nps\nAcme,12, 7 \n"))
    assert "column '#3': \" 7 \", expected no value after the last column 'nps'" in str(exc.value)
