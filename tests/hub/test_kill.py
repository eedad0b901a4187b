"""The hub killed with SIGKILL while it takes in a big bundle, and PostgreSQL restarted as after a crash:
nothing is lost, nothing is counted twice."""

from __future__ import annotations

import datetime as dt
import signal
import sys
import threading

import psycopg
import pytest
import requests
from sqlalchemy import func, select

from broadcaster.chain.client import HubError
from broadcaster.chain.sync import join_hub, sync_round
from broadcaster.hub import stations, utc_now
from broadcaster.hub.database import engine_for, migrate
from broadcaster.hub.reports import hub_report
from broadcaster.hub.schema import airing_daily, log_records
from broadcaster.station import Station
from tests.helpers import wait_for
from tests.hub.conftest import free_port
from tests.hub.stationdata import bulk_log, new_station, varied_events
from tests.logdata import at
from tests.processes import spawn

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and Debian's server: POSIX")
BIG = 40_000  # records in the bundle being taken in when the hub is killed


def _hub(url: str, data, port: int):
    process = spawn([sys.executable, "-m", "broadcaster", "hub", "serve", "--db", url, "--port", str(port),
                     "--data", str(data)])
    wait_for(lambda: _answers(port), timeout=60)
    return process


def _answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/api/v1/hub", timeout=2).ok
    except requests.RequestException:
        return False


def _ingesting(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as db:
        return bool(db.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                               "AND query LIKE '%jsonb_to_recordset%' AND query NOT LIKE '%pg_stat_activity%'")
                    .fetchone()[0])


def test_a_hub_killed_mid_ingest_loses_nothing_and_counts_nothing_twice(debian_postgres, tmp_path):
    url = debian_postgres.url()
    name = f"hub_kill_{free_port()}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    url = debian_postgres.url(name)
    engine = engine_for(url)
    migrate(engine)
    port = free_port()
    hub = _hub(url, tmp_path / "hub-data", port)
    with engine.begin() as db:
        code = stations.enrol(db, "xa-a", utc_now())
    station = new_station(tmp_path / "xa-a", "xa-a")
    join_hub(station, f"http://127.0.0.1:{port}", code)
    station = Station(station.root)
    total = bulk_log(station, varied_events(BIG // 100, 100))  # 400 days
    airings = total  # every record of bulk_log is an airing

    failed = []
    pushing = threading.Thread(target=lambda: _push(station, failed), daemon=True)
    pushing.start()
    wait_for(lambda: _ingesting(url), timeout=120, step=0.01)
    hub.send_signal(signal.SIGKILL)
    hub.wait(30)
    pushing.join(120)
    assert failed and isinstance(failed[0], HubError)  # the station saw the hub go away mid-request
    debian_postgres.stop("immediate")                  # and PostgreSQL goes down as in a power cut
    debian_postgres.start()
    engine.dispose()
    with engine.connect() as db:
        assert db.execute(select(func.count()).select_from(log_records)).scalar() == 0  # all of the bundle, or none

    hub = _hub(url, tmp_path / "hub-data", port)
    done = sync_round(station, at(28), batch=5_000)
    again = sync_round(station, at(28), batch=5_000)
    with engine.connect() as db:
        kept = db.execute(select(func.count(), func.count(func.distinct(log_records.c.seq)))
                          .select_from(log_records)).one()
        rolled = db.execute(select(func.sum(airing_daily.c.airings))).scalar()
        report = hub_report(db, dt.date(2026, 11, 1), dt.date(2027, 12, 31))
    assert (done.new, again.new, done.cursor) == (total, 0, total)
    assert tuple(kept) == (total, total)
    assert rolled == airings
    assert sum(r.planned + r.urgent + r.replays for r in report) == airings
    hub.send_signal(signal.SIGTERM)
    hub.wait(30)
    engine.dispose()


def _push(station: Station, failed: list) -> None:
    try:
        sync_round(station, at(28), batch=BIG)
    except HubError as exc:
        failed.append(exc)
