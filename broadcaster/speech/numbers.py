"""Numbers read the way a Vietnamese announcer reads them: mốt, tư, lăm, linh, mươi, nghìn, triệu, tỷ."""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu")  # groups of three digits, up to a billion
BILLION, BILLION_VALUE = "tỷ", 10 ** 9
HUNDRED, TEN, TENS = "trăm", "mười", "mươi"
# After "mươi" (21, 31, ...) one is "mốt" and four is "tư"; after "mười" or "mươi" five is "lăm".
UNIT_AFTER_TENS = {1: "mốt", 4: "tư", 5: "lăm"}
UNIT_AFTER_TEN = {5: "lăm"}
# "linh" (Northern, as national radio says it) marks a missing tens digit: 105 is "một trăm linh năm".
ZERO_TENS = "linh"
DECIMAL_COMMA = "phẩy"  # the decimal mark is said "phẩy", whether written "," or "."
ORDINALS = {1: "nhất", 4: "tư"}
MONTHS = {4: "tư"}
SMALL_DAY = "mồng"  # days 1 to 10 of a month: "mồng một", "mồng mười"


def _below_hundred(n: int, after_hundreds: bool) -> list[str]:
    tens, units = divmod(n, 10)
    if tens == 0:
        if units == 0:
            return []
        return [ZERO_TENS, DIGITS[units]] if after_hundreds else [DIGITS[units]]
    if tens == 1:
        words = [TEN]
        if units:
            words.append(UNIT_AFTER_TEN.get(units, DIGITS[units]))
        return words
    words = [DIGITS[tens], TENS]
    if units:
        words.append(UNIT_AFTER_TENS.get(units, DIGITS[units]))
    return words


def _group(n: int, leading: bool) -> list[str]:
    """Three digits; a group after a larger one says its hundreds even when zero (2021: 'không trăm')."""
    hundreds, rest = divmod(n, 100)
    if leading and hundreds == 0:
        return _below_hundred(rest, False)
    return [DIGITS[hundreds], HUNDRED, *_below_hundred(rest, True)]


def _words(n: int, leading: bool) -> list[str]:
    if n >= BILLION_VALUE:
        # 1.200 tỷ is 'một nghìn hai trăm tỷ': what stands before 'tỷ' is read as a number of its own.
        high, low = divmod(n, BILLION_VALUE)
        return _words(high, leading) + [BILLION] + (_words(low, False) if low else [])
    words: list[str] = []
    for index in range(len(SCALES) - 1, -1, -1):
        group = n // 1000 ** index % 1000
        if group:
            words += _group(group, leading=leading and not words) + ([SCALES[index]] if SCALES[index] else [])
    return words


def read_number(n: int) -> str:
    """A whole number in words: 21 'hai mươi mốt', 105 'một trăm linh năm', 1500 'một nghìn năm trăm'."""
    return " ".join(_words(n, True)) if n else DIGITS[0]


def read_digits(digits: str) -> str:
    """Digit by digit, as a telephone number is read: '115' 'một một năm'."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())


def read_decimal(whole: str, fraction: str, point: str = DECIMAL_COMMA) -> str:
    """'2,5' 'hai phẩy năm'; the zeros that open the fraction are read: '0,05' 'không phẩy không năm'."""
    zeros = len(fraction) - len(fraction.lstrip("0"))
    rest = fraction[zeros:]
    words = [read_number(int(whole)), point] + [DIGITS[0]] * zeros
    if rest:
        words.append(read_number(int(rest)))
    return " ".join(words)


def read_ordinal(n: int) -> str:
    """The word after 'thứ': 1 'nhất', 4 'tư', otherwise the number."""
    return ORDINALS.get(n) or read_number(n)


def read_day(n: int) -> str:
    """A day of the month: 1 to 10 take 'mồng' ('mồng một'); 'hai mươi bảy'."""
    return f"{SMALL_DAY} {read_number(n)}" if 1 <= n <= 10 else read_number(n)


def read_month(n: int) -> str:
    """A month's number after 'tháng': 4 is 'tư', 12 'mười hai'."""
    return MONTHS.get(n) or read_number(n)
