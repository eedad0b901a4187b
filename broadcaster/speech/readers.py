"""The rules of the text normaliser: a pattern for what is written and a function that says it.

Each reader gets the match of its own rule and the whole text, for the words before the match: the
context words listed in vocabulary.py decide what an ambiguous token is (a date or a fraction, a
quantity or a number to dial). The README lists these rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from broadcaster.speech.dialling import DIALLED_BEFORE, PHONE, counts, telephone, to_dial
from broadcaster.speech.numbers import (
    DECIMAL_COMMA, read_day, read_decimal, read_digits, read_month, read_number, read_ordinal,
)
from broadcaster.speech.vocabulary import (
    ADDRESS_WORDS, CALL_CONTEXT, DATE_CONTEXT, DAY_DASH_CONTEXT, DOMAIN_ENDINGS, HOLIDAY,
    LETTER_NAMES, PER, ROADS, ROMAN_CONTEXT, SYMBOLS, TERMS, TIME_OF_DAY, UNITS, WEIGHT_BEFORE,
)

ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
ROMAN = re.compile(r"^C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
# The shape of a Vietnamese syllable without its marks: an all-capital word of another shape is an
# acronym, spelled letter by letter ("KGVX"), while "THÔNG BÁO" is read as words.
SYLLABLE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|kr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}"
                      r"(ch|ng|nh|[cmnptk])?$")
WORD_BEFORE = re.compile(r"([^\W\d_]+|[-–])\s*$")
HALF_DAY = {"am": "ây em", "pm": "pi em"}
# Words after which "20g" is a time, not grams.
HOUR_BEFORE = {"lúc", "vào", "từ", "đến", "tới", "trước", "sau"}
# Words after which "2h30" is a duration, said with "phút": "kéo dài 2h30", "trong 1h15".
DURATION_BEFORE = {"dài", "trong", "mất", "suốt"}
# Words after which "24g" is hours too ("24g qua", "7g đến 11g").
HOUR_AFTER = {"qua", "đến", "tới", "hằng", "hàng", "mỗi", "liên"}
# "các ngày 25, 26/11": a list of days before the last one and its month.
DAY_LIST_BEFORE = re.compile(r"(?:ngày|mồng|mùng)\s+\d{1,2}(?:\s*,\s*\d{1,2})*\s*,\s*$")
# A day of the week, just before a date: "thứ Hai 8/12", "Chủ nhật, 7/12", "T7 (6/12)".
WEEKDAY_BEFORE = re.compile(r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|cn|t[2-7])\s*[,(]?\s*$")
# Words before the number of a house or a lane: "số 12/5 Lê Lợi", "hẻm 45/12" are addresses, not dates.
HOUSE_WORDS = {"số", "nhà", "hẻm", "ngõ", "ngách", "kiệt", "lô", "phòng"}
# "số nhà 101-102A", "nhà số 12-14": the dash joins the numbers of one house.
HOUSE_NUMBER_BEFORE = re.compile(r"(?:số nhà|nhà số)\s*$|(?:số nhà|nhà số)\s+\d+[a-z]?\s*$")
# After a clock time ("9h", "10h30", "9h2p") a dash and another time is a range: "đến".
TIME_OR_NUMBER_BEFORE = re.compile(r"\d(?:[hHgpms'%]|ph)?\d{0,2}[ps]?\s*$")


def alternatives(words) -> str:
    """A regular expression matching any of ``words``, the longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _word_before(text: str, position: int) -> str:
    """The word (or dash) just before ``position``, lower-cased; '' when there is none."""
    found = WORD_BEFORE.search(text, max(0, position - 40), position)
    return found.group(1).lower() if found else ""


