"""Tables and lines for the terminal (rich)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

import click

from broadcaster.config import StationConfig
from broadcaster.content.announcement import LANGUAGES
from broadcaster.errors import InputError
from broadcaster.messages import names_shown, t, translated
from broadcaster.values import is_number, parse_date

if TYPE_CHECKING:
    from broadcaster.render.cache import Asset

# In a terminal, tables fit its width; into a file or a pipe they are written whole (200 columns) unless
# COLUMNS says how wide.
console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)


# Progress bars and spinners go to stderr, and only to a terminal: what scripts and tests read stays as it is.
progress_console = Console(stderr=True, highlight=False)


@contextmanager
def working(text: str) -> Iterator[None]:
    """A spinner saying ``text`` while a slow call (rendering) runs; nothing without a text or a terminal."""
    if text and progress_console.is_terminal:
        with progress_console.status(text):
            yield
    else:
        yield


# The longest cell (a date) that a table keeps whole.
WHOLE = 10
UNBOUNDED = 100_000  # a --wide table's width: as wide as its longest cells


def _width() -> int | None:
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def table(title: str, columns: list[str], rows: list[list[str]], wide: bool = False) -> None:
    """Print a table as wide as the terminal; when it does not fit, the widest columns (free text) wrap first,
    between words, and numbers stay to the right. ``wide``: every cell on one line, however wide that makes it."""
    tab = Table(title=title, title_justify="left")
    for i, column in enumerate(columns):
        cells = [row[i] for row in rows]
        # Times, dates, counts and codes are never cut in two (the widest columns give way instead).
        whole = wide or len(column) <= WHOLE and all(len(cell) <= WHOLE and " " not in cell for cell in cells)
        tab.add_column(column, overflow="fold", no_wrap=whole,
                       justify="right" if cells and all(is_number(cell) for cell in cells) else "left")
    for row in rows:
        tab.add_row(*row)
    if wide:
        natural = Measurement.get(console, console.options.update(max_width=UNBOUNDED), tab).maximum
        console.print(tab, width=natural, crop=False)
    else:
        console.print(tab, width=_width())


def note(text: str) -> None:
    """A line of plain text under a table, wrapped to the terminal's width as the table is."""
    console.print(text, markup=False, soft_wrap=False, width=_width())


LOG_BYTES = 1_000_000  # a copy of the console is rotated at this size ...
LOG_BACKUPS = 5        # ... keeping this many older files


class _Copy(io.TextIOBase):
    """A text stream that writes to standard output (whichever it is at the time, as the console does) and
    each whole line, timed, to a rotating log file."""

    def __init__(self, handler: logging.Handler):
        self.handler = handler
        self.pending = ""

    def write(self, text: str) -> int:
        """Write through, and log the lines it completes."""
        sys.stdout.write(text)
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.handler.emit(logging.LogRecord("broadcaster", logging.INFO, "", 0, line, None, None))
        return len(text)

    def flush(self) -> None:
        """Flush the console."""
        sys.stdout.flush()


@contextmanager
def console_copied_to(path: Path | None) -> Iterator[None]:
    """While the block runs, keep a copy of what the console says in ``path`` (rotated: never more than
    LOG_BACKUPS + 1 files of LOG_BYTES); nothing when ``path`` is None."""
    if path is None:
        yield
        return
    from logging.handlers import RotatingFileHandler  # its sockets and pickling: only for `run`'s copy

    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    console.file = _Copy(handler)
    try:
        yield
    finally:
        console.file = None  # standard output again, whichever it is then
        handler.close()


def hms(value: str | dt.datetime | None) -> str:
    """'HH:MM:SS' of an ISO time or a datetime; '-' for none."""
    if not value:
        return "-"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.strftime("%H:%M:%S")


def language_shown(code: str) -> str:
    """A language of the content as a person reads it: its name in translated output (Ê Đê), else its code."""
    return LANGUAGES.get(code, code) if names_shown() else code


def topic_shown(code: str, config: StationConfig) -> str:
    """A topic as a person reads it: in translated output the station's name for it (a built-in topic's through
    the catalogue), else its code."""
    return translated(config.topic_names[code]) if names_shown() and code in config.topic_names else code


def describe_asset(asset: Asset) -> str:
    """A rendered asset: length, loudness, true peak, engine and voice, and why it is a fallback if it is."""
    line = t("{seconds:.1f} s, {lufs:.1f} LUFS, true peak {tp:.1f} dBTP, {engine}", seconds=asset.duration_s,
             lufs=asset.lufs, tp=asset.true_peak_dbtp, engine=asset.engine)
    return line + (t(" (fallback: {reason})", reason=asset.fallback) if asset.fallback else "")


class DateType(click.ParamType):
    """A day given as YYYY-MM-DD or DD/MM/YYYY on the command line (every --date, --from, --to and --valid-on)."""

    name = "YYYY-MM-DD"

    def get_metavar(self, param) -> str:
        """The form shown in the help: the one people write in the language chosen (DD/MM/YYYY in Vietnamese)."""
        return t("YYYY-MM-DD")

    def convert(self, value, param, ctx) -> dt.date:
        """The day, or click's one-line error saying the form expected."""
        try:
            day = parse_date(value, None, None, "")
        except InputError:
            day = None
        if day is None or not YEARS[0] <= day.year <= YEARS[1]:  # year 9999 would overflow a day's end
            self.fail(t("'{value}' is not a date; expected YYYY-MM-DD or DD/MM/YYYY such as 2026-11-26 or 26/11/2026",
                        value=value), param, ctx)
        return day


YEARS = (1900, 2200)  # the years a day on the command line may be in
DATE = DateType()
