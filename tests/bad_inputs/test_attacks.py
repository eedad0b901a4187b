"""Every attack of the corpus (attacks.py) on a copy of a prepared station: caught with its one line, no
traceback, and nothing unapproved planned to air."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.log_bundles import MAX_BUNDLE_BYTES, write_bundle
from broadcaster.log_chain import record_hash, record_signature
from broadcaster.log_store import COLUMNS, QUOTED, columns
from broadcaster.outputs.sinks import WavFileSink
from broadcaster.playout.channel import Channel, Queued
from broadcaster.playout.clock import SystemClock
from broadcaster.playout.priority import DEFAULT_POLICY, EMERGENCY, PRIORITY
from broadcaster.station import Station
from broadcaster.trust.keys import fingerprint, new_key, public_raw
from tests.bad_inputs.attacks import ATTACKS, Attack
from tests.bad_inputs.test_bad_inputs import made, template  # noqa: F401 (the prepared station)
from tests.faults.conftest import copy_station
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR
from tests.logdata import StepClock, at, build_log, event, tamper

CHIME = "audio/chuong.wav"


def _db(station: Station) -> Path:
    return station.data_dir / "log" / "airing-log.sqlite3"


def _witnessed(station: Station, tmp: Path) -> None:
    """Three airings logged, then a bundle exported: the witness (the district holds it)."""
    log = station.airing_log
    log.clock = StepClock(at(1))
    for day in (1, 2, 3):
        log.clock.at = at(day, 5, 31)
        log.append(event(at(day)))
    log.export(dt.date(2026, 11, 1), dt.date(2026, 11, 30), tmp / "witness.json")


def forge_approval(station: Station, tmp: Path) -> None:
    (station.root / "scripts_text" / "nam.md").write_text("---\nid: nam\ntitle: Tin giả\n---\nTin giả.\n",
                                                          encoding="utf-8")
    station.content.add_file(station.root / "scripts_text" / "nam.md", NOW)
    path = station.data_dir / "library.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    records = {r["announcement"]["id"]: r for r in data["announcements"].values()}
    records["nam"]["decision"] = {**records["mot"]["decision"], "fingerprint": station.library.get("nam").fingerprint}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _asset(station: Station, ident: str) -> str:
    return station.renders.asset(station.library.get(ident).announcement.variants[0]).path


def swap_render(station: Station, tmp: Path) -> None:
    Path(_asset(station, "mot")).write_bytes(Path(_asset(station, "hai")).read_bytes())


def swap_chime(station: Station, tmp: Path) -> None:
    shutil.copyfile(station.root / "audio" / "mot.wav", station.root / CHIME)
    station.renders.chime(CHIME)  # used once: sealed
    shutil.copyfile(station.root / "audio" / "hai.wav", station.root / CHIME)


def _order(station: Station) -> dict:
    return {**station.playout.urgent_request("mot", ["loa-xa"], PRIORITY, DEFAULT_POLICY[PRIORITY], None, None, "",
                                             "", "", NOW), "id": "x", "sent": NOW.isoformat()}


def drop_request(station: Station, tmp: Path) -> None:
    (tmp / "request.json").write_text(json.dumps(
        {"announcement": "nam", "outputs": ["loa-xa"], "level": EMERGENCY, "by": SUPERVISOR, "reason": "khẩn",
         "before_approval": True, "policy": "interrupt", "fingerprint": "x", "id": "y"}), encoding="utf-8")


def request_list(station: Station, tmp: Path) -> None:
    (tmp / "request.json").write_text("[]", encoding="utf-8")


def request_negative(station: Station, tmp: Path) -> None:
    (tmp / "request.json").write_text(json.dumps({**_order(station), "every_s": -5}), encoding="utf-8")


def nothing(station: Station, tmp: Path) -> None:
    pass


def edit_clip(station: Station, tmp: Path) -> None:
    shutil.copyfile(station.root / "audio" / "hai.wav", station.root / "audio" / "mot.wav")


def new_text(station: Station, tmp: Path) -> None:
    (tmp / "nam.md").write_text("---\nid: nam\ntitle: Tin giả\n---\nTin giả.\n", encoding="utf-8")


def log_drop(station: Station, tmp: Path) -> None:
    _witnessed(station, tmp)
    tamper(_db(station), "DELETE FROM records WHERE seq = 3")


def log_rewrite(station: Station, tmp: Path) -> None:
    import sqlite3

    _witnessed(station, tmp)
    db = sqlite3.connect(_db(station), isolation_level=None)
    seq, body = db.execute("SELECT seq, body FROM records ORDER BY seq DESC LIMIT 1").fetchone()
    record = {**json.loads(body), "status": "missed", "actual_start": None, "actual_end": None, "duration_s": 0.0}
    record["hash"] = record_hash(record)
    db.execute(f"UPDATE records SET body = ?, hash = ?, sig = ?, ({QUOTED}) = ({', '.join('?' * len(COLUMNS))}) "
               "WHERE seq = ?", (json.dumps(record, ensure_ascii=False).encode(), record["hash"],
                                 record_signature(station.station_key, record["hash"]), *columns(record), seq))


def log_append(station: Station, tmp: Path) -> None:
    _witnessed(station, tmp)
    log = station.airing_log
    log.clock.at = at(2, 6, 5)
    log.append(event(at(2, 6, 0)))


def _vehicle(tmp: Path, days=range(1, 3)):
    vehicle = build_log(tmp / "xe", [event(at(d, 7, 0), "tiem-vac-xin", output="xe-loa") for d in days],
                        station="xe-loa-1")
    vehicle.export(dt.date(2026, 11, 1), dt.date(2026, 11, 30), tmp / "genuine.json")
    return vehicle


def bundle_traversal(station: Station, tmp: Path) -> None:
    vehicle = _vehicle(tmp)
    data = json.loads((tmp / "genuine.json").read_text(encoding="utf-8"))
    data["chains"][0]["station"] = "../../../tmp/x"
    write_bundle(tmp / "bundle.json", {k: v for k, v in data.items() if k not in ("signature", "public_key")},
                 vehicle.key)


def bundle_unknown_key(station: Station, tmp: Path) -> None:
    vehicle = _vehicle(tmp)
    shutil.copyfile(tmp / "genuine.json", tmp / "bundle.json")
    pin = fingerprint(public_raw(new_key()))
    (tmp / "pin").write_text(pin, encoding="utf-8")
    station.airing_log.pin("xe-loa-1", pin)
    (tmp / "key").write_text(fingerprint(vehicle.public_key), encoding="utf-8")


def bundle_forged_next(station: Station, tmp: Path) -> None:
    vehicle = _vehicle(tmp)
    station.airing_log.import_bundles([tmp / "genuine.json"])  # the station is known, its key pinned
    forger = build_log(tmp / "forged", [event(at(d, 7, 0), "tiem-vac-xin", output="xe-loa") for d in (1, 2, 3)],
                       station="xe-loa-1")
    forger.export(dt.date(2026, 11, 1), dt.date(2026, 11, 30), tmp / "bundle.json")
    (tmp / "key").write_text(fingerprint(forger.public_key), encoding="utf-8")
    (tmp / "pin").write_text(fingerprint(vehicle.public_key), encoding="utf-8")


def bundle_nested(station: Station, tmp: Path) -> None:
    (tmp / "bundle.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


def bundle_huge(station: Station, tmp: Path) -> None:
    with open(tmp / "bundle.json", "wb") as f:
        f.truncate(MAX_BUNDLE_BYTES + 1)  # sparse: takes no room on the disk, and must never be read


def _cap(tmp: Path, name: str) -> None:
    shutil.copyfile(Path(__file__).parents[1] / "hub" / "cap" / name, tmp / "alert.xml")


def cap_billion_laughs(station: Station, tmp: Path) -> None:
    _cap(tmp, "attack-billion-laughs.xml")


def cap_quadratic(station: Station, tmp: Path) -> None:
    _cap(tmp, "attack-quadratic.xml")


def cap_external_entity(station: Station, tmp: Path) -> None:
    _cap(tmp, "attack-external-entity.xml")


def _gate(station: Station, tmp: Path) -> str:
    airing = next(a for a in station.planner.plan(NOW.date(), NOW).airings if a.announcement == "mot")
    return station.planner.gate(airing, NOW) or ""


def _play(station: Station, tmp: Path) -> str:
    airing = next(a for a in Station(station.root).planner.plan(NOW.date(), NOW).airings if a.announcement == "hai")
    events = []
    channel = Channel("loa-xa", [WavFileSink(tmp / "out.wav")], SystemClock(station.config.tz),
                      station.config.profile.sample_rate, 0.0, events.append, tmp / "onair", lambda a: None,
                      verify=station.cache.tampered)
    Path(airing.asset_path).write_bytes(Path(_asset(station, "ba")).read_bytes())  # after the gate passed it
    now = dt.datetime.now(NOW.tzinfo)
    channel._play(Queued((0,), replace(airing, start=now, end=now), DEFAULT_POLICY[PRIORITY], NOW))
    assert not (tmp / "out.wav").exists()  # nothing went to the device
    return "; ".join(f"{e.status}: {e.reason}" for e in events)


def _chime(station: Station, tmp: Path) -> str:
    try:
        station.renders.chime(CHIME)
    except Exception as exc:  # noqa: BLE001 (the line it says is the outcome)
        return str(exc)
    return "aired"


def _request(station: Station, tmp: Path) -> str:
    from broadcaster.errors import BroadcasterError

    try:
        station.playout.verified_order(json.loads((tmp / "request.json").read_text(encoding="utf-8")), NOW)
    except BroadcasterError as exc:
        return exc.message
    return "verified"


def _entry(station: Station, tmp: Path) -> str:
    entry = station.library.get("nam")
    return f"{entry.status}: {entry.doubt}"


def _repeats(station: Station, tmp: Path) -> str:
    from broadcaster.playout.runner import Runner

    said = []
    runner = Runner(station, SystemClock(station.config.tz), [], say=said.append)
    first = station.playout.urgent_airings(_order(station), "loa-xa", NOW, 0)
    times = runner._repeats({"announcement": "mot"}, NOW, 0.01, NOW + dt.timedelta(hours=1) - dt.timedelta(seconds=1),
                            first, None)
    return f"{len(times)} airings: {said[-1]}"


OUTCOMES = {"entry": _entry, "repeats": _repeats, "gate": _gate, "play": _play, "chime": _chime, "request": _request}


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_an_attack_is_caught_and_nothing_unapproved_airs(attack: Attack, template, tmp_path):  # noqa: F811
    station = copy_station(template, tmp_path / "xa")
    tmp = tmp_path / "from-elsewhere"
    tmp.mkdir()
    globals()[attack.done](station, tmp)
    station = Station(station.root)
    kind, what = attack.probe
    if kind == "exit":
        result = CliRunner().invoke(cli, ["--station", str(station.root), *(a.format(tmp=tmp) for a in what)],
                                    input="", env={"BROADCASTER_PASSPHRASE": PASSPHRASE})
        assert "Traceback" not in result.output and (result.exception is None or
                                                     isinstance(result.exception, SystemExit)), result.output
        seen = f"exit {result.exit_code}: {result.output.splitlines()[-1] if result.output else ''}"
    else:
        seen = OUTCOMES[what](station, tmp)
    pin, key = ((tmp / name).read_text(encoding="utf-8") if (tmp / name).exists() else "" for name in ("pin", "key"))
    assert seen == attack.expected.format(tmp=tmp, station=station.root, pin=pin, key=key)
    planned = Station(station.root).planner.plan(NOW.date(), NOW).airings
    assert all(Station(station.root).library.get(a.announcement).approved for a in planned
               if not a.announcement.startswith("chime:"))
