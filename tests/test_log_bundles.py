"""Export and import: bundles of a date range merge into a supervisor's copy, never twice, never altered."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from broadcaster.airing_log import AiringLog, record_hash
from broadcaster.errors import InputError
from broadcaster.log_bundles import write_bundle
from broadcaster.log_chain import record_signature
from broadcaster.trust.keys import fingerprint, new_key, public_raw
from tests.logdata import StepClock, at, build_log, event

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def _days(days: range, output: str = "xe-loa") -> list:
    return [event(at(d, 7, 0), "tiem-vac-xin", output=output, index=0) for d in days]


def _supervisor(tmp_path) -> AiringLog:
    return AiringLog(tmp_path / "huyen", station="huyen-krong-pac", clock=StepClock(at(30, 9, 0)), key=new_key())


def _snapshot(log: AiringLog) -> list:
    db = sqlite3.connect(log.store.path)
    return [db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in ("records", "stations", "bundles")]


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
    province = AiringLog(tmp_path / "tinh", station="tinh-dak-lak", clock=StepClock(at(30, 10, 0)), key=new_key())
    result = province.import_bundles([tmp_path / "huyen.json"])
    assert result.new == {"huyen-krong-pac": 2, "xa-ea-kao": 4, "xa-ea-tu": 3}
    assert sorted({r["station"] for r in province.query(*NOV)}) == ["xa-ea-kao", "xa-ea-tu"]
    assert all(c.intact for c in province.verify())


def _insert(log: AiringLog, records: list[dict]) -> None:
    """Put ``records`` in the database as they are, as someone with a SQLite tool could."""
    with log.store.writing() as db:
        log.store.insert(db, records)


def _resigned(data: dict, path, key) -> None:
    """``data`` written as a bundle signed by ``key``: what someone without the station's key can do."""
    write_bundle(path, {k: v for k, v in data.items() if k not in ("signature", "public_key")}, key)


def test_a_bundle_altered_after_export_is_refused_by_its_signature(tmp_path):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 6)), station="xe-loa-1")
    bundle = tmp_path / "xe.json"
    vehicle.export(*NOV, bundle)
    data = json.loads(bundle.read_text(encoding="utf-8"))
    data["chains"][0]["records"][2]["status"] = "missed"
    bundle.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError) as err:
        _supervisor(tmp_path).import_bundles([bundle])
    assert str(err.value) == (f"{bundle}: the bundle's signature does not verify: it was altered after it was "
                              "exported; nothing was imported")


@pytest.mark.parametrize("tamper, message", [
    (lambda recs: recs[2].update(status="missed"),
     "xe-loa-1: record 3 (tiem-vac-xin planned 2026-11-03 07:00 on xe-loa) was altered; the bundle was altered, "
     "nothing was imported"),
    (lambda recs: recs[2].update(status="missed", hash=record_hash({**recs[2], "status": "missed"})),
     "xe-loa-1: record 3 (tiem-vac-xin planned 2026-11-03 07:00 on xe-loa) is not signed by the station's key: it "
     "was forged or altered; the bundle was altered, nothing was imported"),
    (lambda recs: recs.pop(2),
     "xe-loa-1: record 3 was removed: record 4 (tiem-vac-xin planned 2026-11-04 07:00 on xe-loa) follows record 2; "
     "the bundle was altered, nothing was imported"),
    (lambda recs: recs.pop(),
     "xe-loa-1: the bundle ends at record 4, not at record 5 as it says; the bundle was altered, nothing was "
     "imported"),
])
def test_a_tampered_bundle_signed_again_by_someone_else_is_refused_and_nothing_changes(tmp_path, tamper, message):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 6)), station="xe-loa-1")
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    vehicle.export(*NOV, good)
    data = json.loads(good.read_text(encoding="utf-8"))
    tamper(data["chains"][0]["records"])
    _resigned(data, bad, new_key())
    supervisor = _supervisor(tmp_path)
    supervisor.record("run-start")
    before = _snapshot(supervisor)
    with pytest.raises(InputError) as err:
        supervisor.import_bundles([good, bad])  # the good one is not imported either
    assert str(err.value) == f"{bad}: {message}"
    assert _snapshot(supervisor) == before


