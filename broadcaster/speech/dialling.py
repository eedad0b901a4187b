"""Numbers to dial or to copy, read digit by digit in the groups people say them, and the words that ask for them."""

from __future__ import annotations

import re

from broadcaster.speech.numbers import read_digits
from broadcaster.speech.vocabulary import COUNTED, DIAL_CONTEXT

# The context word may be followed by other numbers of a list: "gọi 113, 114 hoặc 115".
DIAL_BEFORE = re.compile(r"(?<!\w)(?:" + "|".join(DIAL_CONTEXT) + r")(?:\s+(?:là|số))*\s*:?\s*"
                         r"(?:[\d .+]{3,}?\s*(?:,|hoặc|và|/)\s*)*$")
# A number to dial or copy before a dash, "0262.3952.368 - 0914...", "6001234567-001": the dash is a pause.
DIALLED_BEFORE = re.compile(r"(?<![\d.,])(?:0[\d .]{8,}|\d{9,})\d\s*$")
# A telephone number: "+84 ...", "0" and 9 to 11 digits, "(0262) 3 852 115", "1900 1234", "1800.1090".
PHONE = (r"(?:\(?\+\d{1,3}\)?(?:[ .-]?\d){7,12}|0(?:[ .-]?\d){8,10}|\(0\d{2,3}\)\s?\d(?:[ .-]?\d){5,7}"
         r"|1[89]00[ .-]?\d{3,4}(?:[ .-]?\d{2,4})?)(?!\w|[.,]\d)")


def to_dial(text: str, position: int) -> bool:
    """Whether the words before ``position`` ask for a number to dial or to copy ('gọi', 'mã số thuế')."""
    return bool(DIAL_BEFORE.search(text[max(0, position - 40):position].lower()))


def counts(text: str, position: int) -> bool:
    """Whether the word after ``position`` counts something ('125 hộ'): the number is a quantity."""
    found = re.match(r"\s+([^\W\d_]+)", text[position:position + 20])
    return bool(found) and found.group(1).lower() in COUNTED


def group_digits(digits: str) -> list[str]:
    """An unbroken number to dial in the groups people say: 4-3-3 (mobile), 4-4-3 (landline), 4-4 (1900)."""
    n = len(digits)
    sizes = {8: (4, 4), 10: (4, 3, 3), 11: (4, 4, 3)}.get(n) or (3,) * (n // 3) + ((n % 3,) if n % 3 else ())
    groups, start = [], 0
    for size in sizes:
        groups.append(digits[start:start + size])
        start += size
    if len(groups) > 1 and len(groups[-1]) == 1:  # '1234567' is 'một hai ba, bốn năm sáu bảy'
        groups[-2:] = [groups[-2] + groups[-1]]
    return groups


def telephone(number: str) -> str:
    """Digit by digit, a pause between the groups it is written in; '+' is 'cộng'; a lone leading '0' is
    said with the group after it ('0 24 24 24 24': 'không hai bốn, hai bốn, ...')."""
    if number.startswith("(+"):  # "(+84) 262 ...": the country code in brackets
        number = "+" + number[2:].replace(")", " ", 1)
    groups = [g for g in re.split(r"[ .()-]", number.lstrip("+")) if g]
    if len(groups) > 1 and groups[0] == "0":
        groups[:2] = [groups[0] + groups[1]]
    if number.startswith("+") and len(groups) == 1:
        groups = [groups[0][:2], *group_digits(groups[0][2:])]  # '+84912345678': the country, then the rest
    else:  # a group too long to say in one breath, "(0262) 3852115": in the groups people say
        groups = [part for group in groups for part in (group_digits(group) if len(group) > 5 else [group])]
    return ("cộng " if number.startswith("+") else "") + ", ".join(read_digits(g) for g in groups)
