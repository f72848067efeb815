"""Hand-built XLSX workbooks: the parts a hostile file controls (shared strings, raw sheet XML)."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPES = ('<?xml version="1.0" encoding="UTF-8"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          '{shared}</Types>')
_SHARED_TYPE = ('<Override PartName="/xl/sharedStrings.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
         'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{REL}">'
       '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>{shared}</Relationships>')
_SHARED_REL = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
               'relationships/sharedStrings" Target="sharedStrings.xml"/>')


def _col(j: int) -> str:
    name = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        name = chr(65 + r) + name
    return name


def sheet_xml(rows: list[list], *, raw: bool = False, prolog: str = "") -> str:
    """A worksheet: numbers as numbers, ``("s", k)`` a shared-string reference, other values inline
    strings (``raw=True``: the text is inserted as XML, unescaped, for ``_x0007_``-style escapes)."""
    out = [f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{NS}"><sheetData>']
    for i, row in enumerate(rows, 1):
        out.append(f'<row r="{i}">')
        for j, v in enumerate(row):
            ref = f"{_col(j)}{i}"
            if isinstance(v, tuple):
                out.append(f'<c r="{ref}" t="s"><v>{v[1]}</v></c>')
            elif isinstance(v, (int, float)):
                out.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                text = v if raw else escape(str(v))
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def write_xlsx(path: Path, sheet: str, shared: list[str] | bytes | None = None,
               extra: dict[str, bytes] | None = None) -> Path:
    """A minimal workbook with one sheet (XML text) and optional shared strings (list or raw XML)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _TYPES.format(shared=_SHARED_TYPE if shared is not None else ""))
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS.format(shared=_SHARED_REL if shared is not None else ""))
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        if isinstance(shared, list):
            items = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
            zf.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" '
                                                f'count="{len(shared)}" uniqueCount="{len(shared)}">{items}</sst>')
        elif isinstance(shared, bytes):
            zf.writestr("xl/sharedStrings.xml", shared)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def shared_strings_bomb(path: Path, total_bytes: int, *, string_bytes: int = 1000, seed: int = 7) -> Path:
    """A workbook whose shared strings expand to about ``total_bytes`` of XML at a modest
    ratio (under the 100x zip-bomb check): each string is a random 50-character head (the
    part that does not compress) padded with a repeated word. The sheet is small and valid.
    Streamed into the zip, so building a 250 MB one needs little memory.
    """
    rng = random.Random(seed)
    n = max(1, total_bytes // (string_bytes + 13))
    pad = "abcdefghij" * (string_bytes // 10)
    sheet = sheet_xml([["name", "nps"], [("s", 0), 40]])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _TYPES.format(shared=_SHARED_TYPE))
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS.format(shared=_SHARED_REL))
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{n}" '
                    f'uniqueCount="{n}">'.encode())
            batch = []
            for k in range(n):
                head = "".join(rng.choices("0123456789abcdefghijklmnopqrstuvwxyz", k=50))
                batch.append(f"<si><t>{head}{pad[:string_bytes - 50]}</t></si>")
                if len(batch) == 1000:
                    f.write("".join(batch).encode())
                    batch = []
            f.write(("".join(batch) + "</sst>").encode())
    return path


def many_strings(path: Path, count: int) -> Path:
    """A workbook declaring and holding ``count`` tiny shared strings (a count bomb)."""
    items = "".join(f"<si><t>{k}</t></si>" for k in range(count)).encode()
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{count}" uniqueCount="{count}">'
    return write_xlsx(path, sheet_xml([["name", "nps"], [("s", 0), 40]]),
                      shared=head.encode() + items + b"</sst>")
