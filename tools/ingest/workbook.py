"""What an XLSX may expand to, checked on the zip before openpyxl parses anything.

An XLSX is a zip of XML parts. openpyxl (read-only) streams the worksheet it reads, but
loads some parts whole: the shared strings (every distinct text of the workbook, kept in
memory as a list), the styles, the workbook. A 7.8 MB file holding 250 MB of shared
strings made the CLI use 573 MB. So, from the zip's central directory and before parsing:

- at most :data:`MAX_ZIP_ENTRIES` parts and :data:`MAX_XLSX_UNCOMPRESSED` bytes in all;
- no part over 1 MB expanding more than :data:`MAX_ZIP_RATIO` times (zip bombs);
- a worksheet at most :data:`MAX_SHEET_BYTES`, any other part (shared strings, styles)
  at most :data:`MAX_PART_BYTES`;
- at most :data:`MAX_SHARED_STRINGS` shared strings, counted by streaming the part (its
  declared ``uniqueCount`` could lie) through a bounded buffer.

Python's zipfile stops at the declared size of an entry (a CRC error past it), so the
declared sizes bound what openpyxl can read. Memory for an accepted workbook stays
proportional to these limits, whatever the compression.
"""

from __future__ import annotations

import io
import re
import zipfile

from tools.ingest.problems import Problems

MAX_ZIP_ENTRIES = 2_000
MAX_XLSX_UNCOMPRESSED = 160 * 1024 * 1024  # sum of the declared sizes of all parts
MAX_SHEET_BYTES = 128 * 1024 * 1024        # one worksheet's XML (streamed, never held whole)
MAX_PART_BYTES = 32 * 1024 * 1024          # any other part: shared strings, styles, workbook
MAX_SHARED_STRINGS = 500_000               # distinct texts (a 200,000-row portfolio needs ~200,000)
MAX_ZIP_RATIO = 100  # uncompressed / compressed, for entries over ZIP_RATIO_MIN_BYTES
ZIP_RATIO_MIN_BYTES = 1024 * 1024
_SHARED = "xl/sharedStrings.xml"
_STRING_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


def _mb(n: float) -> str:
    return f"{n / 1_048_576:,.1f} MB"


def check_zip(data: bytes, probs: Problems) -> None:
    """Refuse a workbook whose parts would expand past the limits (module docstring), before parsing."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise probs.fail(f"the XLSX (zip) container is damaged ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise probs.fail(f"the XLSX holds {len(infos):,} parts, over the limit of {MAX_ZIP_ENTRIES:,}")
        total = sum(i.file_size for i in infos)
        if total > MAX_XLSX_UNCOMPRESSED:
            raise probs.fail(f"the XLSX would expand to {_mb(total)}, over the {_mb(MAX_XLSX_UNCOMPRESSED)} "
                             "limit (possible zip bomb)")
        for info in infos:
            _check_part(info, probs)
        shared = next((i for i in infos if i.filename == _SHARED), None)
        if shared is not None:
            _count_shared_strings(zf, shared, probs)


def _check_part(info: zipfile.ZipInfo, probs: Problems) -> None:
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > ZIP_RATIO_MIN_BYTES and ratio > MAX_ZIP_RATIO:
        raise probs.fail(f"the XLSX part '{info.filename}' expands {ratio:.0f}x "
                         f"(limit {MAX_ZIP_RATIO}x): refused as a possible zip bomb")
    sheet = info.filename.startswith("xl/worksheets/")
    limit = MAX_SHEET_BYTES if sheet else MAX_PART_BYTES
    if info.file_size > limit:
        what = ("shared strings (the workbook's distinct texts)" if info.filename == _SHARED
                else "worksheet" if sheet else f"part '{info.filename}'")
        raise probs.fail(f"the XLSX {what} would expand to {_mb(info.file_size)}, over the {_mb(limit)} limit; "
                         "a workbook this large is refused before reading (save it as CSV, or split it)")


def _count_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo, probs: Problems) -> None:
    """Count the shared-string items by streaming the part (at most MAX_PART_BYTES, 1 MB at a time)."""
    count, tail = 0, b""
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            block = tail + chunk
            count += len(_STRING_ITEM.findall(block))
            tail = block[-32:]
            count -= len(_STRING_ITEM.findall(tail))  # an item in the overlap is counted with the next block
            if count > MAX_SHARED_STRINGS:
                break
    count += len(_STRING_ITEM.findall(tail))
    if count > MAX_SHARED_STRINGS:
        raise probs.fail(f"the XLSX holds more than {MAX_SHARED_STRINGS:,} shared strings (distinct texts; "
                         f"at least {count:,}): refused before reading to keep memory bounded; "
                         "save it as CSV, or split it")
