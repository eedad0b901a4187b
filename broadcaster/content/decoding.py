"""Decoding the texts officers really have: UTF-8 (with or without BOM), UTF-16, Windows-1258,
any of them in decomposed Unicode; legacy TCVN3 and VNI font encodings are recognised and refused."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from broadcaster.errors import InputError
from broadcaster.messages import t

_BASES = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
# Every letter of the Vietnamese alphabet, precomposed, with every tone.
VIETNAMESE_LETTERS = frozenset(unicodedata.normalize("NFC", b + m) for b in _BASES for m in _TONES) | set("đĐ")
# Bytes that TCVN3 (ABC) uses for ă â ê ô ơ ư đ and the toned a's: in real Windows-1258 text they are
# rare symbols (¨ © ª « ¬ soft-hyphen ® µ ¶ · ¸ ¹).
_TCVN3_MARKERS = frozenset("¨©ª«¬\xad®µ¶·¸¹")
LEGACY_SHARE = 0.3  # more than this share of odd non-ASCII letters: not Unicode Vietnamese


def _latin(c: str) -> bool:
    return 127 < ord(c) <= 0x24F and (c.isalpha() or c in _TCVN3_MARKERS)


def _looks_legacy(text: str) -> str | None:
    """'TCVN3' or 'VNI' when the accented Latin characters are mostly not Vietnamese letters."""
    letters = [c for c in text if _latin(c)]
    foreign = [c for c in letters if c not in VIETNAMESE_LETTERS]
    if len(letters) < 5 or len(foreign) <= LEGACY_SHARE * len(letters):
        return None
    return "TCVN3" if sum(c in _TCVN3_MARKERS for c in foreign) * 2 >= len(foreign) else "VNI"


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when every other byte is mostly zero (text without a BOM)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_announcement_text(data: bytes, path: Path) -> tuple[str, str]:
    """The text in NFC with '\\n' line ends, and the encoding it was in; InputError when unreadable."""
    encoding = None
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = _utf16_without_bom(data)
    if encoding is None and b"\x00" in data:
        raise InputError(t("this is a binary file, not a text"), path=path,
                         line=data[: data.index(b"\x00")].count(b"\n") + 1)
    if encoding in (None, "utf-8-sig"):
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            if encoding == "utf-8-sig":
                line = data[: exc.start].count(b"\n") + 1
                raise InputError(t("not UTF-8 text after its UTF-8 mark (byte 0x{byte:02x})", byte=data[exc.start]),
                                 path=path, line=line) from None
            text, encoding = _windows_1258(data, path, exc)
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise InputError(t("this looks like UTF-16 text but cannot be decoded"), path=path) from None
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    _refuse_other_scripts(text, path)
    legacy = _looks_legacy(text)
    if legacy:
        raise InputError(
            t("the text looks like the old {name} encoding, not Unicode; convert it with Unikey "
              "(Công cụ chuyển mã: from {name} to Unicode) and save it as UTF-8", name=legacy), path=path)
    return text, encoding


def _refuse_other_scripts(text: str, path: Path) -> None:
    """Letters outside the Latin script cannot be read by a Vietnamese voice: say where they are."""
    for number, line in enumerate(text.split("\n"), 1):
        odd = [c for c in line if c.isalpha() and ord(c) > 0x24F and c not in VIETNAMESE_LETTERS]
        if odd:
            raise InputError(t("letters of another script ('{chars}') that a Vietnamese voice cannot read; "
                               "record a clip for texts in other scripts", chars="".join(odd[:10])),
                             path=path, line=number)


def _windows_1258(data: bytes, path: Path, utf8_error: UnicodeDecodeError) -> tuple[str, str]:
    """Windows-1258, the Vietnamese code page of older Windows tools; else the UTF-8 error, with its line.

    A file that is UTF-8 up to the bad byte (with accented letters in it) is UTF-8 with damage, not
    Windows-1258: the UTF-8 error and its line are what helps."""
    mixed = any(b > 127 for b in data[: utf8_error.start])
    try:
        if mixed:
            raise UnicodeDecodeError("cp1258", data, 0, 1, "UTF-8 before the bad byte")
        return data.decode("cp1258"), "windows-1258"
    except UnicodeDecodeError:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise InputError(t("not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8", byte=data[utf8_error.start]),
                         path=path, line=line) from None
