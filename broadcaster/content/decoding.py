"""Decoding the texts officers really have: UTF-8 (with or without BOM), UTF-16, Windows-1258,
any of them in decomposed Unicode. Legacy TCVN3 and VNI font encodings are recognised (their bytes,
read with their own tables, give Vietnamese words) and refused; other 8-bit text is refused as such."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from broadcaster.errors import InputError
from broadcaster.messages import t

_BASES = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
# Every letter of the Vietnamese alphabet, precomposed, with every tone.
VIETNAMESE_LETTERS = frozenset(unicodedata.normalize("NFC", b + m) for b in _BASES for m in _TONES) | set("đĐ")
# Bytes that TCVN3 (ABC) uses for ă â ê ô ơ ư đ and the toned a's: in Unicode Vietnamese they are
# rare symbols (¨ © ª « ¬ soft-hyphen ® µ ¶ · ¸ ¹).
_TCVN3_MARKERS = frozenset("¨©ª«¬\xad®µ¶·¸¹")
LEGACY_SHARE = 0.3  # more than this share of odd non-ASCII letters: not Unicode Vietnamese
FIT = 0.75  # at least this share of a text's accented words must be Vietnamese syllables in an encoding
MIN_LEGACY_WORDS = 3  # and, to call it TCVN3 or VNI, at least this many of them

# A Vietnamese syllable without its tone: onset, vowel nucleus, final consonant ('k' for the Tây Nguyên
# names: Đắk Lắk).
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
    r"(?:iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyê|uyu|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo"
    r"|ua|uâ|uê|ui|uô|uơ|ưa|ưi|ưu|ươ|uy|ya|yê|[aăâeêioôơuưy])"
    r"(?:ch|ng|nh|[cmnptk])?$")
_LOWER_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz") | {c for c in VIETNAMESE_LETTERS if c.islower()}
# A word: letters, and the characters that stand for letters when legacy bytes are read in the wrong code
# page (¨ © « µ · ...); not quotes, dashes, currency signs, the no-break space, or ° ± ² ³ ´ º ¿.
_WORD = re.compile(r"[A-Za-z\u00a1-\u00af\u00b5-\u00b9\u00bb-\u00be\u00c0-\u1fff\u2070-\u209f\u20d0-\uffff]+")


def _vni() -> dict[int, str]:
    """VNI: a base letter followed by a byte for its marks (aø = à, aâ = â, aá = ấ), or a whole letter (ô = ơ)."""
    marks = {"ø": "\u0300", "ù": "\u0301", "û": "\u0309", "õ": "\u0303", "ï": "\u0323", "â": "\u0302", "ê": "\u0306",
             "à": "\u0302\u0300", "á": "\u0302\u0301", "å": "\u0302\u0309", "ã": "\u0302\u0303", "ä": "\u0302\u0323",
             "è": "\u0306\u0300", "é": "\u0306\u0301", "ú": "\u0306\u0309", "ü": "\u0306\u0303", "ë": "\u0306\u0323"}
    letters = {"ô": "ơ", "ö": "ư", "ñ": "đ", "ì": "ì", "í": "í", "ò": "ị", "æ": "ỉ", "ó": "ĩ", "î": "ỵ"}
    table = {}
    for byte, value in {**marks, **letters}.items():
        table[ord(byte)], table[ord(byte.upper())] = value, value.upper()
    return table


def _tcvn3() -> dict[int, str]:
    """TCVN3 (ABC): one byte a letter; capitals with a tone are the same bytes in the capitals font."""
    rows = {0xA1: "ĂÂÊÔƠƯĐăâêôơưđ", 0xB5: "àảãáạ", 0xBB: "ằẳẵắ", 0xC6: "ặầẩẫấậè", 0xCE: "ẻẽéẹềểễếệìỉ",
            0xDC: "ĩíịò", 0xE1: "ỏõóọồổỗốộờởỡớợù", 0xF1: "ủũúụừửữứựỳỷỹýỵ"}
    return {first + i: letter for first, letters in rows.items() for i, letter in enumerate(letters)}


# Each byte as the legacy encoding reads it (bytes it leaves alone are Windows-1252, as in the old fonts).
LEGACY_READINGS = {name: [table.get(b) or bytes([b]).decode("cp1252", errors="replace") for b in range(256)]
                   for name, table in (("TCVN3", _tcvn3()), ("VNI", _vni()))}


def is_syllable(word: str) -> bool:
    """Whether ``word`` is spelt as a Vietnamese syllable: Vietnamese letters, at most one tone."""
    word = unicodedata.normalize("NFC", word.lower())
    if not all(c in _LOWER_LETTERS for c in word):
        return False
    marks = [m for m in unicodedata.normalize("NFD", word) if m in _TONES[1:]]
    if len(marks) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(m for m in unicodedata.normalize("NFD", word) if m not in _TONES[1:]))
    return bool(_SYLLABLE.match(bare))


def _accented_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(unicodedata.normalize("NFC", text)) if not w.isascii()]


def vietnamese_share(text: str) -> float:
    """The share of the words with non-ASCII characters that are Vietnamese syllables (1.0 when there are none)."""
    words = _accented_words(text)
    return sum(map(is_syllable, words)) / len(words) if words else 1.0


def _legacy(data: bytes) -> str | None:
    """'TCVN3' or 'VNI' when the bytes, read with that encoding's table, are Vietnamese words (a few at least)."""
    shares = {}
    for name, reading in LEGACY_READINGS.items():
        words = _accented_words("".join(map(reading.__getitem__, data)))
        shares[name] = sum(map(is_syllable, words)) / len(words) if len(words) >= MIN_LEGACY_WORDS else 0.0
    name = max(shares, key=shares.get)
    return name if shares[name] >= FIT else None


