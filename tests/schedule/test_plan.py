"""The plan of a day, as a pure function of hand-built schedules and material (no disk, no clock)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from broadcaster.errors import InputError
from broadcaster.schedule.model import Item, Output, Schedule, Session
from broadcaster.schedule.plan import Rendition, Material, plan_day, plan_session

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.date(2026, 11, 23)
TUESDAY = dt.date(2026, 11, 24)
SOURCE = "schedules/hang-ngay.yaml"


def material(ident: str, title: str, duration_s: float | None, **changes) -> Material:
    """Material with one Vietnamese rendition; ``asset_path`` and ``duration_s`` may be overridden."""
    path = changes.pop("asset_path", f"audio/{ident}.wav" if duration_s is not None else None)
    duration_s = changes.pop("duration_s", duration_s)
    m = Material(id=ident, title=title, topic="y-te", fingerprint=f"sha256:{ident}", status="approved",
                 approved=True, valid_from=None, valid_until=None,
                 renditions=(Rendition("vie", path, duration_s),))
    return dataclasses.replace(m, **changes)


LIBRARY = {m.id: m for m in (
    material("gioi-thieu", "Giới thiệu chương trình", 12.5),
    material("thong-diep-5k", "Thông điệp 5K", 30.0),
    material("tiem-vac-xin", "Tiêm vắc-xin COVID-19", 45.0),
    material("khai-bao-y-te", "Khai báo y tế", 20.0),
    material("tin-gia", "Cảnh giác tin giả", 60.0),
)}

OUTPUTS = {"loa-xa": Output("loa-xa", device="loa_xa"), "xe-loa": Output("xe-loa", device="xe_loa_1")}


def item(ident: str, repeat: int = 1, gap_s: float = 0.0, line: int = 10) -> Item:
    return Item(announcement=ident, repeat=repeat, gap_s=gap_s, source=SOURCE, line=line)


def session(name: str, start: dt.time, *items: Item, output: str = "loa-xa",
            days: frozenset[int] = frozenset(range(7))) -> Session:
    return Session(name=name, start=start, output=output, items=tuple(items), days=days, source=SOURCE, line=5)


def schedule(*sessions: Session) -> Schedule:
    return Schedule(outputs=dict(OUTPUTS), sessions=tuple(sessions))


def at(day: dt.date, hour: int, minute: int, second: int = 0, micro: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=TZ)


def times(airings) -> list[tuple[str, dt.datetime, dt.datetime]]:
    return [(a.announcement, a.start, a.end) for a in airings]


def test_sample_days_are_the_weekdays_the_tests_assume():
    assert MONDAY.weekday() == 0
    assert TUESDAY.weekday() == 1


def test_items_back_to_back():
    s = session("Buổi sáng", dt.time(5, 30), item("gioi-thieu"), item("thong-diep-5k"), item("tiem-vac-xin"))
    plan = plan_day(schedule(s), LIBRARY, TUESDAY, TZ)
    assert plan.day == TUESDAY
    assert plan.warnings == ()
    assert times(plan.airings) == [
        ("gioi-thieu", at(TUESDAY, 5, 30, 0), at(TUESDAY, 5, 30, 12, 500_000)),
        ("thong-diep-5k", at(TUESDAY, 5, 30, 12, 500_000), at(TUESDAY, 5, 30, 42, 500_000)),
        ("tiem-vac-xin", at(TUESDAY, 5, 30, 42, 500_000), at(TUESDAY, 5, 31, 27, 500_000)),
    ]
    first = plan.airings[1]
    assert first.title == "Thông điệp 5K"
    assert first.topic == "y-te"
    assert first.fingerprint == "sha256:thong-diep-5k"
    assert first.asset_path == "audio/thong-diep-5k.wav"
    assert first.output == "loa-xa"
    assert first.session == "Buổi sáng"
    for a in plan.airings:
        assert a.start.utcoffset() == dt.timedelta(hours=7)
        assert a.end.utcoffset() == dt.timedelta(hours=7)


def test_repeat_with_gap():
    s = session("Buổi sáng", dt.time(5, 30), item("thong-diep-5k", repeat=3, gap_s=10), item("gioi-thieu"))
    plan = plan_day(schedule(s), LIBRARY, TUESDAY, TZ)
    assert times(plan.airings) == [
        ("thong-diep-5k", at(TUESDAY, 5, 30, 0), at(TUESDAY, 5, 30, 30)),
        ("thong-diep-5k", at(TUESDAY, 5, 30, 40), at(TUESDAY, 5, 31, 10)),
        ("thong-diep-5k", at(TUESDAY, 5, 31, 20), at(TUESDAY, 5, 31, 50)),
        # No gap after the last repeat: the next item follows at once.
        ("gioi-thieu", at(TUESDAY, 5, 31, 50), at(TUESDAY, 5, 32, 2, 500_000)),
    ]


def test_plan_session_from_a_given_start():
    s = session("Buổi sáng", dt.time(5, 30), item("khai-bao-y-te"), item("tin-gia"))
    airings, warnings = plan_session(s, LIBRARY, TUESDAY, TZ, start=at(TUESDAY, 9, 15))
    assert warnings == []
    assert times(airings) == [
        ("khai-bao-y-te", at(TUESDAY, 9, 15, 0), at(TUESDAY, 9, 15, 20)),
        ("tin-gia", at(TUESDAY, 9, 15, 20), at(TUESDAY, 9, 16, 20)),
    ]


def test_weekday_filtering():
    monday_only = session("Thứ hai", dt.time(7, 0), item("tin-gia"), days=frozenset({0}))
    mon_wed = session("Thứ hai, thứ tư", dt.time(8, 0), item("khai-bao-y-te"), days=frozenset({0, 2}))
    daily = session("Hằng ngày", dt.time(17, 0), item("gioi-thieu"))
    sched = schedule(monday_only, mon_wed, daily)
    assert [a.session for a in plan_day(sched, LIBRARY, MONDAY, TZ).airings] == [
        "Thứ hai", "Thứ hai, thứ tư", "Hằng ngày"]
    assert [a.session for a in plan_day(sched, LIBRARY, TUESDAY, TZ).airings] == ["Hằng ngày"]
    assert [a.session for a in plan_day(sched, LIBRARY, dt.date(2026, 11, 25), TZ).airings] == [
        "Thứ hai, thứ tư", "Hằng ngày"]


@pytest.mark.parametrize("changes, reason", [
    ({"approved": False, "status": "draft"}, "not approved (draft)"),
    ({"approved": False, "status": "changed since approval"}, "not approved (changed since approval)"),
    ({"valid_until": dt.date(2026, 11, 23)}, "expired on 2026-11-23"),
    ({"valid_from": dt.date(2026, 11, 25)}, "not valid before 2026-11-25"),
    ({"asset_path": None, "duration_s": None}, "not rendered yet"),
    ({"duration_s": None}, "not rendered yet"),
], ids=["draft", "changed", "expired", "not-yet-valid", "unrendered", "no-duration"])
def test_unairable_item_is_a_warning(changes: dict, reason: str):
    library = dict(LIBRARY)
    library["thong-diep-5k"] = material("thong-diep-5k", "Thông điệp 5K", **{"duration_s": 30.0, **changes})
    s = session("Buổi sáng", dt.time(5, 30), item("gioi-thieu", line=9),
                item("thong-diep-5k", line=10), item("tiem-vac-xin", line=11))
    plan = plan_day(schedule(s), library, TUESDAY, TZ)
    # Left out, and takes no time: the next item follows the one before it.
    assert times(plan.airings) == [
        ("gioi-thieu", at(TUESDAY, 5, 30, 0), at(TUESDAY, 5, 30, 12, 500_000)),
        ("tiem-vac-xin", at(TUESDAY, 5, 30, 12, 500_000), at(TUESDAY, 5, 30, 57, 500_000)),
    ]
    (warning,) = plan.warnings
    assert "'thong-diep-5k'" in warning
    assert reason in warning
    assert "Buổi sáng" in warning
    assert f"{SOURCE}:10" in warning


@pytest.mark.parametrize("changes", [
    {"valid_from": TUESDAY, "valid_until": TUESDAY},
    {"valid_from": MONDAY, "valid_until": dt.date(2026, 12, 31)},
], ids=["first-and-last-day", "inside"])
def test_valid_dates_include_their_bounds(changes: dict):
    library = {"thong-diep-5k": dataclasses.replace(LIBRARY["thong-diep-5k"], **changes)}
    plan = plan_day(schedule(session("Buổi sáng", dt.time(5, 30), item("thong-diep-5k"))), library, TUESDAY, TZ)
    assert plan.warnings == ()
    assert [a.announcement for a in plan.airings] == ["thong-diep-5k"]


def test_unknown_id_names_the_item_line():
    s = session("Buổi sáng", dt.time(5, 30), item("gioi-thieu", line=9), item("thong-diep-5", line=12))
    with pytest.raises(InputError) as info:
        plan_day(schedule(s), LIBRARY, TUESDAY, TZ)
    error = info.value
    assert error.path == SOURCE
    assert error.line == 12
    assert "unknown announcement 'thong-diep-5'" in error.message
    assert "did you mean 'thong-diep-5k'?" in error.message
    assert error.exit_code == 2


def test_unknown_id_on_another_day_is_not_checked():
    # Sessions not aired on the day are not planned, so their ids are not looked up.
    s = session("Thứ hai", dt.time(5, 30), item("khong-co"), days=frozenset({0}))
    assert plan_day(schedule(s), LIBRARY, TUESDAY, TZ).airings == ()


def test_overlapping_sessions_on_one_output():
    morning = session("Buổi sáng", dt.time(5, 30), item("tin-gia"), item("tiem-vac-xin"))   # until 05:31:45
    notice = session("Thông báo khẩn", dt.time(5, 31), item("khai-bao-y-te"))                 # 05:31:00-05:31:20
    plan = plan_day(schedule(morning, notice), LIBRARY, TUESDAY, TZ)
    overlaps = [w for w in plan.problems if "overlaps" in w]
    assert overlaps, plan.problems
    assert any("'Thông báo khẩn'" in w and "'Buổi sáng'" in w and "loa-xa" in w and "05:31:00" in w
               and "05:31:45" in w for w in overlaps), overlaps
    # Both are still planned: the warning tells, the plan does not choose.
    assert {a.session for a in plan.airings} == {"Buổi sáng", "Thông báo khẩn"}


def test_no_overlap_across_outputs_or_back_to_back():
    morning = session("Buổi sáng", dt.time(5, 30), item("tin-gia"))                          # 05:30-05:31
    car = session("Xe loa", dt.time(5, 30, 30), item("khai-bao-y-te"), output="xe-loa")       # other output
    after = session("Tiếp theo", dt.time(5, 31), item("gioi-thieu"))                          # starts at the end
    plan = plan_day(schedule(morning, car, after), LIBRARY, TUESDAY, TZ)
    assert plan.warnings == () and plan.problems == ()


def test_airings_sorted_by_start_across_outputs():
    evening = session("Buổi chiều", dt.time(17, 0), item("gioi-thieu"), item("tin-gia"))
    car = session("Xe loa", dt.time(5, 30, 5), item("khai-bao-y-te"), item("tiem-vac-xin"), output="xe-loa")
    morning = session("Buổi sáng", dt.time(5, 30), item("thong-diep-5k"), item("tin-gia"))
    plan = plan_day(schedule(evening, car, morning), LIBRARY, TUESDAY, TZ)
    starts = [a.start for a in plan.airings]
    assert starts == sorted(starts)
    assert [(a.output, a.announcement, a.start.time()) for a in plan.airings] == [
        ("loa-xa", "thong-diep-5k", dt.time(5, 30, 0)),
        ("xe-loa", "khai-bao-y-te", dt.time(5, 30, 5)),
        ("xe-loa", "tiem-vac-xin", dt.time(5, 30, 25)),
        ("loa-xa", "tin-gia", dt.time(5, 30, 30)),
        ("loa-xa", "gioi-thieu", dt.time(17, 0, 0)),
        ("loa-xa", "tin-gia", dt.time(17, 0, 12, 500_000)),
    ]


def test_keys_unique_and_stable():
    sched = schedule(
        session("Buổi sáng", dt.time(5, 30), item("thong-diep-5k", repeat=3, gap_s=10), item("thong-diep-5k"),
                item("gioi-thieu")),
        session("Buổi sáng", dt.time(5, 30), item("thong-diep-5k", repeat=2), output="xe-loa"),
        session("Buổi chiều", dt.time(17, 0), item("thong-diep-5k"), item("thong-diep-5k", repeat=2)),
        session("Buổi chiều", dt.time(18, 0), item("thong-diep-5k")),   # same name, another time
    )
    first = plan_day(sched, LIBRARY, TUESDAY, TZ)
    keys = [a.key for a in first.airings]
    assert len(keys) == 3 + 1 + 1 + 2 + 1 + 2 + 1
    assert len(set(keys)) == len(keys)
    assert all(k.startswith("2026-11-24/") for k in keys)
    second = plan_day(sched, LIBRARY, TUESDAY, TZ)
    assert [a.key for a in second.airings] == keys
    assert second == first
    # Another day, other keys: an airing is not mistaken for yesterday's.
    other = plan_day(sched, LIBRARY, MONDAY, TZ)
    assert not set(keys) & {a.key for a in other.airings}


def test_session_running_past_midnight():
    s = session("Cuối ngày", dt.time(23, 59, 50), item("gioi-thieu"), item("thong-diep-5k", repeat=2, gap_s=10))
    plan = plan_day(schedule(s), LIBRARY, TUESDAY, TZ)
    wednesday = dt.date(2026, 11, 25)
    assert times(plan.airings) == [
        ("gioi-thieu", at(TUESDAY, 23, 59, 50), at(wednesday, 0, 0, 2, 500_000)),
        ("thong-diep-5k", at(wednesday, 0, 0, 2, 500_000), at(wednesday, 0, 0, 32, 500_000)),
        ("thong-diep-5k", at(wednesday, 0, 0, 42, 500_000), at(wednesday, 0, 1, 12, 500_000)),
    ]
    for a in plan.airings:
        assert a.end > a.start
        assert a.end.tzinfo is TZ
        assert a.end.utcoffset() == dt.timedelta(hours=7)
    # Still the plan of Tuesday: the keys carry the day the session belongs to.
    assert all(a.key.startswith("2026-11-24/") for a in plan.airings)
    assert plan.airings[-1].end.astimezone(dt.timezone.utc) == dt.datetime(2026, 11, 24, 17, 1, 12, 500_000,
                                                                          tzinfo=dt.timezone.utc)


def test_empty_schedule():
    plan = plan_day(Schedule(), LIBRARY, TUESDAY, TZ)
    assert plan == type(plan)(day=TUESDAY, airings=(), warnings=())


BERLIN = ZoneInfo("Europe/Berlin")  # clocks go forward on 2026-03-29 at 02:00, back on 2026-10-25 at 03:00


def test_a_start_skipped_by_daylight_saving_airs_after_the_change_with_a_warning():
    s = session("Buổi đêm", dt.time(2, 30), item("gioi-thieu"))
    day = dt.date(2026, 3, 29)
    plan = plan_day(schedule(s), LIBRARY, day, BERLIN)
    start = plan.airings[0].start
    assert (start.hour, start.minute, start.utcoffset()) == (3, 30, dt.timedelta(hours=2))
    assert plan.warnings == ("session 'Buổi đêm' (schedules/hang-ngay.yaml:5): 02:30:00 does not exist on 2026-03-29 in "
                             "Europe/Berlin (the clocks go forward): it starts at 03:30:00",)


def test_a_start_that_happens_twice_airs_once_at_the_first_with_a_warning():
    s = session("Buổi đêm", dt.time(2, 30), item("gioi-thieu"))
    day = dt.date(2026, 10, 25)
    plan = plan_day(schedule(s), LIBRARY, day, BERLIN)
    assert len(plan.airings) == 1 and plan.airings[0].start.utcoffset() == dt.timedelta(hours=2)
    assert plan.warnings == ("session 'Buổi đêm' (schedules/hang-ngay.yaml:5): 02:30:00 happens twice on 2026-10-25 in "
                             "Europe/Berlin (the clocks go back): it starts at the first",)
    assert plan_day(schedule(s), LIBRARY, dt.date(2026, 10, 26), BERLIN).warnings == ()
