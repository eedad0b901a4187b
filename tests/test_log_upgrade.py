"""A station upgraded from the TinyDB log: every record carried into SQLite as it was, the chain intact, the
old files kept aside; a cut in the middle of the carrying is finished the next time, never twice."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from broadcaster.airing_log import GENESIS, AiringLog, airing_fields, record_hash
from broadcaster.errors import StorageError
from broadcaster.trust.keys import new_key
from tests.logdata import StepClock, at, event

DAY = dt.date(2026, 11, 2)


def _legacy_chain(events: list, station: str) -> dict[str, dict]:
    """Records as the TinyDB log of the version before wrote them (record version 2, no signature)."""
    rows, prev = {}, GENESIS
    for seq, e in enumerate(events, 1):
        r = {**airing_fields(e, "Nguyễn Văn An"), "v": 2, "station": station,
             "at": e.airing.end.isoformat(timespec="milliseconds"), "seq": seq, "prev": prev}
        r["hash"] = prev = record_hash(r)
        rows[str(seq)] = r
    return rows


def _legacy_log(folder):
    own = _legacy_chain([event(at(d, 5, 30), "khau-hieu-5k") for d in (1, 2, 3)], "xa-ea-tu")
    folder.mkdir(parents=True)
    (folder / "2026-11.0001.json").write_text(json.dumps({"records": own}, ensure_ascii=False), encoding="utf-8")
    vehicle = _legacy_chain([event(at(d, 7, 0), "tiem-vac-xin", output="xe-loa") for d in (1, 2)], "xe-loa-1")
    source = folder / "sources" / "xe-loa-1"
    source.mkdir(parents=True)
    (source / "2026-11.json").write_text(json.dumps({"records": vehicle}, ensure_ascii=False), encoding="utf-8")
    (source / "bundles.json").write_text(json.dumps({"bundles": {"1": {
        "file": "xe.json", "first": 1, "last": 2, "imported_at": "2026-11-03T09:00:00.000+07:00"}}}), encoding="utf-8")
    return own, vehicle


def test_an_old_log_is_carried_over_whole_and_goes_on_signed(tmp_path):
    folder = tmp_path / "log"
    own, vehicle = _legacy_log(folder)
    log = AiringLog(folder, station="xa-ea-tu", clock=StepClock(at(4, 8, 0)), key=new_key())
    assert [r["hash"] for r in log.records(DAY)] == [own["2"]["hash"]]
    assert [x.record for x in log.source_records("xe-loa-1")] == list(vehicle.values())
    assert sorted(p.name for p in (folder / "before-sqlite").iterdir()) == ["2026-11.0001.json", "sources"]
    assert not (folder / "2026-11.0001.json").exists() and not (folder / "sources").exists()
    record = log.record("run-start")
    assert (record["seq"], record["prev"]) == (4, own["3"]["hash"]) and "sig" in record
    checks = {c.station: c for c in log.verify()}
    assert checks["xa-ea-tu"].intact and (checks["xa-ea-tu"].records, checks["xa-ea-tu"].unsigned) == (4, 3)
    assert checks["xe-loa-1"].intact and checks["xe-loa-1"].records == 2


def test_a_carrying_over_cut_before_the_old_files_were_moved_is_finished_once(tmp_path):
    folder = tmp_path / "log"
    _legacy_log(folder)
    kept = tmp_path / "copy"
    shutil.copytree(folder, kept)
    AiringLog(folder, station="xa-ea-tu").records(DAY)
    shutil.rmtree(folder / "before-sqlite")
    for path in kept.iterdir():  # the database has the records, the old files were not moved yet
        shutil.move(str(path), folder / path.name)
    log = AiringLog(folder, station="xa-ea-tu")
    assert len(list(log.own_records())) == 3 and len(log.source_records("xe-loa-1")) == 2
    assert all(c.intact for c in log.verify())


def test_old_files_that_disagree_with_the_database_stop_the_carrying_over(tmp_path):
    folder = tmp_path / "log"
    own, _ = _legacy_log(folder)
    AiringLog(folder, station="xa-ea-tu").records(DAY)
    own["2"]["status"] = "missed"
    (folder / "2026-11.0001.json").write_text(json.dumps({"records": own}), encoding="utf-8")
    with pytest.raises(StorageError, match="record 2 of xa-ea-tu differs between the old log files and the database; "
                                           "nothing was changed"):
        AiringLog(folder, station="xa-ea-tu").records(DAY)
    assert (folder / "2026-11.0001.json").exists()
