"""What any input may hold, read from a file or typed: the one rule for text and the plausible ranges.

**Text.** A control character is refused wherever text comes in, never stored: C0 controls
other than tab, line feed and carriage return (NUL, BEL, ESC, vertical tab, ...), DEL, the C1
controls U+0080-U+009F, the non-characters U+FFFE/U+FFFF and lone surrogates. In a file the
cell is a problem naming file, row and column, so nothing is imported; typed text (a tool's
input, a CLI argument, the chat settings) is refused naming the field. Refused rather than
removed because names are identities (removing a character could silently merge "Acme\\x07"
into "Acme"), because such a character in a business file means a damaged or crafted file,
and because DESIGN.md asks for no silent coercion. Document writers cannot hold them either
(python-docx/pptx raise), and terminals would obey ESC sequences.

**Numbers and dates.** Amounts of money up to $1 trillion (:data:`MAX_AMOUNT`); any typed
number within +-1 trillion; dates from 1950 to 2100 (:data:`EARLIEST`, :data:`LATEST`).
Narrower rules live with their data: a catalog metric's own range, a contract start at most
:data:`CONTRACT_LEAD_YEARS` ahead, a goal at most :data:`GOAL_HORIZON_YEARS` long.
"""

from __future__ import annotations

import datetime as dt
import math
import re

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "backspace", 0x0B: "vertical tab", 0x0C: "form feed",
          0x1B: "ESC", 0x7F: "DEL"}

MAX_AMOUNT = 1e12          # dollars: no account, goal or value is worth more than $1 trillion
MAX_MAGNITUDE = 1e12       # any typed number
MAX_WEIGHT = 1_000         # a goal's weight in the success score
EARLIEST = dt.date(1950, 1, 1)
LATEST = dt.date(2100, 12, 31)
CONTRACT_LEAD_YEARS = 5    # a contract may start up to 5 years after today (signed in advance)
GOAL_HORIZON_YEARS = 10    # a goal's target date at most 10 years after its start


def control_character(text: str) -> str | None:
    """Where the first control character of ``text`` is, in words; None when there is none.

    >>> control_character("Acme\\x07 Corp"), control_character("Acme Corp")
    ('an invisible control character U+0007 (BEL) at character 5', None)
    """
    m = CONTROL.search(text)
    if m is None:
        return None
    code = ord(m.group())
    name = f" ({_NAMES[code]})" if code in _NAMES else ""
    return f"an invisible control character U+{code:04X}{name} at character {m.start() + 1}"


def visible(text: str) -> str:
    """``text`` with control characters written out (``\\x07``), for messages and logs.

    >>> visible("Acme\\x07 Corp\\x1b[2J")
    'Acme\\\\x07 Corp\\\\x1b[2J'
    """
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def check_text(text: str, what: str) -> str:
    """``text`` unchanged, or ValueError naming ``what`` and the character (typed text)."""
    where = control_character(text)
    if where is not None:
        raise ValueError(f"{what} contains {where}; control characters are not accepted, remove it")
    return text


def amount_problem(value: float) -> str | None:
    """Why an amount of money is implausible ("expected ..."), or None.

    >>> amount_problem(285_000.0), amount_problem(1e308)
    (None, 'an amount from $0 to $1,000,000,000,000')
    """
    if not math.isfinite(value):
        return "a finite amount"
    if not 0 <= value <= MAX_AMOUNT:
        return f"an amount from $0 to ${MAX_AMOUNT:,.0f}"
    return None


def number_problem(value: float, lo: float = -MAX_MAGNITUDE, hi: float = MAX_MAGNITUDE) -> str | None:
    """Why a number is implausible ("expected ..."), or None."""
    if not math.isfinite(value):
        return "a finite number"
    if not lo <= value <= hi:
        return f"a number from {lo:,.15g} to {hi:,.15g}"
    return None


def date_problem(day: dt.date) -> str | None:
    """Why a date is implausible ("expected ..."), or None.

    >>> date_problem(dt.date(2026, 5, 1)), date_problem(dt.date(1, 1, 1))
    (None, 'a date from 1950-01-01 to 2100-12-31')
    """
    if not EARLIEST <= day <= LATEST:
        return f"a date from {EARLIEST} to {LATEST}"
    return None


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
