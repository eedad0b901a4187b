"""The airing log: a hash chain in capped segments; tampering with the stored files is found and named."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from broadcaster.airing_log import GENESIS, RECORD_VERSION, AiringLog, record_hash
from broadcaster.errors import InputError, StorageError
from tests.helpers import killed_while_replacing
from tests.logdata import StepClock, at, build_log, event


def _month_of_mornings(days: range, month: int = 11) -> list:
    return [event(at(d, 5, 30 + i, month), ["khau-hieu-5k", "gioi-thieu"][i % 2], index=i)
            for d in days for i in range(2)]


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _save(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_records_form_one_chain_across_segments_and_months(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(28, 31)) + _month_of_mornings(range(1, 4), 12),
                    segment_records=4)
    assert [p.name for p in log.segments()] == ["2026-11.0001.json", "2026-11.0002.json", "2026-12.0001.json",
                                                "2026-12.0002.json"]
    records = [x.record for x in log.own_records()]
    assert [r["seq"] for r in records] == list(range(1, 13))
    assert records[0]["prev"] == GENESIS
    for before, after in zip(records, records[1:]):
        assert after["prev"] == before["hash"]
    for r in records:
        assert r["hash"] == record_hash(r) and r["v"] == RECORD_VERSION and r["station"] == "xa-ea-tu"
    first_of_december = _load(tmp_path / "2026-12.0001.json")["records"]["7"]
    assert first_of_december["prev"] == records[5]["hash"]


def test_airing_record_holds_what_a_supervisor_asks(tmp_path):
    log = build_log(tmp_path, [event(at(25), "tin-gia", "failed", reason="thiết bị không có", approved_by="",
                                     trigger="urgent", priority="urgent")])
    (r,) = log.records(dt.date(2026, 11, 25))
    assert {k: r[k] for k in ("announcement", "topic", "status", "reason", "approved_by", "before_approval",
                              "trigger", "priority", "operator", "language", "voice", "output", "station")} == {
        "announcement": "tin-gia", "topic": "fake-news", "status": "failed", "reason": "thiết bị không có",
        "approved_by": "", "before_approval": True, "trigger": "urgent", "priority": "urgent",
        "operator": "Nguyễn Văn An", "language": "vie", "voice": "espeak:vi", "output": "loa-xa",
        "station": "xa-ea-tu"}
    assert r["planned_start"] == "2026-11-25T05:30:00.000+07:00" and r["actual_start"] is None
    assert r["at"] == "2026-11-25T05:31:00.000+07:00"


def test_other_kinds_of_record_join_the_chain(tmp_path):
    clock = StepClock(at(25, 5, 0))
    log = AiringLog(tmp_path, station="xa-ea-tu", clock=clock)
    log.record("run-start", operator="Nguyễn Văn An", version="0.1.0")
    log.record("device", output="loa-xa", device="USB Audio", state="missing", reason="không tìm thấy")
    log.record("audit", action="approve", item="khau-hieu-5k", by="Trần Văn Bình")
    log.record("run-stop", reason="Ctrl+C")
    rows = log.query(dt.date(2026, 11, 25), dt.date(2026, 11, 25), kind=None)
    assert [(r["seq"], r["kind"]) for r in rows] == [(1, "run-start"), (2, "device"), (3, "audit"), (4, "run-stop")]
    assert rows[1]["state"] == "missing" and rows[1]["output"] == "loa-xa"
    assert log.verify()[0].intact and log.verify()[0].records == 4
    with pytest.raises(InputError, match="unknown kind of log record 'reboot'"):
        log.record("reboot")
    with pytest.raises(InputError, match="'seq' is written by the log itself"):
        log.record("audit", seq=7)


def test_query_filters_and_orders(tmp_path):
    events = [event(at(24, 5, 30), "khau-hieu-5k"), event(at(25, 17, 0), "tin-gia", "missed", output="xe-loa"),
              event(at(25, 5, 30), "gioi-thieu"), event(at(26, 5, 30), "khau-hieu-5k", "failed")]
    log = build_log(tmp_path, sorted(events, key=lambda e: e.airing.start))
    day = dt.date(2026, 11, 25)
    assert [r["announcement"] for r in log.query(day, day)] == ["gioi-thieu", "tin-gia"]
    assert [r["announcement"] for r in log.query(dt.date(2026, 11, 1), dt.date(2026, 11, 30), topic="covid-prevention")] \
        == ["khau-hieu-5k", "khau-hieu-5k"]
    assert [r["output"] for r in log.query(day, day, status="missed")] == ["xe-loa"]
    assert [r["planned_start"][:10] for r in log.query(dt.date(2026, 11, 1), dt.date(2026, 11, 30),
                                                       announcement="khau-hieu-5k", status="failed")] == ["2026-11-26"]
    assert log.logged_keys(day) == {e.airing.key for e in events if e.airing.start.date() == day}
    with pytest.raises(InputError, match="the dates are in the wrong order: 2026-11-26 is after 2026-11-25"):
        log.query(dt.date(2026, 11, 26), day)


def test_verify_names_an_edited_record(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 4)), segment_records=4)
    path = tmp_path / "2026-11.0002.json"
    data = _load(path)
    data["records"]["6"]["status"] = "missed"  # someone turns an airing into a miss
    _save(path, data)
    (check,) = log.verify()
    assert not check.intact and check.path == path
    assert check.problem == "record 6 (gioi-thieu planned 2026-11-03 05:31 on loa-xa) was altered"


def test_verify_names_an_edited_record_whose_hash_was_recomputed(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 4)))
    path = tmp_path / "2026-11.0001.json"
    data = _load(path)
    data["records"]["3"]["duration_s"] = 600.0
    data["records"]["3"]["hash"] = record_hash(data["records"]["3"])
    _save(path, data)
    assert log.verify()[0].problem == "record 3 was altered: record 4 holds another hash for it"


def test_verify_names_a_removed_record(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 4)))
    path = tmp_path / "2026-11.0001.json"
    data = _load(path)
    del data["records"]["4"]
    _save(path, data)
    assert log.verify()[0].problem == ("record 4 was removed: record 5 (khau-hieu-5k planned 2026-11-03 05:30 "
                                       "on loa-xa) follows record 3")


def test_verify_names_a_reordered_record(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 4)))
    path = tmp_path / "2026-11.0001.json"
    data = _load(path)
    rows = data["records"]
    order = ["1", "2", "4", "3", "5", "6"]
    data["records"] = {k: rows[k] for k in order}
    _save(path, data)
    assert log.verify()[0].problem == ("record 3 was moved: record 4 (gioi-thieu planned 2026-11-02 05:31 on "
                                       "loa-xa) comes before it")


def test_verify_finds_a_whole_month_deleted(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(29, 31), 10) + _month_of_mornings(range(1, 3), 11)
                    + _month_of_mornings(range(1, 2), 12))
    (tmp_path / "2026-11.0001.json").unlink()
    check = log.verify()[0]
    assert check.problem == ("records 5 to 8 were removed: record 9 (khau-hieu-5k planned 2026-12-01 05:30 on "
                             "loa-xa) follows record 4")
    assert check.path == tmp_path / "2026-12.0001.json"


def test_intact_log_reports_its_head(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 4)), segment_records=2)
    (check,) = log.verify()
    last = list(log.own_records())[-1].record
    assert check.intact and (check.records, check.last_seq, check.last_hash) == (6, 6, last["hash"])


def test_record_from_a_newer_broadcaster_is_refused(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 2)))
    path = tmp_path / "2026-11.0001.json"
    data = _load(path)
    data["records"]["2"]["v"] = RECORD_VERSION + 1
    _save(path, data)
    with pytest.raises(StorageError, match="record 2 was written by a newer broadcaster"):
        log.records(dt.date(2026, 11, 1))


def test_append_after_a_full_segment_and_a_clock_set_back(tmp_path):
    clock = StepClock(at(30, 23, 59))
    log = AiringLog(tmp_path, station="xa-ea-tu", clock=clock, segment_records=2)
    log.record("run-start")
    clock.at = at(1, 0, 1, 12)
    log.record("run-stop")
    clock.at = at(30, 23, 58)  # the clock went back into November: December's segment goes on
    log.record("run-start")
    log.record("run-stop")
    assert [p.name for p in log.segments()] == ["2026-11.0001.json", "2026-12.0001.json", "2026-12.0002.json"]
    assert log.verify()[0].intact


def _monthly(first_year: int, months: int) -> list:
    events = []
    for i in range(months):
        year, month = first_year + i // 12, i % 12 + 1
        start = dt.datetime(year, month, 10, 5, 30, tzinfo=at(1).tzinfo)
        events.append(event(start, "khau-hieu-5k"))
    return events


def test_months_past_retention_are_archived_and_stay_verifiable(tmp_path):
    log = build_log(tmp_path, _monthly(2024, 30))  # January 2024 to June 2026
    log.clock = StepClock(at(15, 12, 0, 6).replace(year=2026))
    with pytest.raises(InputError, match="the log keeps at least 24 months: only months before 2024-06 can be "
                                         "archived"):
        log.archive(24, before="2024-08")
    assert log.archive(24) == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    assert [p.name for p in log.archives()][0] == "2024-01.zip" and len(log.segments()) == 25
    (check,) = log.verify()
    assert check.intact and check.records == 35  # 30 airings and 5 archive records
    old = log.query(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert [r["seq"] for r in old] == [2]
    audit = log.query(dt.date(2026, 6, 15), dt.date(2026, 6, 15), kind="audit")
    assert [(r["item"], r["last_seq"]) for r in audit][-1] == ("2024-05", 5)

    moved = tmp_path.parent / "usb"
    (tmp_path / "archive").rename(moved)  # the archives go to a USB stick
    assert log.verify()[0].intact
    (tmp_path / "2024-06.0001.json").unlink()  # but a live month cannot simply go
    assert log.verify()[0].problem.startswith("records 1 to 6 were removed: record 7")


def test_an_event_that_is_not_an_outcome_is_not_recorded(tmp_path):
    log = build_log(tmp_path, [event(at(25), "khau-hieu-5k", "started")])
    assert log.segments() == [] and log.records(dt.date(2026, 11, 25)) == []


def test_temporary_files_left_in_the_log_by_a_killed_writer_are_removed_by_the_next_one(tmp_path):
    log = build_log(tmp_path / "log", _month_of_mornings(range(28, 31)), segment_records=4)
    folder = log.folder
    (folder / "sources" / "xe-loa-1").mkdir(parents=True)
    # Killed while writing: a segment not yet created, the plan of an import, an archive and an imported month,
    # and an export that the user asked for into the log's folder (no lock of ours covers it: it stays).
    ours = [folder / "2026-12.0001.json", folder / "import-pending.json", folder / "archive" / "2026-10.zip",
            folder / "sources" / "xe-loa-1" / "2026-11.json"]
    (folder / "archive").mkdir()
    *leftovers, export = killed_while_replacing(*ours, folder / "ban-sao.json")
    assert export.name.startswith("ban-sao.json.")
    AiringLog(folder, station="xa-ea-tu").record("audit", action="schedule reloaded")
    assert [p for p in leftovers if p.exists()] == [] and export.exists()
    assert log.verify()[0].intact
