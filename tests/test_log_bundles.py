"""Export and import: bundles of a date range merge into a supervisor's copy, never twice, never altered."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from broadcaster.airing_log import AiringLog, record_hash
from broadcaster.errors import InputError
from tests.logdata import StepClock, at, build_log, event

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def _days(days: range, output: str = "xe-loa") -> list:
    return [event(at(d, 7, 0), "tiem-vac-xin", output=output, index=0) for d in days]


def _supervisor(tmp_path) -> AiringLog:
    return AiringLog(tmp_path / "huyen", station="huyen-krong-pac", clock=StepClock(at(30, 9, 0)))


def _snapshot(folder) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.json"))}


def test_round_trip_with_overlapping_bundles_never_duplicates(tmp_path):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 21)), station="xe-loa-1")
    first = tmp_path / "xe-1-15.json"
    second = tmp_path / "xe-10-20.json"
    assert vehicle.export(dt.date(2026, 11, 1), dt.date(2026, 11, 15), first) == {"xe-loa-1": 15}
    assert vehicle.export(dt.date(2026, 11, 10), dt.date(2026, 11, 20), second) == {"xe-loa-1": 11}
    supervisor = _supervisor(tmp_path)

    result = supervisor.import_bundles([first])
    assert (result.new, result.duplicates) == ({"xe-loa-1": 15}, {"xe-loa-1": 0})
    result = supervisor.import_bundles([second, first])
    assert (result.new, result.duplicates) == ({"xe-loa-1": 5}, {"xe-loa-1": 15})

    merged = supervisor.query(*NOV, station="xe-loa-1")
    assert [r["seq"] for r in merged] == list(range(1, 21))
    assert [r["hash"] for r in merged] == [x.record["hash"] for x in vehicle.own_records()]
    checks = {c.station: c for c in supervisor.verify()}
    assert checks["xe-loa-1"].intact and checks["xe-loa-1"].records == 20
    audit = supervisor.query(*NOV, kind="audit")
    assert [(r["action"], r["item"]) for r in audit] == [("import", "xe-1-15.json"), ("import", "xe-10-20.json"),
                                                          ("import", "xe-1-15.json")]


def test_a_supervisor_re_exports_every_source_up_the_chain(tmp_path):
    a = build_log(tmp_path / "a", _days(range(1, 4)), station="xa-ea-tu")
    b = build_log(tmp_path / "b", _days(range(2, 6)), station="xa-ea-kao")
    for log, name in ((a, "a.json"), (b, "b.json")):
        log.export(*NOV, tmp_path / name)
    district = _supervisor(tmp_path)
    district.import_bundles([tmp_path / "a.json", tmp_path / "b.json"])
    assert district.export(*NOV, tmp_path / "huyen.json") == {"huyen-krong-pac": 2, "xa-ea-kao": 4, "xa-ea-tu": 3}
    province = AiringLog(tmp_path / "tinh", station="tinh-dak-lak", clock=StepClock(at(30, 10, 0)))
    result = province.import_bundles([tmp_path / "huyen.json"])
    assert result.new == {"huyen-krong-pac": 2, "xa-ea-kao": 4, "xa-ea-tu": 3}
    assert sorted({r["station"] for r in province.query(*NOV)}) == ["xa-ea-kao", "xa-ea-tu"]
    assert all(c.intact for c in province.verify())


@pytest.mark.parametrize("tamper, message", [
    (lambda recs: recs[2].update(status="missed"),
     "xe-loa-1: record 3 (tiem-vac-xin planned 2026-11-03 07:00 on xe-loa) was altered; the bundle was altered, "
     "nothing was imported"),
    (lambda recs: recs.pop(2),
     "xe-loa-1: record 3 was removed: record 4 (tiem-vac-xin planned 2026-11-04 07:00 on xe-loa) follows record 2; "
     "the bundle was altered, nothing was imported"),
    (lambda recs: recs.pop(),
     "xe-loa-1: the bundle ends at record 4, not at record 5 as it says; the bundle was altered, nothing was "
     "imported"),
])
def test_a_tampered_bundle_is_refused_and_nothing_changes(tmp_path, tamper, message):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 6)), station="xe-loa-1")
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    vehicle.export(*NOV, good)
    data = json.loads(good.read_text(encoding="utf-8"))
    tamper(data["chains"][0]["records"])
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    supervisor = _supervisor(tmp_path)
    supervisor.record("run-start")
    before = _snapshot(supervisor.folder)
    with pytest.raises(InputError) as err:
        supervisor.import_bundles([good, bad])  # the good one is not imported either
    assert str(err.value) == f"{bad}: {message}"
    assert _snapshot(supervisor.folder) == before


def test_a_rehashed_record_that_differs_from_the_held_copy_is_refused(tmp_path):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 3)), station="xe-loa-1")
    bundle = tmp_path / "xe.json"
    vehicle.export(*NOV, bundle)
    supervisor = _supervisor(tmp_path)
    supervisor.import_bundles([bundle])
    data = json.loads(bundle.read_text(encoding="utf-8"))
    (record,) = data["chains"][0]["records"][-1:]
    record["duration_s"] = 1.0
    record["hash"] = record_hash(record)
    data["chains"][0]["head"] = record["hash"]
    bundle.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="record 2 of xe-loa-1 .* differs from the copy already held"):
        supervisor.import_bundles([bundle])


def test_a_bundle_that_leaves_a_gap_is_refused(tmp_path):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 11)), station="xe-loa-1")
    vehicle.export(dt.date(2026, 11, 1), dt.date(2026, 11, 3), tmp_path / "early.json")
    vehicle.export(dt.date(2026, 11, 6), dt.date(2026, 11, 10), tmp_path / "late.json")
    supervisor = _supervisor(tmp_path)
    supervisor.import_bundles([tmp_path / "late.json"])
    with pytest.raises(InputError, match="records 4 to 5 of xe-loa-1 are in no bundle given or held"):
        supervisor.import_bundles([tmp_path / "early.json"])


@pytest.mark.parametrize("content", ["{}", "[1, 2]", "không phải JSON", '{"format": "other"}'])
def test_a_file_that_is_not_a_bundle_is_refused(tmp_path, content):
    path = tmp_path / "bao-cao.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        _supervisor(tmp_path).import_bundles([path])
    assert str(err.value) == f"{path}: not a log bundle (not the JSON that 'broadcaster log export' writes)"


def test_removing_an_imported_record_is_found(tmp_path):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 6)), station="xe-loa-1")
    vehicle.export(*NOV, tmp_path / "xe.json")
    supervisor = _supervisor(tmp_path)
    supervisor.import_bundles([tmp_path / "xe.json"])
    path = supervisor.folder / "sources" / "xe-loa-1" / "2026-11.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["records"]["5"]
    path.write_text(json.dumps(data), encoding="utf-8")
    (check,) = [c for c in supervisor.verify() if c.station == "xe-loa-1"]
    assert check.problem == "record 5 was removed from the end"


def test_export_of_an_empty_range_writes_nothing(tmp_path):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 3)), station="xe-loa-1")
    with pytest.raises(InputError, match="the log has no records from 2026-12-01 to 2026-12-31"):
        vehicle.export(dt.date(2026, 12, 1), dt.date(2026, 12, 31), tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_an_import_cut_off_part_way_is_finished_when_the_log_is_next_opened(tmp_path, monkeypatch):
    vehicle = build_log(tmp_path / "xe", [event(at(d, 7, 0, month=10), "tiem-vac-xin") for d in (30, 31)]
                        + _days(range(1, 4)), station="xe-loa-1")
    bundle = tmp_path / "xe.json"
    vehicle.export(dt.date(2026, 10, 1), dt.date(2026, 11, 30), bundle)
    whole = _supervisor(tmp_path / "whole")
    whole.import_bundles([bundle])

    cut = _supervisor(tmp_path / "cut")
    original = AiringLog._write_source

    def power_cut(self, station, records):
        original(self, station, records[:2])  # October's records reach the disk, November's do not
        raise SystemExit("power cut")

    monkeypatch.setattr(AiringLog, "_write_source", power_cut)
    with pytest.raises(SystemExit):
        cut.import_bundles([bundle])
    monkeypatch.undo()
    assert len(cut.source_records("xe-loa-1")) == 2 and not cut.query(*NOV, kind="audit")

    reopened = _supervisor(tmp_path / "cut")
    reopened.recover()
    assert [x.record for x in reopened.source_records("xe-loa-1")] == [x.record for x in whole.source_records("xe-loa-1")]
    assert [(r["action"], r["item"], r["detail"]) for r in reopened.query(*NOV, kind="audit")] == \
        [("import", "xe.json", "xe-loa-1: +5")]
    assert {c.station: (c.intact, c.records) for c in reopened.verify()} == \
        {c.station: (c.intact, c.records) for c in whole.verify()}
    reopened.recover()  # nothing left to do
    assert len(reopened.query(*NOV, kind="audit")) == 1
