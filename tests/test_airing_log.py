"""The airing log: a signed hash chain in SQLite; tampering with the stored records is found and named."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from broadcaster.airing_log import GENESIS, RECORD_VERSION, AiringLog, record_hash
from broadcaster.errors import InputError, StorageError
from broadcaster.log_chain import record_signature
from broadcaster.log_legacy import write_zip
from broadcaster.trust.keys import new_key
from tests.helpers import killed_while_replacing
from tests.logdata import StepClock, at, build_log, event


def _month_of_mornings(days: range, month: int = 11) -> list:
    return [event(at(d, 5, 30 + i, month), ["khau-hieu-5k", "gioi-thieu"][i % 2], index=i)
            for d in days for i in range(2)]


def _db(log: AiringLog) -> sqlite3.Connection:
    return sqlite3.connect(log.store.path, isolation_level=None)


def _edit(log: AiringLog, seq: int, change, station: str = "xa-ea-tu", rehash: bool = False, resign=None) -> None:
    """Change record ``seq`` in the database as someone with a SQLite tool would."""
    db = _db(log)
    (body,) = db.execute("SELECT body FROM records WHERE station = ? AND seq = ?", (station, seq)).fetchone()
    record = json.loads(body)
    change(record)
    if rehash:
        record["hash"] = record_hash(record)
    sig = record_signature(resign, record["hash"]) if resign else None
    db.execute("UPDATE records SET body = ?, hash = ?, sig = coalesce(?, sig) WHERE station = ? AND seq = ?",
               (json.dumps(record, ensure_ascii=False).encode(), record["hash"], sig, station, seq))


def test_records_form_one_signed_chain_across_months(tmp_path):
    key = new_key()
    log = build_log(tmp_path, _month_of_mornings(range(28, 31)) + _month_of_mornings(range(1, 4), 12), key=key)
    records = [x.record for x in log.own_records()]
    assert [r["seq"] for r in records] == list(range(1, 13))
    assert records[0]["prev"] == GENESIS
    for before, after in zip(records, records[1:]):
        assert after["prev"] == before["hash"]
    for r in records:
        assert r["hash"] == record_hash(r) and r["v"] == RECORD_VERSION and r["station"] == "xa-ea-tu"
        assert r["sig"] == record_signature(key, r["hash"])  # Ed25519 signatures are deterministic
    (check,) = log.verify()
    assert check.intact and check.records == 12 and check.unsigned == 0


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
    log = AiringLog(tmp_path, station="xa-ea-tu", clock=clock, key=new_key())
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
    with pytest.raises(InputError, match="'sig' is written by the log itself"):
        log.record("audit", sig="forged")


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
    log = build_log(tmp_path, _month_of_mornings(range(1, 4)))
    _edit(log, 6, lambda r: r.update(status="missed"))  # someone turns an airing into a miss
    (check,) = log.verify()
    assert not check.intact and check.path == log.store.path
    assert check.problem == "record 6 (gioi-thieu planned 2026-11-03 05:31 on loa-xa) was altered"


def test_verify_names_an_edited_record_whose_hash_was_recomputed(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 4)))
    _edit(log, 3, lambda r: r.update(duration_s=600.0), rehash=True)
    assert log.verify()[0].problem == ("record 3 (khau-hieu-5k planned 2026-11-02 05:30 on loa-xa) is not signed "
                                       "by the station's key: it was forged or altered")


def test_the_newest_record_rehashed_and_signed_with_another_key_is_found(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 4)))
    _edit(log, 6, lambda r: r.update(status="aired", duration_s=90.0), rehash=True, resign=new_key())
    assert log.verify()[0].problem == ("record 6 (gioi-thieu planned 2026-11-03 05:31 on loa-xa) is not signed "
                                       "by the station's key: it was forged or altered")


def test_a_forged_record_without_a_signature_is_found(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 3)))
    db = _db(log)
    db.execute("UPDATE records SET sig = NULL WHERE seq = 4")
    assert log.verify()[0].problem == ("record 4 (gioi-thieu planned 2026-11-02 05:31 on loa-xa) has no signature, "
                                       "though the records before it have: it was forged or altered")


def test_a_record_whose_searched_fields_were_edited_is_found(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 3)))
    _db(log).execute("UPDATE records SET day = '2020-01-01' WHERE seq = 2")  # hidden from every report
    assert log.query(dt.date(2026, 11, 1), dt.date(2026, 11, 1))[-1]["seq"] == 1
    assert log.verify()[0].problem == ("record 2 (gioi-thieu planned 2026-11-01 05:31 on loa-xa) was altered: the "
                                       "fields the log is searched by differ from the record")


def test_verify_names_a_removed_record(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 4)))
    _db(log).execute("DELETE FROM records WHERE seq = 4")
    assert log.verify()[0].problem == ("record 4 was removed: record 5 (khau-hieu-5k planned 2026-11-03 05:30 "
                                       "on loa-xa) follows record 3")


def test_verify_names_swapped_records(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 4)))
    db = _db(log)
    db.execute("UPDATE records SET seq = -3 WHERE seq = 3")
    db.execute("UPDATE records SET seq = 3 WHERE seq = 4")
    db.execute("UPDATE records SET seq = 4 WHERE seq = -3")
    assert log.verify()[0].problem == ("record 3 was moved: record 4 (gioi-thieu planned 2026-11-02 05:31 on "
                                       "loa-xa) comes before it")


def test_intact_log_reports_its_head(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 4)))
    (check,) = log.verify()
    last = list(log.own_records())[-1].record
    assert check.intact and (check.records, check.last_seq, check.last_hash) == (6, 6, last["hash"])
    assert log.head() == (6, last["hash"])


def test_record_from_a_newer_schema_is_refused(tmp_path):
    log = build_log(tmp_path, _month_of_mornings(range(1, 2)))
    _db(log).execute("PRAGMA user_version = 99")
    with pytest.raises(StorageError, match="the airing log was written by a newer broadcaster"):
        AiringLog(tmp_path, station="xa-ea-tu").records(dt.date(2026, 11, 1))


@pytest.mark.parametrize("content", [b"", b"junk that is not a database" * 100, bytes(range(256)) * 64])
def test_a_damaged_database_is_one_line_and_left_alone(tmp_path, content):
    (tmp_path / "airing-log.sqlite3").write_bytes(content)
    log = AiringLog(tmp_path, station="xa-ea-tu", clock=StepClock(at(1)))
    if not content:  # an empty file is a new, empty database to SQLite
        assert log.records(dt.date(2026, 11, 1)) == []
        return
    with pytest.raises(StorageError, match="the airing log is damaged .*restore it from a backup"):
        log.record("run-start")
    assert (tmp_path / "airing-log.sqlite3").read_bytes() == content


def test_append_after_a_clock_set_back_continues_the_chain(tmp_path):
    clock = StepClock(at(30, 23, 59))
    log = AiringLog(tmp_path, station="xa-ea-tu", clock=clock, key=new_key())
    log.record("run-start")
    clock.at = at(1, 0, 1, 12)
    log.record("run-stop")
    clock.at = at(30, 23, 58)  # the clock went back into November
    log.record("run-start")
    assert [r["seq"] for r in log.query(dt.date(2026, 11, 30), dt.date(2026, 12, 1), kind=None)] == [3, 1, 2]
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
    assert [p.name for p in log.archives()][0] == "2024-01.zip"
    assert _db(log).execute("SELECT min(seq), count(*) FROM records").fetchone() == (6, 30)
    (check,) = log.verify()
    assert check.intact and check.records == 35  # 30 airings and 5 archive records
    old = log.query(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert [r["seq"] for r in old] == [2]
    audit = log.query(dt.date(2026, 6, 15), dt.date(2026, 6, 15), kind="audit")
    assert [(r["item"], r["last_seq"]) for r in audit][-1] == ("2024-05", 5)

    moved = tmp_path.parent / "usb"
    (tmp_path / "archive").rename(moved)  # the archives go to a USB stick
    assert log.verify()[0].intact
    _db(log).execute("DELETE FROM records WHERE seq <= 8")  # but live records cannot simply go
    assert log.verify()[0].problem.startswith("records 1 to 8 were removed: record 9")


def test_an_archive_cut_off_before_it_took_the_records_out_counts_them_once(tmp_path):
    log = build_log(tmp_path, _monthly(2024, 30))
    log.clock = StepClock(at(15, 12, 0, 6).replace(year=2026))
    assert log.archive(24, before="2024-02") == ["2024-01"]
    # Killed after writing February's zip, before taking its records out of the database:
    write_zip(tmp_path / "archive" / "2024-02.zip", "2024-02", log.query(dt.date(2024, 2, 1), dt.date(2024, 2, 29)))
    assert [r["seq"] for r in log.query(dt.date(2024, 2, 1), dt.date(2024, 2, 29))] == [2]
    assert log.verify()[0].intact


def test_an_event_that_is_not_an_outcome_is_not_recorded(tmp_path):
    log = build_log(tmp_path, [event(at(25), "khau-hieu-5k", "started")])
    assert log.records(dt.date(2026, 11, 25)) == [] and log.verify() == []


def test_half_written_archives_left_by_a_killed_writer_are_removed_by_the_next_one(tmp_path):
    log = build_log(tmp_path / "log", _month_of_mornings(range(28, 31)))
    folder = log.folder
    (folder / "archive").mkdir()
    leftover, export = killed_while_replacing(folder / "archive" / "2026-10.zip", folder / "ban-sao.json")
    AiringLog(folder, station="xa-ea-tu", key=log.key).record("audit", action="schedule reloaded")
    assert not leftover.exists() and export.exists()  # an export the user asked for into the folder stays
    assert log.verify()[0].intact


def test_the_log_began_on_its_first_records_day_archived_or_live(tmp_path):
    assert AiringLog(tmp_path / "empty").began() is None
    log = build_log(tmp_path, _monthly(2024, 30))  # January 2024 to June 2026
    assert log.began() == dt.date(2024, 1, 10)
    log.clock = StepClock(at(15, 12, 0, 6).replace(year=2026))
    log.archive(24)
    assert log.began() == dt.date(2024, 1, 10)  # in the oldest archive now
