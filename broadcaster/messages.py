"""Every user-facing string passes through :func:`t`, and is shown in the language chosen: English, the
language of the source text, or one with a gettext catalogue in ``translations/`` (Vietnamese)."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
from collections.abc import Iterator
from pathlib import Path

CATALOGUE_DIR = Path(__file__).parent / "translations"
SOURCE_LANGUAGE = "en"
LANGUAGES = (SOURCE_LANGUAGE, *sorted(p.stem for p in CATALOGUE_DIR.glob("*.po")))
LANGUAGE_VARIABLE = "BROADCASTER_LANG"

# Set by the command line for the length of one command, by the web pages for one request: a context
# variable, so that the threads of the web server each speak their own request's language.
_chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("language", default=None)


def counted(n: int, one: str, many: str) -> str:
    """``one`` or ``many`` (each with ``{n}``) as ``n`` asks, translated: '1 record', '2 records'."""
    return t(one if n == 1 else many, n=n)


def t(message: str, /, **values: object) -> str:
    """Translate ``message`` into the language chosen, then fill in ``values``."""
    translated = catalogue(language()).get(message)
    if translated:
        try:
            return translated.format(**values)
        except (KeyError, IndexError, ValueError):
            pass  # a translation whose placeholders were mistyped: the English still says it right
    return message.format(**values)


def marked(message: str) -> str:
    """``message`` unchanged: marks a word that is kept as data (a status, a role) and shown through t()
    later, so that the catalogue has it."""
    return message


def language() -> str:
    """The language chosen for this command, else BROADCASTER_LANG, else English."""
    return _chosen.get() or os.environ.get(LANGUAGE_VARIABLE) or SOURCE_LANGUAGE


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
    import polib  # only when a translation is used

    path = CATALOGUE_DIR / f"{lang}.po"
    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(path)).translated_entries()}