def spell(letters: str) -> str:
    """Letters and digits as spelled aloud: 'TTg' 'tê tê gờ', 'QH15' 'quy hát mười lăm'."""
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
    """'ngày mồng một tháng bảy năm ...'; 'ngày' is not said after 'ngày', 'mồng' or a time of day
    ('sáng mồng tám tháng ba') or a holiday ('Quốc khánh mồng hai tháng chín'), nor 'mồng' after 'mồng' or 'mùng'."""
    words = [] if before in ("ngày", "mồng", "mùng") or before in TIME_OF_DAY or before in HOLIDAY else ["ngày"]
    words.append(read_number(day) if before in ("mồng", "mùng") else read_day(day))
    words += ["tháng", read_month(month)]
    if year:
        words += ["năm", read_number(int(year))]
    return " ".join(words)


def _before_date(text: str, position: int) -> str:
    """The word before a date; 'ngày' for the last of a list of days ("các ngày 25, 26/11": said once)."""
    if DAY_LIST_BEFORE.search(text, max(0, position - 40), position):
        return "ngày"
    return _word_before(text, position)


def _is_date(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


# Each reader gets the match of its own rule and the whole text (for the words before the match).

def _read_term(m: re.Match, text: str) -> str:
    written = m.group(0)
    spoken = next(said for pattern, said in TERMS if re.fullmatch(pattern, written, re.IGNORECASE))
    # "Vắc-xin" opens a sentence and keeps its capital; "F0" is all capitals and is not a name.
    return spoken[0].upper() + spoken[1:] if written[0].isupper() and not written.isupper() else spoken


def _read_web(m: re.Match, text: str) -> str:
    """The host of a web address, 'chấm' for its dots; a path cannot be typed from a loudspeaker."""
    return _host(m.group(1))


def _host(host: str) -> str:
    """A host name, 'chấm' for its dots."""
    return " chấm ".join(_label(part) for part in host.split("."))


def _label(part: str) -> str:
    """A label of a host: a domain ending as people say it ("vn" "vi en", "org" "o rờ gờ"); one without a
    vowel is spelled ("vtv" "vê tê vê"); digits are read one by one ("vtv24" "vê tê vê hai bốn")."""
    if part.lower() in DOMAIN_ENDINGS:
        return DOMAIN_ENDINGS[part.lower()]
    if not re.search(r"[aeiouy]", part, re.IGNORECASE):
        return " ".join(read_digits(run) if run.isdigit() else spell(run) for run in re.findall(r"\d+|\D+", part))
    return re.sub(r"\d+", lambda digits: f" {read_digits(digits.group())} ", part).strip()


def _read_call(m: re.Match, text: str) -> str:
    return f"{m.group(1)} {telephone(m.group(2))}"


def _read_phone(m: re.Match, text: str) -> str:
    return telephone(m.group(0))


def _read_address(m: re.Match, text: str) -> str:
    """'q.', 'p.', 'tx.' ... before a place's name or number: 'quận', 'phường', 'thị xã'."""
    after = text[m.end():m.end() + 1]
    if after.isalpha() and not after.isupper():
        return m.group(0)  # "x. bà con": not an address
    return ADDRESS_WORDS[m.group(1).lower()]


def _read_roman_after(m: re.Match, text: str) -> str:
    """'khóa XV' 'khóa mười lăm', 'lần thứ IV' 'lần thứ tư', 'quý I/2025', a list 'quý III và IV'."""
    parts = re.split(r"(\s*(?:,|và|hoặc|đến|-)\s*)", m.group(2))
    values = [roman_value(part) for part in parts[::2]]
    if values[0] is None:
        return m.group(0)
    ordinal = m.group(1).lower() == "thứ"
    words = [part if v is None else read_ordinal(v) if ordinal else read_number(v)
             for part, v in zip(parts[::2], values)]
    joints = [" đến " if joint.strip() == "-" else joint for joint in parts[1::2]]
    spoken = m.group(1) + " " + "".join(w + j for w, j in zip(words, [*joints, ""]))
    return spoken + (f" năm {read_number(int(m.group(3)))}" if m.group(3) else "")  # "quý I/2025"


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


def _read_month_range(m: re.Match, text: str) -> str:
    """'từ 01-12/2025': 'từ tháng một đến tháng mười hai năm ...'."""
    first, last, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= first <= 12 and 1 <= last <= 12):
        return f"{read_number(first)} đến {read_number(last)} trên {read_number(year)}"
    prefix = "" if _word_before(text, m.start()) == "tháng" else "tháng "
    return f"{prefix}{read_month(first)} đến tháng {read_month(last)} năm {read_number(year)}"


