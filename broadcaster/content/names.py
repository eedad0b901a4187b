"""Ids made from the names officers give their files: 'Thông báo lịch tiêm.txt' -> 'thong-bao-lich-tiem'."""

from __future__ import annotations

import re
import unicodedata

MAX_ID = 80
_NOT_ID = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case ASCII for comparing names as people type them: accents dropped, đ as d ('Trần' -> 'tran')."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def id_from_name(name: str) -> str:
    """An announcement id from a file name (without its extension): letters folded to ASCII, every run of
    other characters a single '-'; '' when nothing usable is left (a name of symbols only)."""
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return _NOT_ID.sub("-", fold(stem)).strip("-")[:MAX_ID].rstrip("-")