def test_a_station_seen_first_is_pinned_and_a_forged_continuation_is_refused(tmp_path):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 3)), station="xe-loa-1")
    vehicle.export(*NOV, tmp_path / "xe.json")
    supervisor = _supervisor(tmp_path)
    result = supervisor.import_bundles([tmp_path / "xe.json"])
    assert result.pinned == {"xe-loa-1": fingerprint(vehicle.public_key)}
    # Someone copies the vehicle's records and adds "the next record", signed with a key of their own:
    copied = AiringLog(tmp_path / "copied", station="xe-loa-1", clock=StepClock(at(30, 9, 0)), key=new_key())
    _insert(copied, [x.record for x in vehicle.own_records()])
    copied.append(event(at(3, 7, 0), "tin-gia", output="xe-loa"))
    copied.export(*NOV, tmp_path / "copied.json")
    with pytest.raises(InputError, match="xe-loa-1: record 1 .* is not signed by the station's key"):
        supervisor.import_bundles([tmp_path / "copied.json"])
    # or makes a whole chain of their own for that station:
    forger = build_log(tmp_path / "forged", _days(range(1, 4)), station="xe-loa-1")
    forger.export(*NOV, tmp_path / "forged.json")
    with pytest.raises(InputError, match="xe-loa-1 is signed by key SHA256:.*, but the key pinned for it is "
                                         f"{fingerprint(vehicle.public_key)}; nothing was imported"):
        supervisor.import_bundles([tmp_path / "forged.json"])
    # The genuine next record is still taken.
    vehicle.clock.at = at(3, 8, 0)
    vehicle.append(event(at(3, 7, 0), "tiem-vac-xin", output="xe-loa"))
    vehicle.export(*NOV, tmp_path / "xe-2.json")
    assert supervisor.import_bundles([tmp_path / "xe-2.json"]).new == {"xe-loa-1": 1}


def test_a_forged_copy_held_from_before_keys_gives_way_to_the_signed_one(tmp_path):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 4)), station="xe-loa-1")
    vehicle.export(dt.date(2026, 11, 1), dt.date(2026, 11, 2), tmp_path / "early.json")
    vehicle.export(*NOV, tmp_path / "all.json")
    supervisor = _supervisor(tmp_path)
    supervisor.import_bundles([tmp_path / "early.json"])
    records = [x.record for x in vehicle.own_records()]
    forged = {**records[2], "status": "missed", "reason": "bịa đặt"}
    forged.pop("sig")
    forged["hash"] = record_hash(forged)  # held unsigned, as an import before keys would have left it
    _insert(supervisor, [forged])
    result = supervisor.import_bundles([tmp_path / "all.json"])
    assert result.replaced == {"xe-loa-1": 3} and result.new == {"xe-loa-1": 1}
    assert [r["status"] for r in supervisor.query(*NOV, station="xe-loa-1")] == ["aired"] * 3
    assert all(c.intact for c in supervisor.verify())


def test_a_pinned_fingerprint_is_required_of_the_first_bundle(tmp_path):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 3)), station="xe-loa-1")
    vehicle.export(*NOV, tmp_path / "xe.json")
    supervisor = _supervisor(tmp_path)
    supervisor.pin("xe-loa-1", fingerprint(public_raw(new_key())))
    with pytest.raises(InputError, match="xe-loa-1 is signed by key SHA256:.*, not by the key SHA256:.* pinned for "
                                         "it; nothing was imported"):
        supervisor.import_bundles([tmp_path / "xe.json"])
    supervisor.pin("xe-loa-1", fingerprint(vehicle.public_key))
    assert supervisor.import_bundles([tmp_path / "xe.json"]).new == {"xe-loa-1": 2}
    with pytest.raises(InputError, match="'SHA256:abc' is not a key fingerprint such as SHA256:"):
        supervisor.pin("xe-loa-1", "SHA256:abc")
    with pytest.raises(InputError, match="'../etc' is not the id of another station"):
        supervisor.pin("../etc", fingerprint(vehicle.public_key))


@pytest.mark.parametrize("station", ["../../../tmp/x", "/etc", "XA EA TU", "", "a" * 65])
def test_a_station_id_that_is_not_an_id_is_refused(tmp_path, station):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 2)), station="xe-loa-1")
    vehicle.export(*NOV, tmp_path / "xe.json")
    data = json.loads((tmp_path / "xe.json").read_text(encoding="utf-8"))
    data["chains"][0]["station"] = station
    _resigned(data, tmp_path / "bad.json", vehicle.key)
    with pytest.raises(InputError, match="the bundle names a station '.*' that is not a station id"):
        _supervisor(tmp_path).import_bundles([tmp_path / "bad.json"])
    assert list(tmp_path.glob("**/etc")) == [] and not (tmp_path.parent / "tmp" / "x").exists()


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
    record["sig"] = record_signature(vehicle.key, record["hash"])  # with the station's own key
    data["chains"][0]["head"] = record["hash"]
    _resigned(data, bundle, vehicle.key)
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