def _read_day_range(m: re.Match, text: str) -> str:
    first, last, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    if not (_is_date(first, month) and _is_date(last, month)):
        return " ".join([read_number(first), "đến", read_number(last), "trên", read_number(month)]
                        + (["trên", read_number(int(year))] if year else []))
    before = _word_before(text, m.start())
    start = [] if before in ("ngày", "mồng", "mùng") else ["ngày"]
    start.append(read_number(first) if before in ("mồng", "mùng") else read_day(first))
    return " ".join([*start, "đến", _date(last, month, year, "ngày")])


def _read_full_date(m: re.Match, text: str) -> str:
    day, month, year = int(m.group(1)), int(m.group(3) or m.group(4)), m.group(5)
    if not _is_date(day, month):
        return " trên ".join(read_number(n) for n in (day, month, int(year)))
    return _date(day, month, year, _before_date(text, m.start()))


def _read_month_year(m: re.Match, text: str) -> str:
    month, year = int(m.group(1)), int(m.group(2))
    if _word_before(text, m.start()) == "quý" and 1 <= month <= 4:
        return f"{read_number(month)} năm {read_number(year)}"  # "quý 4/2025": a quarter, not April
    if not 1 <= month <= 12:
        return f"{read_number(month)} trên {read_number(year)}"
    prefix = "" if _word_before(text, m.start()) == "tháng" else "tháng "
    return f"{prefix}{read_month(month)} năm {read_number(year)}"


def _read_day_dash(m: re.Match, text: str) -> str:
    """'đêm 29-12' after a word of time is a date; otherwise the dash rule reads it ('3-5 người')."""
    day, month = int(m.group(1)), int(m.group(2))
    if HOUSE_NUMBER_BEFORE.search(text[max(0, m.start() - 20):m.start()].lower()):
        return f"{read_number(day)}, {read_number(month)}"  # "nhà số 12-14"
    before = _word_before(text, m.start())
    if before in DAY_DASH_CONTEXT and _is_date(day, month):
        return _date(day, month, None, before)
    return f"{read_number(day)} đến {read_number(month)}"


def _read_slash(m: re.Match, text: str) -> str:
    """A date after 'ngày', 'và', 'đến'...; otherwise a fraction (1/2 'một phần hai') or a ratio ('trên')."""
    a, b = int(m.group(1)), int(m.group(2))
    if m.group(3):
        return f"{read_number(a)} trên {read_number(b)} giờ"  # "trực 24/24h"
    before = _before_date(text, m.start())
    if WEEKDAY_BEFORE.search(text[max(0, m.start() - 20):m.start()].lower()) and _is_date(a, b):
        return _date(a, b, None, "")  # "thứ Hai 8/12", "Thứ Tư (03/12)": "ngày mồng tám tháng mười hai"
    if before in DATE_CONTEXT and _is_date(a, b):
        return _date(a, b, None, before)
    if before in HOUSE_WORDS:
        return f"{read_number(a)} trên {read_number(b)}"  # "hẻm 45/12", "số 12/5 Lê Lợi": an address
    if _is_date(a, b) and a > b and (a, b) != (24, 7):
        # More than the whole is no share: "Ngày Nhà giáo Việt Nam 20/11" is a date ("24/7", round the clock,
        # is not).
        return _date(a, b, None, "")
    if 0 < a < b <= 10:
        return f"{read_number(a)} phần {read_month(b)}"
    return f"{read_number(a)} trên {read_number(b)}"


