"""CSV for spreadsheets: a cell that Excel or LibreOffice would take as a formula (=, +, -, @, a tab or a
carriage return first) is written as text, with an apostrophe before it; numbers stay numbers. The words in
a report come from stations' files and logs, which someone else may have written."""

from __future__ import annotations

import csv
import re
from typing import Any, Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?%?")


def cell(value: Any) -> Any:
    """``value``, or the text of a would-be formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


class SpreadsheetWriter:
    """csv.writer's writerow and writerows, every cell through :func:`cell`."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        """One row."""
        self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Rows, in order."""
        for row in rows:
            self.writerow(row)
