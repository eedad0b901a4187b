"""Vietnamese number reading: mốt, tư, lăm, linh, mươi, nghìn, triệu, tỷ."""

from __future__ import annotations

import pytest

from broadcaster.speech.numbers import read_day, read_decimal, read_digits, read_month, read_number, read_ordinal


@pytest.mark.parametrize("n, spoken", [
    (0, "không"), (1, "một"), (5, "năm"), (10, "mười"), (11, "mười một"), (14, "mười bốn"), (15, "mười lăm"),
    (20, "hai mươi"), (21, "hai mươi mốt"), (24, "hai mươi tư"), (25, "hai mươi lăm"), (35, "ba mươi lăm"),
    (99, "chín mươi chín"), (100, "một trăm"), (101, "một trăm linh một"), (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"), (110, "một trăm mười"), (115, "một trăm mười lăm"), (121, "một trăm hai mươi mốt"),
    (1000, "một nghìn"), (1005, "một nghìn không trăm linh năm"), (1050, "một nghìn không trăm năm mươi"),
    (1500, "một nghìn năm trăm"), (2021, "hai nghìn không trăm hai mươi mốt"), (15000, "mười lăm nghìn"),
    (100000, "một trăm nghìn"), (1000000, "một triệu"), (1000500, "một triệu năm trăm"),
    (2500000, "hai triệu năm trăm nghìn"), (1000000000, "một tỷ"), (1000000005, "một tỷ không trăm linh năm"),
    (1200000000000, "một nghìn hai trăm tỷ"),
])
def test_read_number(n, spoken):
    assert read_number(n) == spoken


def test_digits_decimals_ordinals_days_and_months():
    assert read_digits("0262") == "không hai sáu hai"
    assert read_decimal("2", "5") == "hai phẩy năm"
    assert read_decimal("0", "05") == "không phẩy không năm"
    assert read_decimal("1", "25", "chấm") == "một chấm hai mươi lăm"
    assert [read_ordinal(n) for n in (1, 2, 4, 10)] == ["nhất", "hai", "tư", "mười"]
    assert [read_day(n) for n in (1, 10, 11, 27)] == ["mồng một", "mồng mười", "mười một", "hai mươi bảy"]
    assert [read_month(n) for n in (1, 4, 12)] == ["một", "tư", "mười hai"]
