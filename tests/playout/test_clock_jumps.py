"""The computer's clock stepped (an NTP correction, an operator setting it) while `run` airs: through the real
runner, engine and ALSA file devices, with time-machine moving the wall clock (time.time, datetime.now: what
APScheduler and our Clock read) and leaving time.monotonic (the audio timeline, every timed wait) alone, as
a clock step does. Nothing aired twice, nothing skipped without a record."""

from __future__ import annotations

import datetime as dt
import time

import soundfile
import time_machine

from broadcaster.playout.clock import StepWatch
from broadcaster.station import Station
from tests.playout.conftest import TZ, at, write_schedule
from tests.playout.test_playout import started, wait_for

GRACE_S = 10  # the quick station's


def records(station: Station, *days: dt.date) -> list[dict]:
    return [r for day in days for r in station.airing_log.records(day)]


def by_id(station: Station, *days: dt.date) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for r in records(station, *days):
        found.setdefault(r["announcement"], []).append(r)
    return found


def has(station: Station, ident: str, status: str, *days: dt.date) -> bool:
    return any(r["status"] == status for r in by_id(station, *days).get(ident, []))


def late_s(record: dict) -> float:
    """How much later than planned it went on air, by the (corrected) wall clock."""
    return (dt.datetime.fromisoformat(record["actual_start"])
            - dt.datetime.fromisoformat(record["planned_start"])).total_seconds()


def sleep_until(when: dt.datetime) -> None:
    time.sleep(max(0.0, (when - dt.datetime.now(TZ)).total_seconds()))


def clock_steps(station: Station) -> list[dict]:
    return [r for r in station.airing_log.query(dt.date(2000, 1, 1), dt.date(2100, 1, 1), kind="audit")
            if r.get("action") == "clock stepped"]


def session(name: str, start: str, items: str, day: dt.date | None = None) -> str:
    once = f"    date: {day.isoformat()}\n" if day else ""
    return f"  - name: {name}\n    start: '{start}'\n{once}    output: loa-xa\n    items: [{items}]\n"


def test_forward_jump_while_waiting_airs_late_within_grace_and_logs_the_rest_missed(quick, running, clean_captures):
    today = dt.datetime.now(TZ).date()
    write_schedule(quick.root, "sessions:\n" + session("Một", at(30), "mot") + session("Hai", at(55), "hai")
                   + session("Ba", at(66), "ba"))
    with time_machine.travel(dt.datetime.now(TZ), tick=True) as traveller, running(quick):
        time.sleep(2.0)
        traveller.shift(60)  # 'mot' is now 32 s overdue, 'hai' 7 s, 'ba' 4 s ahead
        wait_for(lambda: has(quick, "ba", "aired", today), timeout=30)
    found = by_id(quick, today)
    assert {k: len(v) for k, v in found.items()} == {"mot": 1, "hai": 1, "ba": 1}
    mot, hai, ba = found["mot"][0], found["hai"][0], found["ba"][0]
    assert mot["status"] == "missed" and "the clock" in mot["reason"]
    assert hai["status"] == "aired" and 0 < late_s(hai) < GRACE_S  # handed over as soon as the clock moved
    assert ba["status"] == "aired" and late_s(ba) > -0.5  # at its time by the new clock
    assert [round(s["by_s"]) for s in clock_steps(quick)] == [60]


def test_forward_jump_while_an_item_plays(quick, running, clean_captures):
    today = dt.datetime.now(TZ).date()
    write_schedule(quick.root, "sessions:\n" + session("Khẩn", at(3), "khan") + session("Một", at(10), "mot")
                   + session("Hai", at(30), "hai") + session("Ba", at(42), "ba"))
    with time_machine.travel(dt.datetime.now(TZ), tick=True) as traveller, running(quick) as r:
        wait_for(lambda: started(r, "khan"), timeout=10)
        traveller.shift(30)  # during 'khan': 'mot' passes its grace, 'hai' falls due while 'khan' plays
        wait_for(lambda: has(quick, "ba", "aired", today), timeout=30)
    found = by_id(quick, today)
    assert {k: len(v) for k, v in found.items()} == {"khan": 1, "mot": 1, "hai": 1, "ba": 1}
    khan = found["khan"][0]
    length = soundfile.info(_asset(quick, "khan")).duration
    assert khan["status"] == "aired" and abs(khan["duration_s"] - length) < 0.5  # its audio's length, not 30 s more
    assert found["mot"][0]["status"] == "missed"
    assert found["hai"][0]["status"] == "aired" and found["ba"][0]["status"] == "aired"