def _read_time(m: re.Match, text: str) -> str:
    """'9h2m2s', '21g26p', '12h24p30s', '01:20:30': hours, minutes and seconds in words."""
    hour, minute, second = (int(m.group(i) or 0) for i in (1, 2, 4))
    minute, second = minute or int(m.group(5) or 0), second or int(m.group(6) or 0)
    if hour > 24 or minute > 59 or second > 59:
        return " ".join(read_number(int(m.group(i))) for i in (1, 2, 4, 5, 6) if m.group(i))
    words = [read_number(hour), "giờ"]
    if minute or second:
        # "phút" is said when it is written ("9h20p"), when seconds follow, and after fewer than ten minutes
        # ("10h05": a lone "năm" after "giờ" is unclear); "10h30", "9:45" are "mười giờ ba mươi", as said.
        # A duration keeps "phút" too ("kéo dài 2h30").
        said = m.group("minutes") or second or minute < 10 or _word_before(text, m.start()) in DURATION_BEFORE
        words += [read_number(minute)] + (["phút"] if said else [])
    if second:
        words += [read_number(second), "giây"]
    if m.group("half"):
        words.append(HALF_DAY[m.group("half").lower()])  # "10h30am": said the English way
    return " ".join(words)


def _read_fraction(fraction: str, grouped: bool) -> str:
    """Decimals of an exact figure ('1.234,56') or of more than two digits, digit by digit."""
    return read_digits(fraction) if grouped or len(fraction) > 2 else ""


def _read_number(m: re.Match, text: str) -> str:
    written, unit = m.group("figure"), m.group("unit")
    sign = "âm " if written[0] in "-−" else ""
    written = written.lstrip("-−")
    # Two separators: the last one is the decimal mark ("1.234,56", "1,123.56"); several commas and no
    # point are English thousands ("1,234,567"); otherwise a comma is the decimal mark, as Vietnamese
    # writes it, and a point between groups of three marks thousands.
    if "," in written and ("." in written or written.count(",") > 1):
        mark = max(written.rfind(","), written.rfind("."))
        if written.count(",") > 1 and "." not in written:
            mark = len(written)
        whole, fraction = re.sub(r"[.,]", "", written[:mark]), written[mark + 1:]
        grouped = True
    elif "," in written:
        whole, fraction = written.split(",")
        grouped = False
    elif re.fullmatch(r"\d{1,2}\.[0-5]\d", written) and not unit and int(written[:-3]) <= 24 and \
            _word_before(text, m.start()) in HOUR_BEFORE:
        minute = int(written[-2:])  # "lúc 7.30": a time, "phút" said as by the clock rule
        return f"{read_number(int(written[:-3]))} giờ {read_number(minute)}" + (" phút" if minute < 10 else "")
    elif re.fullmatch(r"\d+\.\d{1,2}", written):
        whole, fraction = written.split(".")
        grouped = False
    else:
        whole, fraction, grouped = written.replace(".", ""), "", "." in written
    if fraction:
        digits = _read_fraction(fraction, grouped)
        spoken = (f"{read_number(int(whole))} {DECIMAL_COMMA} {digits}" if digits
                  else read_decimal(whole, fraction, DECIMAL_COMMA))
    elif grouped:
        spoken = read_number(int(whole))
    elif not unit and not sign and len(whole) >= 3 and to_dial(text, m.start()) and not counts(text, m.end()):
        spoken = telephone(whole)  # "gọi 115", "mã số thuế 0101234567", "mã bưu chính 700000"
    elif (whole.startswith("0") and len(whole) > 2) or len(whole) > 15:
        spoken = read_digits(whole)  # a code or an account number, not a quantity: '001', '012345678901'
    else:
        n = int(whole)
        before = _word_before(text, m.start())
        if before == "giờ" and whole == "00" and not unit:
            return ""  # "15 giờ 00": the hour alone
        if sign:
            spoken = read_number(n)
        elif 1 <= n <= 31 and (before == "ngày" or DAY_LIST_BEFORE.search(text, max(0, m.start() - 40), m.start())
                               and re.match(r"\s*(?:,|và|hoặc)\s*\d", text[m.end():m.end() + 8])):
            spoken = read_day(n)  # "ngày 8, 9 và 10/12": each a day
        elif before == "tháng" and 1 <= n <= 12:
            spoken = read_month(n)
        elif before == "thứ":
            spoken = read_ordinal(n)
        else:
            spoken = read_number(n)  # leading zeros are not said: '07 ca' is 'bảy ca'
    if unit == "g" and not fraction and not sign and int(whole) <= 24 and _hours(m, text):
        return f"{spoken} giờ"
    return sign + (f"{spoken} {UNITS[unit]}" if unit else spoken)


