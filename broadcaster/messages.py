"""Every user-facing string passes through :func:`t`, so that a translation can be added."""

from __future__ import annotations

import os

# Translations, keyed by language then by the English text. Empty for now: Vietnamese goes here.
CATALOGS: dict[str, dict[str, str]] = {"vi": {}}


def counted(n: int, one: str, many: str) -> str:
    """``one`` or ``many`` (each with ``{n}``) as ``n`` asks, translated: '1 record', '2 records'."""
    return t(one if n == 1 else many, n=n)


def t(message: str, /, **values: object) -> str:
    """Translate ``message`` into the language in BROADCASTER_LANG, then fill in ``values``."""
    lang = os.environ.get("BROADCASTER_LANG", "en")
    return CATALOGS.get(lang, {}).get(message, message).format(**values)