def test_backward_jump_after_an_item_aired_does_not_air_it_again(quick, running, clean_captures):
    today = dt.datetime.now(TZ).date()
    sessions = "sessions:\n" + session("Một", at(2), "mot") + session("Hai", at(6), "hai")
    write_schedule(quick.root, sessions)
    with time_machine.travel(dt.datetime.now(TZ), tick=True) as traveller, running(quick):
        wait_for(lambda: has(quick, "mot", "aired", today), timeout=15)
        traveller.shift(-5)  # 'mot' is ahead again by the clock
        write_schedule(quick.root, sessions + "# touched: run plans again from the files\n")
        wait_for(lambda: has(quick, "hai", "aired", today), timeout=30)
        time.sleep(1.0)
    found = by_id(quick, today)
    assert {k: len(v) for k, v in found.items()} == {"mot": 1, "hai": 1}
    assert late_s(found["hai"][0]) > -0.5  # at its time by the corrected clock, not 5 s early
    assert [round(s["by_s"]) for s in clock_steps(quick)] == [-5]


def test_backward_jump_just_before_an_item_starts_waits_for_its_corrected_time(quick, running, clean_captures):
    today = dt.datetime.now(TZ).date()
    start = at(4)
    write_schedule(quick.root, "sessions:\n" + session("Một", start, "mot"))
    planned = dt.datetime.combine(today, dt.time.fromisoformat(start), TZ)
    with time_machine.travel(dt.datetime.now(TZ), tick=True) as traveller, running(quick):
        sleep_until(planned - dt.timedelta(seconds=0.5))  # handed to its channel, in its lead-in
        traveller.shift(-6)
        wait_for(lambda: has(quick, "mot", "aired", today), timeout=20)
    [mot] = records(quick, today)
    assert late_s(mot) > -0.5


def test_backward_jump_across_midnight_airs_nothing_twice(quick, running, clean_captures):
    """A session that runs past midnight, then the clock set back into the previous day after the next
    day's plan was loaded and its first item aired."""
    day = dt.datetime.now(TZ).date()
    nxt = day + dt.timedelta(days=1)
    write_schedule(quick.root, "sessions:\n" + session("Khuya", "23:59:59", "mot, hai", day)
                   + session("Sớm", "00:00:09", "ba", nxt))
    with time_machine.travel(dt.datetime.combine(day, dt.time(23, 59, 56), TZ), tick=True) as traveller, \
            running(quick):
        wait_for(lambda: has(quick, "hai", "aired", day, nxt), timeout=15)  # after midnight, of the day before
        traveller.shift(dt.datetime.combine(day, dt.time(23, 59, 57), TZ) - dt.datetime.now(TZ))
        wait_for(lambda: has(quick, "ba", "aired", day, nxt), timeout=30)
        time.sleep(1.0)
    found = by_id(quick, day, nxt)
    assert {k: [r["status"] for r in v] for k, v in found.items()} == {"mot": ["aired"], "hai": ["aired"],
                                                                        "ba": ["aired"]}
    assert late_s(found["ba"][0]) > -0.5
    assert found["hai"][0]["key"].startswith(day.isoformat()) and found["hai"][0]["planned_start"] > nxt.isoformat()


def test_forward_jump_across_midnight_logs_every_item_of_both_days(quick, running, clean_captures):
    day = dt.datetime.now(TZ).date()
    nxt = day + dt.timedelta(days=1)
    write_schedule(quick.root, "sessions:\n" + session("Khuya", "23:59:58", "mot", day)
                   + session("Nửa đêm", "00:00:01", "ba", nxt) + session("Sớm", "00:00:14", "hai", nxt))
    with time_machine.travel(dt.datetime.combine(day, dt.time(23, 59, 51), TZ), tick=True) as traveller, \
            running(quick):
        time.sleep(1.0)
        traveller.shift(dt.datetime.combine(nxt, dt.time(0, 0, 4), TZ) - dt.datetime.now(TZ))
        wait_for(lambda: has(quick, "hai", "aired", day, nxt), timeout=30)
    found = by_id(quick, day, nxt)
    assert {k: [r["status"] for r in v] for k, v in found.items()} == {"mot": ["aired"], "ba": ["missed"],
                                                                        "hai": ["aired"]}
    assert 0 < late_s(found["mot"][0]) < GRACE_S  # yesterday's item, aired late rather than dropped
    assert "the clock" in found["ba"][0]["reason"]


def _asset(station: Station, ident: str) -> str:
    variant = station.library.get(ident).announcement.variants[0]
    return str(station.renders.asset(variant).path)


class SetClock:
    """The computer's clock as someone sets it: the monotonic clock plus an offset the test changes."""

    tz = TZ

    def __init__(self):
        self.offset = 1.8e9

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(time.monotonic() + self.offset, TZ)


def test_a_step_is_told_from_the_clock_running_on():
    clock = SetClock()
    watch = StepWatch(clock)
    time.sleep(0.05)
    assert watch.stepped() == 0.0
    clock.offset += 60
    assert round(watch.stepped()) == 60
    assert watch.stepped() == 0.0  # reported once
    clock.offset -= 0.1  # what a slewing clock drifts in far longer than a poll: not a step
    assert watch.stepped() == 0.0
    clock.offset -= 8
    assert round(watch.stepped()) == -8