def _hours(m: re.Match, text: str) -> bool:
    """Whether 'g' after a number is "giờ": after a word of time ("lúc 20g"), before a time of day or a range
    ("7g sáng", "24g qua", "7g-11g"), and a whole day ending its clause ("trực 24g."); a gram elsewhere
    ("20g muối", "muối 20g.", "20g/ngày"), and after a word of weight ("nặng 24g")."""
    before = _word_before(text, m.start())
    if before in HOUR_BEFORE or re.search(r"\dg\s*[-–]\s*$", text[max(0, m.start() - 8):m.start()]):
        return True  # "lúc 20g", the end of "7g-11g"
    after = re.match(r"\s*([^\W\d_]+|[-–]\s*\d|[/\w])?", text[m.end():m.end() + 20]).group(1)
    if after is None:
        return m.group("figure") == "24" and before not in WEIGHT_BEFORE
    return after.lower() in TIME_OF_DAY or after.lower() in HOUR_AFTER or after[0] in "-–"


def _read_abbreviation(m: re.Match, text: str) -> str:
    """A short word with a dot that no rule knows ('Cty.', 'Tr.'): left as written (explain flags it)."""
    return m.group(0)


def _read_score(m: re.Match, text: str) -> str:
    """'tỷ số 2 - 1', 'đội hình 4-2-3-1': the numbers one after the other, no 'đến'."""
    return f"{m.group(1)} " + " ".join(read_number(int(n)) for n in re.findall(r"\d+", m.group(2)))


def _read_email(m: re.Match, text: str) -> str:
    """'abc@gmail.com': the name as written (its digits one by one), 'a còng', the host as a web address."""
    name = re.sub(r"\d+", lambda digits: f" {read_digits(digits.group())} ", m.group(1)).strip()
    return f"{name} a còng {_host(m.group(2))}"


def _read_acronym(m: re.Match, text: str) -> str:
    word = m.group(0)
    return spell(word) if word.isupper() and not is_syllable(word) else word


def _read_dash(m: re.Match, text: str) -> str:
    start, end = m.start(), m.end()
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip():
        return ""  # a bullet at the start of a line
    after = text[end:].lstrip()[:1]
    if HOUSE_NUMBER_BEFORE.search(text[max(0, start - 20):start].lower()) or DIALLED_BEFORE.search(
            text, max(0, start - 20), start):
        return ", "  # "số nhà 101-102A": one house of two numbers, not a range; two numbers to call
    if after.isdigit() and TIME_OR_NUMBER_BEFORE.search(text, max(0, start - 12), start):
        return " đến "  # 2021 - 2025, 07/12 - 18/12, 9h - 10h
    if m.group(0) != "-" or text[start - 1:start].isspace() or text[end:end + 1].isspace():
        return ", "  # "kinh tế - xã hội": a short pause
    return " "  # a hyphen inside a name


def _read_per(m: re.Match, text: str) -> str:
    """'đồng/người/ngày': 'đồng trên người trên ngày'; the heading of a form 'ngày/tháng/năm' keeps a pause."""
    if _word_before(text, m.start()) in ("ngày", "tháng"):
        return f", {m.group(1)}"
    per = m.group(1)
    if per[0].isdigit():
        return f" trên {read_number(int(per[:-1]))} giờ"  # "mm/24h"
    return f" trên {UNITS.get(per, per)}"


