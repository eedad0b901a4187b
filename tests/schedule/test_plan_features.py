"""Planning the rest of a commune's week: loops for vehicles, topics, silences, chimes, languages, dated and
one-off sessions, holidays, quiet hours, caps. Pure: no disk, no clock."""

from __future__ import annotations

import dataclasses
import datetime as dt

from broadcaster.schedule.model import CHIME, SILENCE, TOPIC, Exception_, Item, QuietHours, Schedule
from broadcaster.schedule.plan import Rendition, chime_key, plan_day
from tests.schedule.test_plan import LIBRARY, OUTPUTS, SOURCE, TUESDAY, TZ, at, item, material, session, times


def sched(*sessions, **fields) -> Schedule:
    return Schedule(outputs=dict(OUTPUTS), sessions=tuple(sessions), **fields)


def test_a_vehicle_loop_cycles_until_its_end_with_gaps():
    loop = dataclasses.replace(session("Xe loa sáng", dt.time(8, 0), item("gioi-thieu"), item("khai-bao-y-te"),
                                       output="xe-loa"), loop_until=dt.time(8, 2), loop_gap_s=10)
    plan = plan_day(sched(loop), LIBRARY, TUESDAY, TZ)
    # One cycle is 12.5 + 20 = 32.5 s, then 10 s of gap: cycles start at 0, 42.5, 85 s; a fourth would end after 08:02.
    assert [(a.announcement, a.start) for a in plan.airings] == [
        ("gioi-thieu", at(TUESDAY, 8, 0)), ("khai-bao-y-te", at(TUESDAY, 8, 0, 12, 500_000)),
        ("gioi-thieu", at(TUESDAY, 8, 0, 42, 500_000)), ("khai-bao-y-te", at(TUESDAY, 8, 0, 55)),
        ("gioi-thieu", at(TUESDAY, 8, 1, 25)), ("khai-bao-y-te", at(TUESDAY, 8, 1, 37, 500_000)),
    ]
    assert all(a.end <= at(TUESDAY, 8, 2) for a in plan.airings)
    assert len({a.key for a in plan.airings}) == 6


def test_a_loop_of_nothing_airable_ends_at_once():
    draft = dict(LIBRARY, tin_gia=None)
    draft["tin-gia"] = material("tin-gia", "Tin giả", 60.0, approved=False, status="draft")
    loop = dataclasses.replace(session("Xe", dt.time(8, 0), item("tin-gia"), output="xe-loa"),
                               loop_until=dt.time(11, 0))
    plan = plan_day(sched(loop), {k: v for k, v in draft.items() if v}, TUESDAY, TZ)
    assert plan.airings == () and len(plan.warnings) == 1


def test_a_topic_item_airs_every_approved_valid_announcement_of_the_topic_in_id_order():
    library = dict(LIBRARY)
    library["tiem-vac-xin"] = dataclasses.replace(LIBRARY["tiem-vac-xin"], topic="vaccination")
    library["thong-bao-lich-tiem"] = material("thong-bao-lich-tiem", "Lịch tiêm", 15.0, topic="vaccination")
    library["cu"] = material("cu", "Lịch cũ", 15.0, topic="vaccination", valid_until=dt.date(2026, 11, 1))
    library["nhap"] = material("nhap", "Bản nháp", 15.0, topic="vaccination", approved=False, status="draft")
    s = session("Sáng", dt.time(5, 30), Item(kind=TOPIC, topic="vaccination", source=SOURCE, line=12))
    plan = plan_day(sched(s), library, TUESDAY, TZ)
    assert [a.announcement for a in plan.airings] == ["thong-bao-lich-tiem", "tiem-vac-xin"]
    empty = session("Sáng", dt.time(5, 30), Item(kind=TOPIC, topic="agriculture", source=SOURCE, line=12))
    assert "no approved, valid announcement has this topic" in plan_day(sched(empty), library, TUESDAY, TZ).warnings[0]


def test_silence_and_chime_items_take_their_time():
    library = dict(LIBRARY)
    library[chime_key("audio/nhac-hieu.wav")] = material(chime_key("audio/nhac-hieu.wav"), "nhac-hieu.wav", 4.0)
    s = session("Sáng", dt.time(5, 30), Item(kind=CHIME, chime="audio/nhac-hieu.wav", source=SOURCE, line=9),
                Item(kind=SILENCE, silence_s=2.0, source=SOURCE, line=10), item("gioi-thieu"))
    plan = plan_day(sched(s), library, TUESDAY, TZ)
    assert times(plan.airings) == [
        (chime_key("audio/nhac-hieu.wav"), at(TUESDAY, 5, 30), at(TUESDAY, 5, 30, 4)),
        ("gioi-thieu", at(TUESDAY, 5, 30, 6), at(TUESDAY, 5, 30, 18, 500_000)),
    ]
    missing = session("Sáng", dt.time(5, 30), Item(kind=CHIME, chime="audio/khong-co.wav", source=SOURCE, line=9))
    assert "the chime file is missing" in plan_day(sched(missing), LIBRARY, TUESDAY, TZ).warnings[0]