@pytest.mark.parametrize("content", ["{}", "[1, 2]", "không phải JSON", '{"format": "other"}', "[" * 100_000,
                                     '{"format": "broadcaster-log-bundle", "chains": ' + "[" * 5000 + "]" * 5000 + "}"])
def test_a_file_that_is_not_a_bundle_is_refused(tmp_path, content):
    path = tmp_path / "bao-cao.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        _supervisor(tmp_path).import_bundles([path])
    assert str(err.value) == f"{path}: not a log bundle (not the JSON that 'broadcaster log export' writes)"


def test_an_unsigned_bundle_of_an_older_version_is_refused(tmp_path):
    path = tmp_path / "cu.json"
    path.write_text(json.dumps({"format": "broadcaster-log-bundle", "v": 1, "chains": []}), encoding="utf-8")
    with pytest.raises(InputError, match="the bundle is not signed .*; ask the station for a new export"):
        _supervisor(tmp_path).import_bundles([path])


def test_a_bundle_too_large_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr("broadcaster.log_bundles.MAX_BUNDLE_BYTES", 2 ** 20)
    path = tmp_path / "lon.json"
    with open(path, "wb") as f:
        f.truncate(3 * 2 ** 20)  # sparse: nothing to read
    opened = []
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a) or (_ for _ in ()).throw(AssertionError))
    with pytest.raises(InputError) as err:
        _supervisor(tmp_path).import_bundles([path])
    assert str(err.value) == f"{path}: the bundle is 3 MB, more than the 1 MB a bundle may have; export a shorter " \
                             "date range"
    assert opened == []


def test_removing_an_imported_record_is_found(tmp_path):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 6)), station="xe-loa-1")
    vehicle.export(*NOV, tmp_path / "xe.json")
    supervisor = _supervisor(tmp_path)
    supervisor.import_bundles([tmp_path / "xe.json"])
    sqlite3.connect(supervisor.store.path, isolation_level=None).execute(
        "DELETE FROM records WHERE station = 'xe-loa-1' AND seq = 5")
    (check,) = [c for c in supervisor.verify() if c.station == "xe-loa-1"]
    assert check.problem == "record 5 was removed from the end"


def test_export_of_an_empty_range_writes_nothing(tmp_path):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 3)), station="xe-loa-1")
    with pytest.raises(InputError, match="the log has no records from 2026-12-01 to 2026-12-31"):
        vehicle.export(dt.date(2026, 12, 1), dt.date(2026, 12, 31), tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_an_import_cut_off_part_way_leaves_nothing_of_it(tmp_path, monkeypatch):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 4)), station="xe-loa-1")
    vehicle.export(*NOV, tmp_path / "xe.json")
    supervisor = _supervisor(tmp_path)
    supervisor.record("run-start")
    before = _snapshot(supervisor)

    def power_cut(self, db, fields):
        raise SystemExit("power cut")  # after the records were inserted, before the audit record

    monkeypatch.setattr(AiringLog, "_append_in", power_cut)
    with pytest.raises(SystemExit):
        supervisor.import_bundles([tmp_path / "xe.json"])
    monkeypatch.undo()
    assert _snapshot(supervisor) == before
    assert supervisor.import_bundles([tmp_path / "xe.json"]).new == {"xe-loa-1": 3}


def test_a_record_of_a_newer_version_is_refused(tmp_path):
    vehicle = build_log(tmp_path / "xe", _days(range(1, 3)), station="xe-loa-1")
    vehicle.export(*NOV, tmp_path / "xe.json")
    data = json.loads((tmp_path / "xe.json").read_text(encoding="utf-8"))
    data["chains"][0]["records"][1]["v"] = 99
    _resigned(data, tmp_path / "moi.json", vehicle.key)
    with pytest.raises(InputError, match="record 2 was written by a newer broadcaster \\(version 99, this one reads 3\\)"):
        _supervisor(tmp_path).import_bundles([tmp_path / "moi.json"])
