"""`run`'s countdown: the next airing by its title, output and time, never one whose time has passed; a line
redrawn on a terminal, a plain line per next airing elsewhere."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from rich.console import Console

from broadcaster.cli.countdown import Countdown, until
from broadcaster.schedule.plan import Plan, PlannedAiring

TZ = dt.timezone(dt.timedelta(hours=7))
DAY = dt.date(2026, 12, 4)


def _at(hour: int, minute: int, second: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=TZ)


def _airing(start: dt.datetime, ident: str, title: str, output: str = "loa-xa") -> PlannedAiring:
    return PlannedAiring(key=f"{ident}@{start:%H%M%S}", output=output, session="Buổi sáng", start=start,
                         end=start + dt.timedelta(minutes=2), announcement=ident, title=title, topic="general",
                         fingerprint="0" * 64, asset_path="")


PLAN = Plan(DAY, (_airing(_at(7, 0), "tiem-vac-xin", "Tiêm vắc-xin phòng COVID-19"),
                  _airing(_at(7, 3, 30), "tin-gia", "Cảnh giác với tin giả", output="xe-loa-thon-3")), ())


class _Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _countdown(now: dt.datetime) -> tuple[Countdown, _Clock, io.StringIO]:
    out = io.StringIO()
    clock = _Clock(now)
    return Countdown(Console(file=out, width=100), clock), clock, out


def test_until_reads_the_wait_as_people_say_it():
    assert [until(s) for s in (0.2, 45, 245, 720.4, 3599, 7380)] == ["0 s", "45 s", "4 min 05 s", "12 min", "59 min",
                                                                      "2 h 03 min"]


def test_the_line_names_the_next_airing_and_never_a_past_one():
    countdown, clock, _ = _countdown(_at(6, 48))
    countdown.plan(PLAN)
    assert countdown.line() == "next: Tiêm vắc-xin phòng COVID-19 on loa-xa at 07:00, in 12 min"
    clock.now = _at(7, 0)  # due now: the next is the one after it
    assert countdown.line() == "next: Cảnh giác với tin giả on xe-loa-thon-3 at 07:03:30, in 3 min 30 s"
    clock.now = _at(7, 5)
    assert countdown.line() == "next: nothing more planned"


def test_tomorrows_plan_is_named_with_its_day():
    countdown, _, _ = _countdown(_at(23, 50))
    countdown.plan(PLAN)
    tomorrow = DAY + dt.timedelta(days=1)
    countdown.plan(Plan(tomorrow, (_airing(_at(5, 30, day=tomorrow), "gioi-thieu", "Giới thiệu"),), ()))
    assert countdown.line() == "next: Giới thiệu on loa-xa at 05/12 05:30, in 5 h 40 min"


def test_a_new_plan_of_a_day_replaces_the_old():
    countdown, _, _ = _countdown(_at(6, 0))
    countdown.plan(PLAN)
    countdown.plan(Plan(DAY, (_airing(_at(9, 0), "khau-hieu-5k", "Khẩu hiệu 5K"),), ()))
    assert countdown.line() == "next: Khẩu hiệu 5K on loa-xa at 09:00, in 3 h 00 min"


def test_off_a_terminal_a_plain_line_is_printed_each_time_the_next_airing_changes():
    countdown, clock, out = _countdown(_at(6, 48))
    countdown.tick()  # before the first plan: nothing to say yet
    countdown.plan(PLAN)
    for now in (_at(6, 48), _at(6, 55), _at(6, 59, 59), _at(7, 0, 1), _at(7, 2), _at(7, 4)):
        clock.now = now
        countdown.tick()
    assert out.getvalue().splitlines() == [
        "next: Tiêm vắc-xin phòng COVID-19 on loa-xa at 07:00, in 12 min",
        "next: Cảnh giác với tin giả on xe-loa-thon-3 at 07:03:30, in 3 min 29 s",
        "next: nothing more planned"]


def test_on_a_terminal_the_line_is_redrawn_in_place_and_gone_at_the_end():
    out = io.StringIO()
    clock = _Clock(_at(6, 48))
    countdown = Countdown(Console(file=out, width=100, force_terminal=True), clock)
    countdown.plan(PLAN)
    done = threading.Event()
    done.set()  # one tick, then stop
    countdown.start(live=True)
    countdown.run(done)
    written = out.getvalue()
    assert "next: Tiêm vắc-xin phòng COVID-19 on loa-xa at 07:00, in 12 min" in written
    assert "\x1b[" in written  # drawn with cursor moves, and erased when run stops (transient)
    assert countdown.live is None


def test_run_prints_the_countdown_off_a_terminal_and_logs_the_operator_as_the_station_spells_them(station_dir):
    from click.testing import CliRunner

    from broadcaster.cli import cli
    from broadcaster.station import Station
    from tests.helpers import with_supervisor

    for old in (station_dir / "schedules").glob("*"):
        old.unlink()
    (station_dir / "schedules" / "lich.yaml").write_text(
        "outputs:\n  loa-xa:\n    device: default\nsessions:\n  - name: Cũ\n    date: 2020-01-01\n    start: '05:30'\n"
        "    output: loa-xa\n    items: [gioi-thieu]\n", encoding="utf-8")
    with_supervisor(station_dir)
    result = CliRunner().invoke(cli, ["run", "--exit-when-idle", "--operator", "le thi soan"],
                                obj=Station(station_dir), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "next: nothing more planned" in result.output.splitlines()
    log = CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["log", "--kind", "all"], obj=Station(station_dir))
    assert "operator=Lê Thị Soạn" in log.output


def test_when_the_day_is_done_the_line_names_the_first_airing_of_a_later_day():
    countdown, clock, _ = _countdown(_at(16, 30))
    tomorrow = DAY + dt.timedelta(days=1)
    asked = []

    def plan_of(day: dt.date) -> Plan:
        asked.append(day)
        airings = (_airing(_at(16, 25, day=day), "tin-gia", "Cảnh giác với tin giả"),) if day == tomorrow else ()
        return Plan(day, airings, ())

    countdown.plan(PLAN, plan_of)
    assert countdown.line() == "next: Cảnh giác với tin giả on loa-xa at 05/12 16:25, in 23 h 55 min"
    assert asked == [tomorrow]
    countdown.plan(Plan(DAY, (), ()), lambda day: Plan(day, (), ()))  # files changed: nothing airs any more
    assert countdown.line() == "next: nothing more planned"


def test_a_day_with_airings_still_to_come_plans_no_other_day():
    countdown, _, _ = _countdown(_at(6, 0))
    countdown.plan(PLAN, lambda day: pytest.fail("planned another day"))
    assert countdown.line().startswith("next: Tiêm vắc-xin")