def _latin(c: str) -> bool:
    """A Latin letter beyond ASCII (Vietnamese or not)."""
    return ord(c) > 127 and c.isalpha() and (ord(c) <= 0x24F or unicodedata.name(c, "").startswith("LATIN"))


def _mostly_foreign(text: str) -> bool:
    """Whether most accented Latin characters are not Vietnamese letters (a legacy font's text, or no Vietnamese)."""
    letters = [c for c in text if _latin(c) or c in _TCVN3_MARKERS]
    foreign = [c for c in letters if c not in VIETNAMESE_LETTERS]
    return len(letters) >= 5 and len(foreign) > LEGACY_SHARE * len(letters)


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
            text, encoding = _eight_bit(data, path, exc)
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise InputError(t("this looks like UTF-16 text but cannot be decoded"), path=path) from None
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    _refuse_other_scripts(text, path)
    _refuse_lost_letters(text, path)
    if _mostly_foreign(text):
        _refuse_foreign(text, data if encoding == "windows-1258" else text.encode("cp1252", errors="replace"), path)
    return text, encoding


def _legacy_error(name: str, path: Path) -> InputError:
    return InputError(t("the text looks like the old {name} encoding, not Unicode; convert it with Unikey "
                        "(Công cụ chuyển mã: from {name} to Unicode) and save it as UTF-8", name=name), path=path)


def _refuse_foreign(text: str, data: bytes, path: Path) -> None:
    """A text whose accented letters are mostly not Vietnamese: a legacy font's text (``data`` its bytes,
    or its characters as Windows-1252 bytes when it was saved as Unicode lookalikes), or another language."""
    legacy = _legacy(data)
    if legacy:
        raise _legacy_error(legacy, path)
    for number, line in enumerate(text.split("\n"), 1):
        odd = [c for c in line if _latin(c) and c not in VIETNAMESE_LETTERS]
        if odd:
            raise InputError(t("letters that are not Vietnamese ('{chars}') in much of the text: a Vietnamese voice "
                               "cannot read it; record a clip for texts in other languages",
                               chars="".join(dict.fromkeys(odd))[:10]), path=path, line=number)


def _refuse_other_scripts(text: str, path: Path) -> None:
    """Letters outside the Latin script cannot be read by a Vietnamese voice: say where they are."""
    for number, line in enumerate(text.split("\n"), 1):
        odd = [c for c in line if c.isalpha() and ord(c) > 127 and not _latin(c)]
        if odd:
            raise InputError(t("letters of another script ('{chars}') that a Vietnamese voice cannot read; "
                               "record a clip for texts in other scripts", chars="".join(odd[:10])),
                             path=path, line=number)


# A '?' between letters ('Th?c hi?n'): what an editor writes for each letter its encoding lacks.
_LOST = re.compile(r"[^\W\d_]+(?:\?+[^\W\d_]+)+")
MIN_LOST = 3


def _refuse_lost_letters(text: str, path: Path) -> None:
    """A text saved in an encoding without Vietnamese letters has '?' in their place: its words are lost."""
    lost = list(_LOST.finditer(text))
    if len(lost) >= MIN_LOST:
        examples = ", ".join(f"'{m.group()}'" for m in lost[:3])
        raise InputError(t("Vietnamese letters are lost: '?' stands for them in words such as {examples}; the file "
                           "was saved in an encoding without them: save it again from the original as UTF-8",
                           examples=examples), path=path, line=text[: lost[0].start()].count("\n") + 1)


def _eight_bit(data: bytes, path: Path, utf8_error: UnicodeDecodeError) -> tuple[str, str]:
    """Windows-1258, the Vietnamese code page of older Windows tools, when its words are Vietnamese; else
    the legacy encoding it is in, or the UTF-8 error with its line.

    A file that is UTF-8 up to the bad byte (with Vietnamese letters in it) is UTF-8 with damage, not an
    8-bit text: the UTF-8 error and its line are what helps."""
    line = data[: utf8_error.start].count(b"\n") + 1
    byte = data[utf8_error.start]
    before = unicodedata.normalize("NFC", data[: utf8_error.start].decode("utf-8"))
    if any(c in VIETNAMESE_LETTERS and not c.isascii() for c in before):
        raise InputError(t("not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8", byte=byte), path=path,
                         line=line)
    text = data.decode("cp1258", errors="replace")
    if "\ufffd" not in text and vietnamese_share(text) >= FIT:
        return text, "windows-1258"
    _refuse_lost_letters(unicodedata.normalize("NFC", text), path)
    legacy = _legacy(data)
    if legacy:
        raise _legacy_error(legacy, path)
    raise InputError(t("not Vietnamese text in a known encoding: not UTF-8 (byte 0x{byte:02x}), nor Windows-1258, "
                       "TCVN3 or VNI; save it as UTF-8", byte=byte), path=path, line=line)
