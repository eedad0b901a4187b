"""Words from stations' files and logs cannot become formulas in a report opened in Excel."""

import pytest

from broadcaster.reports import records_table_csv
from broadcaster.spreadsheet import cell


@pytest.mark.parametrize("value, written", [
    ("=HYPERLINK(\"http://evil.example\",\"bam\")", "'=HYPERLINK(\"http://evil.example\",\"bam\")"),
    ("=2+5+cmd|' /C calc'!A0", "'=2+5+cmd|' /C calc'!A0"),
    ("@SUM(1)", "'@SUM(1)"),
    ("+84 262 3852 123", "'+84 262 3852 123"),
    ("\t=1", "'\t=1"),
    ("- Thông báo", "'- Thông báo"),
    ("-3", "-3"), ("2,5", "2,5"), ("90%", "90%"), ("+1.5", "+1.5"),
    ("Lịch tiêm vắc-xin", "Lịch tiêm vắc-xin"), (12, 12), (None, None),
])
def test_a_would_be_formula_is_written_as_text_and_numbers_stay_numbers(value, written):
    assert cell(value) == written


def test_the_records_download_makes_a_logged_formula_inert():
    text = records_table_csv([{"seq": 1, "title": "=1+1", "topic": "@SUM(A1)", "duration_s": -0.5}])
    row = text.splitlines()[1]
    assert "'=1+1" in row and "'@SUM(A1)" in row and ",-0.5," in row