def _read_road(m: re.Match, text: str) -> str:
    """'QL14' 'quốc lộ mười bốn', 'ĐT 741' 'đường tỉnh bảy trăm bốn mươi mốt', 'QL1A' 'quốc lộ một A'."""
    return f"{ROADS[m.group(1)]} {read_number(int(m.group(2)))}" + (f" {m.group(3)}" if m.group(3) else "")


def _read_plate(m: re.Match, text: str) -> str:
    """A vehicle's number plate, '47A-123.45': the province, the series spelled, the number digit by digit."""
    series = " ".join(read_digits(run) if run.isdigit() else spell(run) for run in re.findall(r"\d+|\D+", m.group(2)))
    return f"{read_number(int(m.group(1)))} {series}, " + ", ".join(read_digits(g) for g in re.split(r"\.", m.group(3)))


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


# A figure: Vietnamese ("1.234,56", "2,5"), English ("1,234,567", "2,342.08"), a point decimal ("40.1"),
# and a minus sign when nothing stands before it ("-1.234,56", "-5°C").
_FIGURE = (r"(?P<figure>(?:(?<![\w.,)\-–])[-−](?=\d))?(?:\d{1,3}(?:,\d{3})+\.\d+|\d{1,3}(?:,\d{3}){2,}(?![\d.])"
           r"|(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+|\.\d{1,2}(?![\d.]))?))")
# A clock time: "9h", "7h30", "7 h 30", "9h2m2s", "21g26p", "12h24p30s", "7:00", "01:20:30".
_CLOCK = (r"(\d{1,2})(?:(?:[hH]|g(?=\d)|\s(?:[hH](?=\s?\d)|h(?![^\W\d_])))"
          r"(?:\s?(\d{1,2})(?P<minutes>ph|[pm'])?(?:(\d{1,2})s)?)?|:(\d{2})(?::(\d{2}))?)")
