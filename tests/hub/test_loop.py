"""`run`'s sync thread: the log reaches the hub soon after an airing; a hub that is down is said once."""

from __future__ import annotations

from sqlalchemy import func, select

from broadcaster.chain.loop import SyncLoop
from broadcaster.chain.sync import join_hub
from broadcaster.hub import stations, utc_now
from broadcaster.hub.schema import log_records
from broadcaster.station import Station
from tests.helpers import wait_for
from tests.hub.conftest import free_port
from tests.hub.stationdata import fill_log, new_station, varied_events
from tests.logdata import at


def _held(hub) -> int:
    with hub.engine.connect() as db:
        return db.execute(select(func.count()).select_from(log_records)).scalar()


def test_records_reach_the_hub_soon_after_an_airing(served_hub, tmp_path):
    with served_hub.engine.begin() as db:
        code = stations.enrol(db, "xa-a", utc_now())
    station = new_station(tmp_path / "xa-a", "xa-a")
    join_hub(station, served_hub.url, code)
    station = Station(station.root)
    said = []
    loop = SyncLoop(station, lambda: at(2), said.append, every_s=3600, soon_s=0.1).start()
    try:
        wait_for(lambda: loop.rounds >= 1)
        total = fill_log(station, varied_events(1, 5))
        loop.nudge()   # as the engine does after an airing: long before the hour is up
        wait_for(lambda: _held(served_hub) == total, timeout=30)
    finally:
        loop.stop()
    assert said == []


def test_a_hub_that_is_down_is_said_once_and_stops_nothing(tmp_path):
    station = new_station(tmp_path / "xa-a", "xa-a")
    from broadcaster.hub_pin import pin_hub
    from broadcaster.trust.keys import b64

    pin_hub(station, f"http://127.0.0.1:{free_port()}", b64(bytes(32)))  # nothing listens there
    station = Station(station.root)
    said = []
    loop = SyncLoop(station, lambda: at(2), said.append, every_s=0.05, soon_s=0.01).start()
    try:
        wait_for(lambda: loop.rounds >= 4)
    finally:
        loop.stop()
    assert len(said) == 1
    assert said[0].startswith(f"hub: the hub at http://127.0.0.1:") and "cannot be reached: ConnectionError" in said[0]
    assert said[0].endswith("; airing goes on, the log is kept and sent later")


def test_the_loop_says_when_the_hub_is_back_and_survives_any_failure(tmp_path):
    outcomes = iter([OSError("disk"), RuntimeError("bug"), None, None])

    def round_(station, now):
        outcome = next(outcomes, None)
        if outcome:
            raise outcome

    said = []
    loop = SyncLoop(None, lambda: at(2), said.append, every_s=0.01, soon_s=0.01, do_round=round_).start()
    try:
        wait_for(lambda: loop.rounds >= 4)
    finally:
        loop.stop()
    assert said == ["hub: sync failed: OSError: disk; airing goes on, the log is kept and sent later",
                    "hub: sync failed: RuntimeError: bug; airing goes on, the log is kept and sent later",
                    "hub: reachable again; the log is sent"]
