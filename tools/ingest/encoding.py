"""A CSV file's text encoding: decided from the bytes, reported, or refused, never guessed silently.

The rule (:func:`decode`):

1. A UTF-16 byte-order mark: UTF-16. Bytes that are valid UTF-8 (with or without BOM): UTF-8.
2. Otherwise, a file whose non-ASCII rows are partly valid UTF-8 and partly not mixes two
   encodings (a UTF-8 export appended to a Latin-1 one): read either way, half of its names
   would be garbled ("MÃ¼ller GmbH"), so it is refused naming a row of each kind.
3. Otherwise charset-normalizer ranks the legacy encodings by how garbled the text reads
   ("chaos"). The file is read as Windows-1252 (Western European: what Excel writes in the
   Americas and Western Europe) when that is among the least garbled readings; the import
   summary says so, with the detector's confidence (100% minus the chaos) and the other code
   pages that read the file as plausibly (on a short file charset-normalizer cannot tell
   Windows-1252 from Windows-1250 or -1254, so they are named). A file another encoding reads
   clearly better (Cyrillic, Greek, Japanese ...) is refused naming it: the CSM can always
   save the file as UTF-8, and a wrong guess would garble every name.

:func:`looks_binary` is the cheaper test the format sniffer uses first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from tools.ingest.problems import Problems

HEAD = 65_536
# The legacy encodings business files come in: the Windows code pages, East Asian ones, KOI8-R.
# (Left to itself charset-normalizer may rank an old DOS code page first on a short file.)
CANDIDATES = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
              "cp932", "gb18030", "big5", "euc_kr", "koi8_r")
MAX_CHAOS = 0.2          # above this every reading is garbled: not text we can trust
TIE = 0.01               # readings this close in chaos are equally likely
SAVE_AS_UTF8 = 'save it as UTF-8 (in Excel: Save As > "CSV UTF-8") and upload it again'
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str            # "UTF-8", "UTF-16", "Windows-1252"
    note: str | None = None  # the decision in words, for the import summary


def looks_binary(data: bytes) -> bool:
    """Not text: a NUL in the first 64 KB, or more than 5% control bytes there (UTF-16 with a BOM
    is text). A few stray control characters in a text file are not binary: the reader reports
    each one with its row and column."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    head = data[:HEAD]
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > max(8, len(head) // 20)


def decode(data: bytes, probs: Problems) -> Decoded:
    """The text of ``data`` (see the module docstring); raises ImportFailed when unsure."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(data.decode("utf-16"), "UTF-16", "the file is UTF-16 text (it has a byte-order mark)")
        except UnicodeDecodeError as exc:
            raise probs.fail(f"the file starts as UTF-16 text but byte {exc.start + 1:,} is not; {SAVE_AS_UTF8}") \
                from None
    try:
        return Decoded(data.decode("utf-8-sig"), "UTF-8")
    except UnicodeDecodeError:
        pass
    _refuse_mixed(data, probs)
    return _legacy(data, probs)


def _refuse_mixed(data: bytes, probs: Problems) -> None:
    """Refuse a file whose non-ASCII rows are partly UTF-8 and partly not."""
    utf8_row = other_row = None
    for m in _NON_ASCII_LINE.finditer(data):
        try:
            m.group().decode("utf-8")
            utf8_row = utf8_row or data.count(b"\n", 0, m.start()) + 1
        except UnicodeDecodeError:
            other_row = other_row or data.count(b"\n", 0, m.start()) + 1
        if utf8_row and other_row:
            raise probs.fail(f"this row is not UTF-8 text but row {utf8_row} is: the file mixes UTF-8 with "
                             f"another encoding (such as Latin-1), so some names would be read garbled "
                             f"(\"MÃ¼ller\" for \"Müller\"); {SAVE_AS_UTF8}", row=other_row)


def _legacy(data: bytes, probs: Problems) -> Decoded:
    matches = list(from_bytes(data, cp_isolation=list(CANDIDATES)))
    best = min(matches, key=lambda m: m.chaos, default=None)
    if best is None or best.chaos > MAX_CHAOS:
        raise probs.fail(f"the file is not UTF-8 and no text encoding reads it without garbled characters; "
                         f"{SAVE_AS_UTF8}")
    # A match stands for every encoding that decodes the bytes to the same text.
    western = next((m for m in matches if "cp1252" in m.could_be_from_charset), None)
    if western is None or western.chaos > best.chaos + TIE:
        language = f", {best.language} text" if best.language and best.language != "Unknown" else ""
        raise probs.fail(f"the file is not UTF-8; it looks like the {best.encoding} encoding{language}, which "
                         f"cannot be read reliably; {SAVE_AS_UTF8}")
    rivals = sorted({m.encoding for m in matches if m is not western and m.chaos <= western.chaos + TIE})
    confidence = round(100 * (1 - western.chaos))
    note = (f"the file is not UTF-8: read it as Windows-1252 (Western European; charset-normalizer "
            f"{confidence}% confident")
    if rivals:
        note += f", {', '.join(rivals)} read it as plausibly: if accented names look wrong, {SAVE_AS_UTF8}"
    return Decoded(data.decode("cp1252"), "Windows-1252", note + ")")
