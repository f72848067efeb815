"""Every report kind x format from a workspace whose data holds every payload at once (account name,
goal, milestone, notes, benchmark set and source, CSM name): the files are written, read back with
no control or bidi character, show the account, and the workbooks hold no formula."""

from __future__ import annotations

import re

import openpyxl
import pytest

from tests.hostile.documents import READERS
from tests.hostile.payloads import ALL, PAYLOADS
from tests.hostile.tally import count
from tools.report.draft_report import DraftReportInput, draft_report

INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
KINDS = ("benchmark", "account", "success", "qbr", "portfolio")
FORMATS = ("docx", "pdf", "pptx", "xlsx")


def _formulas(path) -> list[str]:
    """Cells a spreadsheet would evaluate: formulas, or text starting = + - @ left unescaped."""
    wb = openpyxl.load_workbook(path)
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" or isinstance(c.value, str) and c.value and c.value[0] in "=+-@\t\r\n":
                    bad.append(f"{ws.title}!{c.coordinate}: {str(c.value)[:40]}")
    return bad


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_and_format_from_hostile_data(hostile, kind, fmt):
    ws, planted = hostile
    p = planted[ALL]
    out = draft_report(ws, DraftReportInput(customer=None if kind == "portfolio" else p.asked_name, kind=kind,
                                            format=fmt, benchmark=p.asked_set, csm_name=p.asked_text))
    content = READERS[fmt](out.path)
    assert not INVALID.search(content.replace("\t", " ")), f"a control character reached the {kind} {fmt}"
    if kind != "portfolio":  # the book's workbook lists every account; documents keep the first rows
        assert p.tag in content.replace("\n", " ") or fmt == "pptx" and kind == "qbr"
    if fmt == "xlsx":
        assert not _formulas(out.path)
    count("payload x document (kind x format) combinations written and inert", len(PAYLOADS))
