"""Every user-facing string passes through :func:`t`, and is shown in the language chosen: English, the
language of the source text, or one with a gettext catalogue in ``translations/`` (Vietnamese)."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path

CATALOGUE_DIR = Path(__file__).parent / "translations"
SOURCE_LANGUAGE = "en"
LANGUAGES = (SOURCE_LANGUAGE, *sorted(p.stem for p in CATALOGUE_DIR.glob("*.po")))
LANGUAGE_VARIABLE = "BROADCASTER_LANG"
# click's modules whose words (usage lines, headings, errors) the command line shows through the catalogue.
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")

# Set by the command line for the length of one command, by the web pages for one request: a context
# variable, so that the threads of the web server each speak their own request's language.
_chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("language", default=None)
# The command's language, for the threads it starts (playout, countdown, scheduler): a new thread does not
# inherit the context variables of the thread that starts it.
_command: str | None = None


def counted(n: int, one: str, many: str) -> str:
    """``one`` or ``many`` (each with ``{n}``) as ``n`` asks, translated: '1 record', '2 records'."""
    return t(one if n == 1 else many, n=n)


def t(message: str, /, **values: object) -> str:
    """Translate ``message`` into the language chosen, then fill in ``values``."""
    translation = catalogue(language()).get(message)
    if translation:
        try:
            return translation.format(**values)
        except (KeyError, IndexError, ValueError):
            pass  # a translation whose placeholders were mistyped: the English still says it right
    return message.format(**values)


def translated(text: str) -> str:
    """``text`` in the language chosen, as it is (no placeholders filled in): click's own texts and the help
    of commands and options."""
    return catalogue(language()).get(text) or text


def day_text(value: dt.date | str) -> str:
    """A day (or an ISO date) as people write it in the language chosen: 04/12/2026 in Vietnamese; a text that
    is no ISO date (a damaged record) as it is."""
    try:
        return (dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value).strftime(t("%Y-%m-%d"))
    except ValueError:
        return value


def number_text(value: float, digits: int = 1, share: bool = False, point: str | None = None) -> str:
    """A decimal (or, with ``share``, a fraction as a percentage) as people write it in the language chosen:
    '0,4' and '12,5%' in Vietnamese, '0.4' and '12.5%' in English; ``point``: another decimal mark (a file
    for software)."""
    text = f"{value:.{digits}%}" if share else f"{value:.{digits}f}"
    return text.replace(".", point or t("."))  # the decimal point, a comma in Vietnamese


def moment_text(value: dt.datetime | str) -> str:
    """A day and a 24-hour time (or an ISO date-time) as people write them: 04/12/2026 05:30 in Vietnamese; a
    text that is no ISO date-time as it is."""
    try:
        return (dt.datetime.fromisoformat(value) if isinstance(value, str) else value).strftime(t("%Y-%m-%d %H:%M"))
    except ValueError:
        return value


def length_text(seconds: float | None) -> str:
    """A length of time as a clock shows it: '3:07', '1:03:07'; '' for none."""
    if seconds is None:
        return ""
    total = max(0, round(float(seconds)))
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def marked(message: str) -> str:
    """``message`` unchanged: marks a word that is kept as data (a status, a role) and shown through t()
    later, so that the catalogue has it."""
    return message


def names_shown() -> bool:
    """Whether languages and topics are shown by their names rather than their codes: in translated output."""
    return language() != SOURCE_LANGUAGE


def language() -> str:
    """The language chosen for this command, else BROADCASTER_LANG, else English."""
    return _chosen.get() or _command or os.environ.get(LANGUAGE_VARIABLE) or SOURCE_LANGUAGE


def choose(chosen: str | None) -> None:
    """Messages in ``chosen`` from now until the :func:`one_command` block around ends, in every thread that
    has not chosen its own."""
    global _command
    _chosen.set(chosen)
    _command = chosen


@contextlib.contextmanager
def one_command() -> Iterator[None]:
    """One command: the language :func:`choose` picks within the block lasts until it ends."""
    global _command
    token = _chosen.set(None)
    try:
        yield
    finally:
        _chosen.reset(token)
        _command = None


@contextlib.contextmanager
def speaking(chosen: str | None) -> Iterator[None]:
    """Messages in ``chosen`` (None: BROADCASTER_LANG or English) within the block."""
    token = _chosen.set(chosen)
    try:
        yield
    finally:
        _chosen.reset(token)


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """The translations into ``lang``, keyed by the English text: those not marked fuzzy by a translator
    (none for English or a language without a catalogue, whose messages stay in English)."""
    if lang not in LANGUAGES[1:]:
        return {}
    return read_catalogue(CATALOGUE_DIR / f"{lang}.po")


_PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"'}


def _po_string(quoted: str) -> str:
    """The text of a quoted .po string (without its quotes), its escapes undone."""
    if "\\" not in quoted:
        return quoted
    return re.sub(r"\\(.)", lambda m: _PO_ESCAPES.get(m.group(1), m.group(0)), quoted)


def read_catalogue(path: Path) -> dict[str, str]:
    """The translated messages of a gettext catalogue, as polib's translated_entries() gives them (tested so):
    not obsolete, not fuzzy, not empty. Read here rather than by polib, which takes several times as long,
    whenever a command speaks Vietnamese."""
    found: dict[str, str] = {}
    entry: dict[str, str] = {}
    field = ""
    skip = False
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if not skip and entry.get("msgid") and entry.get("msgstr"):
                found[entry["msgid"]] = entry["msgstr"]
            entry, field, skip = {}, "", False
        elif line.startswith("#~"):
            skip = True  # obsolete: no longer in the code
        elif line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
            skip = True  # the English changed since: not used until a translator checks it
        elif line.startswith('"') and field:
            entry[field] += _po_string(line.strip()[1:-1])
        elif not line.startswith("#"):
            field, _, rest = line.partition(" ")
            entry[field] = _po_string(rest.strip()[1:-1])
    return found
