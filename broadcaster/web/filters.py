"""Jinja filters: dates as dd/mm/yyyy and 24-hour times, in the station's time zone, as Vietnam writes them."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from broadcaster.content.announcement import LANGUAGES
from broadcaster.messages import length_text, translated
from broadcaster.web.pages import served


def _moment(value: object) -> dt.datetime | dt.date | None:
    """A datetime (ISO text accepted) in the station's time zone, a date as it is, None for nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value or " " in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        tz = served().clock.tz
        return value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=tz)
    return value


def date(value: object) -> str:
    """'04/12/2026'."""
    moment = _moment(value)
    return moment.strftime("%d/%m/%Y") if moment else ""


def time(value: object) -> str:
    """'14:05'."""
    moment = _moment(value)
    return moment.strftime("%H:%M") if isinstance(moment, dt.datetime) else ""


def clock(value: object) -> str:
    """'14:05:09'."""
    moment = _moment(value)
    return moment.strftime("%H:%M:%S") if isinstance(moment, dt.datetime) else ""


def datetime(value: object) -> str:
    """'04/12/2026 14:05'."""
    moment = _moment(value)
    return moment.strftime("%d/%m/%Y %H:%M") if isinstance(moment, dt.datetime) else date(moment)


def duration(seconds: object) -> str:
    """'3:07' or '1:03:07' for a number of seconds ('' for none)."""
    return length_text(None if seconds is None else float(seconds))


def topic(code: str) -> str:
    """A topic by the station's name for it (a built-in one's through the catalogue): 'Thông tin chung'."""
    names = served().station.config.topic_names
    return translated(names[code]) if code in names else code


def language(code: str) -> str:
    """A language of the content by its name: 'Tiếng Việt', 'Ê Đê'."""
    return LANGUAGES.get(code, code)


def register(app: Flask) -> None:
    """Make the filters available to every template."""
    for name, function in (("date", date), ("time", time), ("clock", clock), ("datetime", datetime),
                           ("duration", duration), ("topic", topic), ("language", language)):
        app.add_template_filter(function, name)
