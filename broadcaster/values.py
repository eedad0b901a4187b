"""Values that people write in files (schedules, announcement headers), read and checked one way
everywhere, with messages that name the key, the value and the form expected."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from broadcaster.errors import InputError
from broadcaster.messages import t

# Exactly YYYY-MM-DD: Python 3.11's fromisoformat would also take 20261231 and week dates (2026-W01-1).
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Or as people write a day in Vietnam: day first, 31/12/2026 (4/12/2026 too).
DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: Any, path: Path | str | None, line: int | None, key: str) -> dt.date:
    """A date written YYYY-MM-DD or DD/MM/YYYY (YAML may have read it as a date already); InputError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = "" if value is None else str(value).strip()
    day_first = DAY_FIRST.match(text)
    try:
        if DATE.match(text):
            return dt.date.fromisoformat(text)
        if day_first:
            return dt.date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
    except ValueError:
        pass  # 2026-02-30, 30/02/2026
    raise InputError(t("{key} '{value}' is not a date; expected YYYY-MM-DD or DD/MM/YYYY such as 2026-12-31 or "
                       "31/12/2026", key=key, value=text), path=path, line=line)


def is_number(text: str) -> bool:
    """Whether a report cell is a count, a decimal or a share."""
    return text.replace(".", "", 1).replace(",", "", 1).rstrip("%").isdigit() and text.count(".") + text.count(",") < 2
