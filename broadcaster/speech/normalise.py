"""Vietnamese text normalisation: what is written becomes the words an announcer says, before any TTS.

The text is scanned once, left to right; at each place the first rule of RULES that matches reads
it (a rule's output is never scanned again). The station's dictionary comes first, so that it can
override any rule. Conventions, chosen once and kept everywhere:

- numbers: "mốt, tư, lăm, linh, mươi, nghìn, triệu, tỷ" (1.500 "một nghìn năm trăm", 2,5 "hai phẩy năm");
- dates: "ngày mồng một tháng bảy năm hai nghìn không trăm hai mươi mốt"; "ngày" is said when missing;
- document numbers are read as written: the number, "trên" for "/", the letters spelled
  ("68/NQ-CP": "sáu mươi tám trên en quy xê pê"). The name of the document type is already said
  before the number ("Nghị quyết số ..."), and spelling works for every issuer's code, known or not;
- telephone numbers digit by digit, in the groups they are written in.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.speech.numbers import (
    DECIMAL_COMMA, DECIMAL_POINT, read_day, read_decimal, read_digits, read_month, read_number, read_ordinal,
)
from broadcaster.speech.vocabulary import (
    ABBREVIATIONS, CALL_CONTEXT, DATE_CONTEXT, LETTER_NAMES, ROMAN_CONTEXT, SYMBOLS, TERMS, UNITS,
)
from broadcaster.yamlfile import expect_map, line_of, read_yaml_file

# Raise whenever a rule or a table changes what is said: rendered audio records which version made it.
NORMALISER_VERSION = 1
LANGUAGE = "vie"  # ISO 639-3: the rules are for Vietnamese; texts in other languages are spoken as written

ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
ROMAN = re.compile(r"^C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
# The shape of a Vietnamese syllable without its marks: an all-capital word of another shape is an
# acronym, spelled letter by letter ("KGVX"), while "THÔNG BÁO" is read as words.
SYLLABLE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|kr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}"
                      r"(ch|ng|nh|[cmnptk])?$")
WORD_BEFORE = re.compile(r"([^\W\d_]+|[-–])\s*$")


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _word_before(text: str, position: int) -> str:
    """The word (or dash) just before ``position``, lower-cased; '' when there is none."""
    found = WORD_BEFORE.search(text, max(0, position - 40), position)
    return found.group(1).lower() if found else ""


def spell(letters: str) -> str:
    """Letters and digits as spelled aloud: 'TTg' 'tê tê giê', 'QH15' 'quy hát mười lăm'."""
    words = []
    for run in re.findall(r"\d+|[^\W\d_]", letters):
        words.append(read_number(int(run)) if run.isdigit() else LETTER_NAMES.get(run.upper(), run))
    return " ".join(words)


def roman_value(numeral: str) -> int | None:
    """The value of a Roman numeral up to 399, or None when it is not one."""
    if not numeral or not ROMAN.match(numeral):
        return None
    values = [ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def is_syllable(word: str) -> bool:
    """Whether ``word`` has the shape of one Vietnamese syllable (marks and case ignored)."""
    bare = "".join(c for c in unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
                   if not unicodedata.combining(c))
    return bool(SYLLABLE.match(bare))


def _date(day: int, month: int, year: str | None, before: str) -> str:
    """'ngày mồng một tháng bảy năm ...'; 'ngày' is not repeated after 'ngày', nor 'mồng' after 'mồng'."""
    words = [] if before in ("ngày", "mồng") else ["ngày"]
    words.append(read_number(day) if before == "mồng" else read_day(day))
    words += ["tháng", read_month(month)]
    if year:
        words += ["năm", read_number(int(year))]
    return " ".join(words)


def _is_date(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


# Each reader gets the match of its own rule and the whole text (for the words before the match).

def _read_term(m: re.Match, text: str) -> str:
    written = m.group(0)
    spoken = next(said for pattern, said in TERMS if re.fullmatch(pattern, written, re.IGNORECASE))
    # "Vắc-xin" opens a sentence and keeps its capital; "F0" is all capitals and is not a name.
    return spoken[0].upper() + spoken[1:] if written[0].isupper() and not written.isupper() else spoken


def _telephone(number: str) -> str:
    """Digit by digit, a pause between the groups it is written in; '+' is 'cộng'."""
    groups = [g for g in re.split(r"[ .-]", number.lstrip("+")) if g]
    return ("cộng " if number.startswith("+") else "") + ", ".join(read_digits(g) for g in groups)


def _read_web(m: re.Match, text: str) -> str:
    """The host of a web address, 'chấm' for its dots; a path cannot be typed from a loudspeaker."""
    # A label without a vowel is spelled, as it is said ("vtv" "vê tê vê", "vn" "vê en"); digits are
    # read one by one ("vtv24" "vê tê vê hai bốn").
    def label(part: str) -> str:
        if not re.search(r"[aeiouy]", part, re.IGNORECASE):
            return " ".join(read_digits(run) if run.isdigit() else spell(run) for run in re.findall(r"\d+|\D+", part))
        return re.sub(r"\d+", lambda digits: f" {read_digits(digits.group())} ", part).strip()

    return " chấm ".join(label(part) for part in m.group(1).split("."))


def _read_call(m: re.Match, text: str) -> str:
    return f"{m.group(1)} {_telephone(m.group(2))}"


def _read_phone(m: re.Match, text: str) -> str:
    return _telephone(m.group(0))


def _read_roman_after(m: re.Match, text: str) -> str:
    value = roman_value(m.group(2))
    if value is None:
        return m.group(0)
    return f"{m.group(1)} {read_ordinal(value) if m.group(1).lower() == 'thứ' else read_number(value)}"


def _read_roman_heading(m: re.Match, text: str) -> str:
    value = roman_value(m.group(1))
    return read_number(value) if value else m.group(1)


def _read_code(m: re.Match, text: str) -> str:
    words = []
    for part in re.findall(r"\d+|[^\W\d_][^\W_]*|/", m.group(0)):
        if part == "/":
            words.append("trên")
        elif part.isdigit():
            words.append(read_number(int(part)))
        else:
            words.append(spell(part))
    return " ".join(words)


def _read_day_range(m: re.Match, text: str) -> str:
    first, last, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    if not (_is_date(first, month) and _is_date(last, month)):
        return " ".join([read_number(first), "đến", read_number(last), "trên", read_number(month)]
                        + (["trên", read_number(int(year))] if year else []))
    before = _word_before(text, m.start())
    start = [] if before in ("ngày", "mồng") else ["ngày"]
    start.append(read_number(first) if before == "mồng" else read_day(first))
    return " ".join([*start, "đến", _date(last, month, year, "ngày")])


def _read_full_date(m: re.Match, text: str) -> str:
    day, month, year = int(m.group(1)), int(m.group(3)), m.group(5)
    if not _is_date(day, month):
        return " trên ".join(read_number(int(n)) for n in (m.group(1), m.group(3), year))
    return _date(day, month, year, _word_before(text, m.start()))


def _read_month_year(m: re.Match, text: str) -> str:
    month, year = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return f"{read_number(month)} trên {read_number(year)}"
    prefix = "" if _word_before(text, m.start()) == "tháng" else "tháng "
    return f"{prefix}{read_month(month)} năm {read_number(year)}"


def _read_slash(m: re.Match, text: str) -> str:
    """A date after 'ngày', 'và', 'đến'...; otherwise a fraction (1/2 'một phần hai') or a ratio ('trên')."""
    a, b = int(m.group(1)), int(m.group(2))
    before = _word_before(text, m.start())
    if before in DATE_CONTEXT and _is_date(a, b):
        return _date(a, b, None, before)
    if 0 < a < b <= 10:
        return f"{read_number(a)} phần {read_month(b)}"
    return f"{read_number(a)} trên {read_number(b)}"


def _read_time(m: re.Match, text: str) -> str:
    hour, minute = int(m.group(1)), int(m.group(2) or m.group(3) or 0)
    if hour > 24 or minute > 59:
        return f"{read_number(hour)} {read_number(minute)}"
    return f"{read_number(hour)} giờ" + (f" {read_number(minute)} phút" if minute else "")


def _read_number(m: re.Match, text: str) -> str:
    whole, comma, point, unit = m.group(1), m.group(2), m.group(3), m.group(4)
    if comma is not None:
        spoken = read_decimal(whole.replace(".", ""), comma, DECIMAL_COMMA)
    elif point is not None:
        spoken = read_decimal(whole, point, DECIMAL_POINT)
    elif "." in whole:
        spoken = read_number(int(whole.replace(".", "")))
    elif (whole.startswith("0") and len(whole) > 2) or len(whole) > 15:
        spoken = read_digits(whole)  # a code or an account number, not a quantity: '001', '012345678901'
    else:
        n = int(whole)
        before = _word_before(text, m.start())
        if before == "ngày" and 1 <= n <= 31:
            spoken = read_day(n)
        elif before == "tháng" and 1 <= n <= 12:
            spoken = read_month(n)
        elif before == "thứ":
            spoken = read_ordinal(n)
        else:
            spoken = read_number(n)  # leading zeros are not said: '07 ca' is 'bảy ca'
    return f"{spoken} {UNITS[unit]}" if unit else spoken


def _read_acronym(m: re.Match, text: str) -> str:
    word = m.group(0)
    return spell(word) if word.isupper() and not is_syllable(word) else word


def _read_dash(m: re.Match, text: str) -> str:
    start, end = m.start(), m.end()
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip():
        return ""  # a bullet at the start of a line
    before, after = text[:start].rstrip()[-1:], text[end:].lstrip()[:1]
    if before.isdigit() and after.isdigit():
        return " đến "  # 2021 - 2025, 07/12 - 18/12
    if m.group(0) != "-" or text[start - 1:start].isspace() or text[end:end + 1].isspace():
        return ", "  # "kinh tế - xã hội": a short pause
    return " "  # a hyphen inside a name


def _read_symbol(m: re.Match, text: str) -> str:
    return SYMBOLS[m.group(0)]


@dataclass(frozen=True)
class Rule:
    """A pattern and the function that reads what it matches."""

    name: str
    pattern: str
    read: Callable[[re.Match, str], str]


def _term_pattern() -> str:
    return r"(?<!\w)(?i:" + "|".join(pattern for pattern, _ in TERMS) + r")(?!\w)"


_NUMBER = r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+)|\.(\d{1,2})(?![\d.]))?"
RULES = (
    Rule("web", r"<?(?:https?://)?((?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:vn|com|net|org|info))(?![\w.])"
         r"(?:/[^\s<>]*)?>?", _read_web),
    Rule("term", _term_pattern(), _read_term),
    Rule("call", r"(?i:((?:" + "|".join(CALL_CONTEXT) + r")(?:\s+(?:đến|tới))?(?:\s+số)?:?))\s+(\+?\d(?:[ .]?\d){2,})",
         _read_call),
    Rule("roman_after", r"(?<!\w)(?i:(" + "|".join(ROMAN_CONTEXT) + r"))\s+([IVXLC]+)(?!\w)", _read_roman_after),
    Rule("roman_heading", r"(?<![^\n])\s*([IVX]{1,4})(?=[.)\-–]\s)", _read_roman_heading),
    # A document number: "68/NQ-CP", "117/2020/NĐ-CP", "02-NQ/TU", "30/2021/QH15".
    Rule("code", r"(?<![\w/])\d+(?:/\d+)?[/-][A-ZĐ][\wĐđ]*(?:[/-][A-ZĐ][\wĐđ]*)*", _read_code),
    Rule("phone", r"(?<![\w.,])(?:\+84|0)\d{2,3}(?:[ .-]?\d){6,8}(?![\w,]|\.\d)", _read_phone),
    Rule("day_range", r"(?<![\w/])(\d{1,2})\s*[-–]\s*(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])", _read_day_range),
    Rule("full_date", r"(?<![\w/.])(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4})(?![\d/])", _read_full_date),
    Rule("month_year", r"(?<![\w/])(\d{1,2})/(\d{4})(?![\d/])", _read_month_year),
    Rule("slash", r"(?<![\w/])(\d+)/(\d+)(?![\d/])", _read_slash),
    Rule("time", r"(?<![\w:])(\d{1,2})(?:[hH](\d{2})?|:(\d{2}))(?![\w:])", _read_time),
    Rule("number", _NUMBER + r"(?:\s?(" + _alternatives(UNITS) + r")(?!\w))?", _read_number),
    Rule("acronym", r"(?<!\w)[^\W\d_]{2,}(?!\w)", _read_acronym),
    Rule("dash", r"[-–—]", _read_dash),
    Rule("symbol", _alternatives(SYMBOLS), _read_symbol),
)


def _tidy(text: str) -> str:
    """One space between words, none before punctuation; a paragraph ends with a stop (a heading too)."""
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"[ \t]+", " ", line).strip()
        line = re.sub(r" ([,.;:!?)”’])", r"\1", line)
        line = re.sub(r"([(“‘]) ", r"\1", line)
        line = re.sub(r",([.;:!?,])", r"\1", line)  # a pause left before a stop
        line = re.sub(r"^[,;] ?", "", line)
        lines.append(line)
    for i, line in enumerate(lines):
        if line and (i + 1 == len(lines) or not lines[i + 1]) and line[-1] not in ".!?:;,…":
            lines[i] = line + "."
    return "\n".join(lines).strip("\n")


class TextNormaliser:
    """Turns a Vietnamese announcement into the words to be spoken; a station's dictionary comes first."""

    def __init__(self, dictionary: Mapping[str, str] | None = None):
        # Texts are NFC; so must the entries be, or one saved decomposed by an editor would never match.
        self.dictionary = {unicodedata.normalize("NFC", written): unicodedata.normalize("NFC", spoken)
                           for written, spoken in (dictionary or {}).items()}
        self._words = {**ABBREVIATIONS, **self.dictionary}
        rules = (Rule("dictionary", r"(?<!\w)(?:" + _alternatives(self._words) + r")(?!\w)", self._read_word),
                 *RULES)
        self._rules = {rule.name: (re.compile(rule.pattern), rule.read) for rule in rules}
        # One alternation scans the text once; the first rule that matches at a place wins.
        self._scanner = re.compile("|".join(f"(?P<{rule.name}>{rule.pattern})" for rule in rules))

    def _read_word(self, m: re.Match, text: str) -> str:
        return self._words[m.group(0)]

    def normalise(self, text: str) -> str:
        """The words to be spoken for ``text``."""
        text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\u00a0", " ")
        out, last = [], 0
        for m in self._scanner.finditer(text):
            pattern, read = self._rules[m.lastgroup]
            spoken = read(pattern.match(text, m.start()), text)
            left = " " if text[m.start() - 1:m.start()].isalnum() else ""
            right = " " if text[m.end():m.end() + 1].isalnum() else ""
            out += [text[last:m.start()], left, spoken, right]
            last = m.end()
        out.append(text[last:])
        return _tidy("".join(out))

    def key(self) -> str:
        """The rules' version and a fingerprint of the station's dictionary, e.g. 'vi-1;dictionary=3f2a...'."""
        entries = json.dumps(sorted(self.dictionary.items()), ensure_ascii=False)
        return f"vi-{NORMALISER_VERSION};dictionary={hashlib.sha256(entries.encode()).hexdigest()[:12]}"


def load_dictionary(path: Path) -> dict[str, str]:
    """A station's dictionary file of 'written: spoken' lines; every problem names the file and line."""
    data = read_yaml_file(path)
    if data is None:
        return {}
    node = expect_map(data, path, t("the dictionary"))
    entries = {}
    for key in node:
        value, line = node[key], line_of(node, key)
        if not isinstance(key, str) or not key.strip():
            raise InputError(t("write '{key}' in quotes, so that it is read as text", key=key), path=path, line=line)
        if not isinstance(value, str):
            raise InputError(t("the reading of '{key}' must be a text, not '{value}'", key=key, value=value),
                             path=path, line=line)
        entries[key.strip()] = value.strip()
    return entries
