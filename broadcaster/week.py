"""A week of planned airings against what the log says of them: the schedule page's calendar. Pure: plans,
records and a time in, cells out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from broadcaster.messages import marked, t
from broadcaster.schedule.plan import Plan

PLANNED = "planned"  # still to come
UNLOGGED = "unlogged"  # its time is past and the log has no outcome for it (yet: it may be airing now)
NO_RECORD = marked("no record")  # on a day before the station's log began: nothing to say, nothing wrong


@dataclass(frozen=True)
class Cell:
    """One planned airing in the calendar, with its outcome."""

    start: dt.datetime
    title: str
    announcement: str
    status: str
    reason: str = ""


DAY_NAMES = (marked("Mon"), marked("Tue"), marked("Wed"), marked("Thu"), marked("Fri"), marked("Sat"),
             marked("Sun"))


def day_name(day: dt.date) -> str:
    """The short name of ``day``'s weekday, in the language chosen (T2 ... CN in Vietnamese)."""
    return t(DAY_NAMES[day.weekday()])


def monday(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def week_calendar(plans: list[Plan], records: list[dict], now: dt.datetime,
                  began: dt.date | None) -> dict[str, list[list[Cell]]]:
    """For each output, the week's days (in the order of ``plans``), each its airings in time order, each
    with the status the log gives its planned airing (matched by key), else planned, unlogged, or no record
    on a day before the log ``began`` (None: it has no record yet)."""
    outcome = {r.get("key"): r for r in records if r.get("trigger", "schedule") == "schedule"}
    outputs = sorted({a.output for p in plans for a in p.airings})
    calendar = {output: [[] for _ in plans] for output in outputs}
    for i, plan in enumerate(plans):
        for a in plan.airings:
            record = outcome.get(a.key)
            status = record["status"] if record else PLANNED if a.start > now \
                else UNLOGGED if began is not None and a.start.date() >= began else NO_RECORD
            calendar[a.output][i].append(Cell(a.start, a.title, a.announcement, status,
                                              (record or {}).get("reason") or ""))
    return calendar
