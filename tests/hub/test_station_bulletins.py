"""End to end with the real hub on PostgreSQL: two stations joined, each running `run` with its hub threads
as `broadcaster run` starts them; a normal, a priority and an emergency bulletin issued and approved at the hub,
each aired as its level requires; the logs go up and the hub's status shows each delivered and on air."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from click.testing import CliRunner

from broadcaster.chain.sync import join_hub
from broadcaster.cli import cli
from broadcaster.cli.playout import hub_loops
from broadcaster.hub import stations, utc_now
from broadcaster.hub.bulletins import Draft, approve_bulletin, bulletin_status, issue_bulletin
from broadcaster.hub.users import add_user, set_passphrase, unlock
from broadcaster.playout.clock import SystemClock
from broadcaster.playout.runner import Runner
from broadcaster.station import Station
from tests.helpers import wait_for
from tests.hub.conftest import ServedHub

COMMUNES = {"xa-ea-tu": "24611", "xa-hoa-thang": "24614"}
OUTPUTS = "outputs:\n  loa-xa: {file: data/loa-xa.wav}\n  xe-loa: {file: data/xe-loa.wav}\n"


@pytest.fixture
def hub(one_pg_url, tmp_path):
    served = ServedHub(one_pg_url, tmp_path / "hub-data")
    now = utc_now()
    with served.engine.begin() as db:
        for name, roles in (("lan", ["officer"]), ("hung", ["approver"])):
            add_user(db, name, "province", "66", roles, [], now)
            set_passphrase(db, name, f"mật khẩu của {name}")
    yield served
    served.close()


def joined(hub, root, station_id: str) -> Station:
    """A station folder with two WAV outputs, enrolled in its commune and joined to ``hub``."""
    assert CliRunner().invoke(cli, ["init", str(root), "--language", "en"]).exit_code == 0
    (root / "station.yaml").write_text((root / "station.yaml").read_text(encoding="utf-8") + f"id: {station_id}\n",
                                       encoding="utf-8")
    for old in (root / "schedules").glob("*.yaml"):
        old.unlink()
    (root / "schedules" / "lich.yaml").write_text(OUTPUTS + "sessions: []\n", encoding="utf-8")
    with hub.engine.begin() as db:
        code = stations.enrol(db, station_id, utc_now())
        stations.set_station(db, station_id, station_id, COMMUNES[station_id], "643", False)
    join_hub(Station(root), hub.url, code)
    return Station(root)


class OnAir:
    """`run` of one station with the threads `broadcaster run` starts beside it when station.yaml names a hub."""

    def __init__(self, station: Station):
        clock = SystemClock(station.config.tz)
        self.station, self.said = station, []
        self.loops = hub_loops(station, clock, self.said.append)
        self.runner = Runner(station, clock, [self.loops[0].nudge], say=self.said.append)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.runner.run, kwargs={"stop": self.stop})

    def __enter__(self) -> OnAir:
        self.runner.mailbox.hold()
        for loop in self.loops:
            loop.start()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(30)
        self.runner.mailbox.release()
        for loop in reversed(self.loops):
            loop.stop()

    def aired(self, ident: str) -> dict | None:
        today = dt.datetime.now(self.station.config.tz).date()
        return next((r for r in self.station.airing_log.records(today)
                     if r.get("announcement") == ident and r.get("status") == "aired"), None)


def issued(hub, level: str, text: str) -> str:
    now = utc_now()
    draft = Draft(title=f"Bản tin {level}", text=text, level=level, to=tuple(COMMUNES.values()))
    uid = issue_bulletin(hub.engine, draft, unlock(hub.engine, "lan", "mật khẩu của lan", now), now)
    approve_bulletin(hub.engine, hub.key, uid, unlock(hub.engine, "hung", "mật khẩu của hung", now), utc_now())
    return uid


def status(hub, uid: str) -> dict[str, str]:
    with hub.engine.connect() as db:
        return {s.station: s.state for s in bulletin_status(db, uid, utc_now()).stations if s.kind == "bulletin"}


def test_two_stations_air_a_normal_a_priority_and_an_emergency_bulletin_as_their_levels_require(hub, tmp_path):
    both = [joined(hub, tmp_path / ident, ident) for ident in COMMUNES]
    with OnAir(both[0]) as a, OnAir(both[1]) as b:
        normal = issued(hub, "normal", "Họp dân thôn 3 lúc 14 giờ ngày 5/12.")
        wait_for(lambda: all(s.library.find(f"hub-{normal}") for s in both), timeout=30)
        priority = issued(hub, "priority", "Tiêm vắc xin sởi cho trẻ em tại trạm y tế.")
        for on_air in (a, b):  # (an emergency would cut it off: an urgent item is not aired again)
            wait_for(lambda: on_air.aired(f"hub-{priority}"), timeout=60)
        emergency = issued(hub, "emergency", "Khẩn cấp: lũ quét, bà con tránh xa bờ suối.")
        for on_air in (a, b):
            wait_for(lambda: on_air.aired(f"hub-{emergency}"), timeout=60)
        # The normal one waited in the library, approved by the province; it airs where the operator places it.
        assert not a.aired(f"hub-{normal}") and both[0].library.get(f"hub-{normal}").approved_by == "hung"
        start = (dt.datetime.now(both[0].config.tz) + dt.timedelta(seconds=6)).strftime("%H:%M:%S")
        (both[0].root / "schedules" / "lich.yaml").write_text(
            OUTPUTS + f"sessions:\n  - name: Chiều\n    start: '{start}'\n    output: loa-xa\n"
                      f"    items: [hub-{normal}]\n", encoding="utf-8")
        wait_for(lambda: a.aired(f"hub-{normal}"), timeout=60)
        for uid, wanted in ((emergency, {"xa-ea-tu": "on air", "xa-hoa-thang": "on air"}),
                            (priority, {"xa-ea-tu": "on air", "xa-hoa-thang": "on air"}),
                            (normal, {"xa-ea-tu": "on air", "xa-hoa-thang": "delivered"})):
            wait_for(lambda: status(hub, uid) == wanted, timeout=90)
    for on_air in (a, b):
        assert (on_air.aired(f"hub-{emergency}")["priority"], on_air.aired(f"hub-{emergency}")["trigger"]) == \
            ("emergency", "urgent")
        assert on_air.aired(f"hub-{priority}")["priority"] == "priority"
    assert a.aired(f"hub-{normal}")["trigger"] == "schedule"
    assert not [s for s in a.said + b.said if "refused" in s or s.startswith("hub")], a.said + b.said
    assert f"bulletin hub-{normal} (normal) from the province: in the library for the operator" in b.said
    assert f"bulletin hub-{emergency} (emergency) from the province: sent on air" in b.said