def test_language_variants_air_in_the_order_asked():
    library = dict(LIBRARY)
    library["thong-diep-5k"] = dataclasses.replace(LIBRARY["thong-diep-5k"], renditions=(
        Rendition("vie", "a/vie.wav", 30.0), Rendition("rad", "a/rad.wav", 40.0), Rendition("jra", None, None)))
    every = session("Sáng", dt.time(5, 30), item("thong-diep-5k"))
    plan = plan_day(sched(every), library, TUESDAY, TZ)
    assert [(a.language, a.start) for a in plan.airings] == [("vie", at(TUESDAY, 5, 30)),
                                                              ("rad", at(TUESDAY, 5, 30, 30))]
    assert "'jra' not rendered yet" in plan.warnings[0]
    rad_first = session("Sáng", dt.time(5, 30), dataclasses.replace(item("thong-diep-5k"), languages=("rad", "vie", "cmo")))
    plan = plan_day(sched(rad_first), library, TUESDAY, TZ)
    assert [a.language for a in plan.airings] == ["rad", "vie"]
    assert "has no 'cmo' variant" in plan.warnings[0]


def test_one_off_and_dated_sessions():
    once = dataclasses.replace(session("Họp dân", dt.time(19, 0), item("tin-gia")), date=TUESDAY)
    campaign = dataclasses.replace(session("Chiến dịch", dt.time(6, 0), item("tiem-vac-xin")),
                                   date_from=dt.date(2026, 11, 24), date_until=dt.date(2026, 11, 30))
    s = sched(once, campaign)
    assert [a.session for a in plan_day(s, LIBRARY, TUESDAY, TZ).airings] == ["Chiến dịch", "Họp dân"]
    assert [a.session for a in plan_day(s, LIBRARY, dt.date(2026, 11, 23), TZ).airings] == []
    assert [a.session for a in plan_day(s, LIBRARY, dt.date(2026, 11, 30), TZ).airings] == ["Chiến dịch"]
    assert plan_day(s, LIBRARY, dt.date(2026, 12, 1), TZ).airings == ()


def test_a_holiday_has_no_scheduled_broadcast():
    s = sched(session("Sáng", dt.time(5, 30), item("tin-gia")),
              exceptions=(Exception_(dt.date(2026, 9, 2), dt.date(2026, 9, 2), "Quốc khánh"),))
    plan = plan_day(s, LIBRARY, dt.date(2026, 9, 2), TZ)
    assert plan.airings == () and plan.warnings == ("no scheduled broadcast on 2026-09-02: Quốc khánh",)
    assert len(plan_day(s, LIBRARY, dt.date(2026, 9, 3), TZ).airings) == 1


def test_nothing_airs_in_quiet_hours_and_the_schedule_is_told():
    late = session("Tối muộn", dt.time(20, 59, 30), item("tin-gia"), item("tiem-vac-xin"))
    s = sched(late, quiet_hours=QuietHours(dt.time(21, 0), dt.time(5, 30)))
    plan = plan_day(s, LIBRARY, TUESDAY, TZ)
    assert plan.airings == ()  # the first runs into 21:00, the second starts after it
    assert "2 airings fall in the quiet hours 21:00–05:30" in plan.problems[0]
    early = session("Sớm", dt.time(5, 0), item("gioi-thieu"))
    assert plan_day(sched(early, quiet_hours=QuietHours(dt.time(21, 0), dt.time(5, 30))),
                    LIBRARY, TUESDAY, TZ).airings == ()


def test_a_session_over_its_cap_is_reported_with_its_real_length():
    long = session("Sáng", dt.time(5, 30), item("tin-gia", repeat=3, gap_s=30))  # 60+30+60+30+60 = 240 s
    plan = plan_day(sched(long, max_session_s=180), LIBRARY, TUESDAY, TZ)
    assert plan.problems == (f"session 'Sáng' ({SOURCE}:5) lasts 4:00, more than its cap of 3:00",)
    assert len(plan.airings) == 3  # reported, not cut: the operator decides
    capped = dataclasses.replace(long, max_length_s=300)
    assert plan_day(sched(capped, max_session_s=180), LIBRARY, TUESDAY, TZ).problems == ()
