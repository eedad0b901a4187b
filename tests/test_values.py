"""Dates as people write them in schedules and announcement headers: one reading, one message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from broadcaster.errors import InputError
from broadcaster.values import parse_date


@pytest.mark.parametrize("value", ["2026-12-31", " 2026-12-31 ", "31/12/2026", dt.date(2026, 12, 31),
                                   dt.datetime(2026, 12, 31, 5, 30)])
def test_a_date(value):
    assert parse_date(value, Path("lich.yaml"), 4, "date") == dt.date(2026, 12, 31)


def test_a_day_written_day_first_as_in_vietnam():
    assert parse_date("4/12/2026", None, None, "date") == dt.date(2026, 12, 4)
    assert parse_date("04/02/2026", None, None, "date") == dt.date(2026, 2, 4)


@pytest.mark.parametrize("value,shown", [
    ("2026-02-30", "2026-02-30"), ("31/02/2026", "31/02/2026"), ("12/31/2026", "12/31/2026"), ("31/12/26", "31/12/26"),
    ("20261231", "20261231"),
    ("2026-W53-4", "2026-W53-4"), ("2026-1-5", "2026-1-5"), (20261231, "20261231"), (None, ""),
])
def test_not_a_date_names_file_line_key_value_and_the_form(value, shown):
    with pytest.raises(InputError) as err:
        parse_date(value, Path("lich.yaml"), 7, "until")
    assert str(err.value) == (f"lich.yaml:7: until '{shown}' is not a date; expected YYYY-MM-DD or DD/MM/YYYY such "
                              "as 2026-12-31 or 31/12/2026")
