"""Every generated hostile file is refused with file, row and column, and changes nothing."""

from __future__ import annotations

import openpyxl
import pytest

from tests.hostile.files import cases
from tests.hostile.harness import build_base, try_file
from tools.ingest.load import load_file

CASES = cases()


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    return build_base(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_is_refused_cleanly(case, base_db, tmp_path):
    outcome = try_file(base_db, case, tmp_path)
    assert outcome.refused, outcome.message
    assert outcome.located, (case.row, case.column, case.says, outcome.message)
    assert outcome.unchanged, outcome.message


def test_the_suite_tries_enough_files():
    assert len(CASES) >= 50 and len({c.name for c in CASES}) == len(CASES)


BOMBS = [c for c in CASES if c.name in ("zip_bomb.xlsx", "zip_many_parts.xlsx", "shared_strings_40mb.xlsx",
                                        "shared_strings_count.xlsx")]


@pytest.mark.parametrize("case", BOMBS, ids=[c.name for c in BOMBS])
def test_xlsx_bombs_are_refused_before_openpyxl_parses(case, base_db, tmp_path, monkeypatch):
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("openpyxl parsed a bomb"))
    outcome = try_file(base_db, case, tmp_path)
    assert outcome.clean, outcome.message


def test_a_legacy_encoding_is_read_when_sure_and_the_summary_says_so(tmp_path, ws):
    path = tmp_path / "latin.csv"
    path.write_bytes("name,nps\nB\u00e4cker AG,30\nM\u00fcller GmbH,20\n".encode("cp1252"))
    out = load_file(ws, path)
    assert "not UTF-8" in out.summary and "Windows-1252" in out.summary and "% confident" in out.summary
    assert {r["name"] for r in ws.query("SELECT name FROM customers")} == {"B\u00e4cker AG", "M\u00fcller GmbH"}


def test_a_legacy_file_other_code_pages_read_as_well_names_them(tmp_path, ws):
    path = tmp_path / "fr.csv"
    path.write_bytes("name,nps\nCaf\u00e9 na\u00efve SA,30\n".encode("cp1252"))  # \u00ef is \u010f in cp1250
    out = load_file(ws, path)
    assert "cp1250" in out.summary and "save it as UTF-8" in out.summary
