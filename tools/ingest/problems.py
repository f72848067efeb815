"""Import problems: every bad cell of a file, reported together (DESIGN.md §8).

An import validates the whole file first and collects an :class:`ImportProblem`
for every bad header, row or cell into a :class:`Problems` list; only when the
list is empty does it write. :meth:`Problems.raise_if_any` turns the list into an
:class:`ImportFailed` (a :class:`~tools.base.ToolError`) whose message names each
problem as ``"file, row N, column 'X': "value", expected ..."`` (the first
:data:`MAX_REPORTED`, then a count of the rest).

Row numbers are spreadsheet row numbers: the header is row 1 (after any skipped
title rows), the first data row is row 2, as a CSM sees them in Excel.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.base import ToolError
from tools.inputs import visible

MAX_REPORTED = 20  # problems spelled out in the error message
MAX_KEPT = 1_000  # problems kept in memory (a 200k-row file of bad cells stays cheap)


def show_value(value: str) -> str:
    """A cell value as quoted in a problem: blank shown as such, long text cut, control
    characters written out (``\\x07``) so that a message never carries one."""
    if value == "":
        return "(blank)"
    text = value if len(value) <= 60 else value[:57] + "..."
    return '"' + visible(text.replace("\n", " ")) + '"'


@dataclass(frozen=True)
class ImportProblem:
    """One bad header, row or cell.

    Rendered as ``file, row N, column 'X': "value", expected <expected>``; without a
    value as ``..., expected <expected>``; a ``message`` (a whole sentence, for
    file-level problems such as "the file is empty") replaces both.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str | None
    message: str | None = None

    def __str__(self) -> str:
        where = [visible(self.file)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{visible(self.column)}'")
        head = ", ".join(where)
        if self.message is not None:
            return f"{head}: {visible(self.message)}"
        if self.value is None:
            return f"{head}: expected {visible(self.expected or '')}"
        return f"{head}: {show_value(self.value)}, expected {visible(self.expected or '')}"


class ImportFailed(ToolError):
    """The file was not imported; ``problems`` lists why. Nothing was written."""

    def __init__(self, file: str, problems: list[ImportProblem], total: int | None = None,
                 suggestions: list[str] | None = None):
        self.file = file
        # Row order reads best; whole-file problems (no row) first; sorted() keeps column order within a row.
        self.problems = sorted(problems, key=lambda p: (p.row is not None, p.row or 0))
        self.total = total if total is not None else len(problems)
        lines = [str(p) for p in self.problems[:MAX_REPORTED]]
        if self.total > len(lines):
            lines.append(f"... and {self.total - len(lines)} more")
        noun = "problem" if self.total == 1 else "problems"
        message = f"Nothing was imported from {visible(file)}: {self.total} {noun}.\n- " + "\n- ".join(lines)
        super().__init__(message, suggestions=suggestions)


class Problems:
    """Collects the problems of one file; raise them all at once when validation ends.

    >>> probs = Problems("customers.csv")
    >>> probs.add(4, "nps", "150", "a number from -100 to 100")
    >>> str(probs.items[0])
    'customers.csv, row 4, column \\'nps\\': "150", expected a number from -100 to 100'
    """

    def __init__(self, file: str):
        self.file = file
        self.items: list[ImportProblem] = []
        self.total = 0
        self.suggestions: list[str] = []

    def add(self, row: int | None, column: str | None, value: str | None, expected: str) -> None:
        """A bad cell (``value`` the cell text) or header; ``expected`` completes "expected ..."."""
        self._keep(ImportProblem(self.file, row, column, value, expected))

    def add_message(self, message: str, row: int | None = None, column: str | None = None) -> None:
        """A problem told as a whole sentence ("the file is empty; ...")."""
        self._keep(ImportProblem(self.file, row, column, None, None, message))

    def _keep(self, problem: ImportProblem) -> None:
        self.total += 1
        if len(self.items) < MAX_KEPT:
            self.items.append(problem)

    def fail(self, message: str, row: int | None = None, column: str | None = None) -> ImportFailed:
        """An :class:`ImportFailed` for a problem that stops reading at once: ``raise probs.fail(...)``."""
        self.add_message(message, row, column)
        return self.error()

    def error(self) -> ImportFailed:
        return ImportFailed(self.file, self.items, self.total, self.suggestions or None)

    def raise_if_any(self) -> None:
        if self.total:
            raise self.error()

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total


def summary_tail(unreconciled: list, normalisations: list[str], not_kept: str) -> str:
    """The end every import summary shares: units not reconciled, normalisations applied."""
    text = ""
    if unreconciled:
        text += f" Units not reconciled ({not_kept}): " + ", ".join(u.name for u in unreconciled) + "."
    if normalisations:
        text += f" {len(normalisations)} normalisation{'s' * (len(normalisations) != 1)} applied."
    return text