RULES = (
    Rule("email", r"(?<![\w.])([\w.+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)", _read_email),
    Rule("web", r"<?(?:https?://)?((?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:vn|com|net|org|info))(?![\w.])"
         r"(?:/[^\s<>]*)?>?", _read_web),
    Rule("term", _term_pattern(), _read_term),
    Rule("call", r"(?i:((?:" + "|".join(CALL_CONTEXT) + r")(?:\s+(?:đến|tới))?(?:\s+số)?:?))\s+(\+?\d(?:[ .]?\d){2,})",
         _read_call),
    Rule("address", r"(?<![\w.])(?i:(" + alternatives(ADDRESS_WORDS) + r"))\s?\.\s*(?=[^\W_])", _read_address),
    Rule("roman_after", r"(?<!\w)(?i:(" + "|".join(ROMAN_CONTEXT) + r"))\s+([IVXLC]+(?:\s*(?:,|và|hoặc|đến|-)\s*"
         r"[IVX]+)*)(?:/(\d{4}))?(?!\w)",
         _read_roman_after),
    Rule("roman_heading", r"(?<![^\n])\s*([IVX]{1,4})(?=[.)\-–]\s)", _read_roman_heading),
    # A document number: "68/NQ-CP", "117/2020/NĐ-CP", "02-NQ/TU", "30/2021/QH15".
    Rule("code", r"(?<![\w/])\d+(?:/\d+)?[/-][A-ZĐ][\wĐđ]*(?:[/-][A-ZĐ][\wĐđ]*)*", _read_code),
    Rule("score", r"(?i:(tỷ số|tỉ số|đội hình|sơ đồ))\s+(\d+(?:\s*[-–]\s*\d+)+)(?![\w/])", _read_score),
    # "ĐT" before a telephone number is "điện thoại"; before a road's number, "đường tỉnh".
    Rule("phone_label", r"(?<!\w)ĐT(?=\s*:?\s*[0(+])", lambda m, text: "điện thoại"),
    # "T7, 6/12", "CN (7/12)": a day of the week before a date.
    Rule("weekday", r"(?<!\w)(?:T([2-7])|CN)(?=\s*[,(]?\s*\d{1,2}/\d{1,2}(?!\d))",
         lambda m, text: f"thứ {read_ordinal(int(m.group(1)))}" if m.group(1) else "Chủ nhật"),
    Rule("road", r"(?<!\w)(" + alternatives(ROADS) + r")\.?\s?([1-9]\d{0,3})([A-Z])?(?!\w)", _read_road),
    Rule("minute_mark", r"(?<=giờ\s)(\d{1,2})['′](?!\w)", lambda m, text: f"{read_number(int(m.group(1)))} phút"),
    Rule("height", r"(?<![\w.,])(\d)m(\d{2})(?!\w)",
         lambda m, text: f"{read_number(int(m.group(1)))} mét {read_number(int(m.group(2)))}"),  # "cao 1m70"
    Rule("plate", r"(?<![\w.])(\d{2})([A-Z]{1,2}\d?)-(\d{3}\.\d{2}|\d{4,5})(?![\w.])", _read_plate),
    Rule("phone", r"(?<![\w.,+])" + PHONE, _read_phone),
    Rule("month_range", r"(?<![\w/])(\d{1,2})\s*[-–]\s*(\d{1,2})/(\d{4})(?![\d/])", _read_month_range),
    Rule("day_range", r"(?<![\w/])(\d{1,2})\s*[-–]\s*(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])", _read_day_range),
    Rule("full_date", r"(?<![\w/.])(\d{1,2})(?:(?P<sep>[/.-])(\d{1,2})(?P=sep)|\s[-–]\s(\d{1,2})\s[-–]\s)"
         r"(\d{4})(?![\d/])",
         _read_full_date),
    Rule("month_year", r"(?<![\w/])(\d{1,2})/(\d{4})(?![\d/])", _read_month_year),
    Rule("slash", r"(?<![\w/])(\d+)/(\d+)(?:(h)(?!\w))?(?![\d/])", _read_slash),
    Rule("time", r"(?<![\w:.,/])" + _CLOCK + r"(?:\s?(?P<half>[ap]m|[AP]M))?(?![\w:]|[.,]\d)", _read_time),
    # Not before a unit: "15-20 km" is a range of quantities, its unit read with the second.
    Rule("day_dash", r"(?<![\w/.-])(\d{1,2})-(\d{1,2})(?![\w/.-]|\s(?:" + alternatives(UNITS) + r")(?!\w))",
         _read_day_dash),
    Rule("number", _FIGURE + r"(?:\s?(?P<unit>" + alternatives(UNITS) + r")(?!\w))?", _read_number),
    # A word of a few letters, not all capitals, before a dot and a letter: an abbreviation no rule knows.
    Rule("abbreviation", r"(?<![\w.])(?=[^\W\d_]{0,4}[a-zà-ỹđ])[^\W\d_]{1,5}\.(?=[ \t]?[^\W\d_])",
         _read_abbreviation),
    # Capitals and numbers in turn, a virus's subtype: "H5N1" "hát năm nờ một", "A/H1N1" "a hát một nờ một".
    Rule("subtype", r"(?<!\w)(?:[A-Z]/)?[A-Z]\d{1,2}[A-Z]\d{1,2}(?!\w)", lambda m, text: spell(m.group(0))),
    Rule("acronym", r"(?<!\w)[^\W\d_]{2,}(?!\w)", _read_acronym),
    Rule("dash", r"[-–—]", _read_dash),
    # After a unit ("m3/ngày", "%/tháng", "mm/24h"): "trên".
    Rule("per", r"(?<=[^\W_]|%)/(" + alternatives({unit for unit in PER if unit[0] not in "%°"}) + r"|\d{1,2}h)(?!\w)",
         _read_per),
    Rule("symbol", alternatives(SYMBOLS), _read_symbol),
)
