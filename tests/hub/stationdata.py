"""Stations for the hub's tests: a station folder with its key, and its log filled with known airings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from broadcaster.airing_log import airing_fields
from broadcaster.log_chain import GENESIS, RECORD_VERSION, record_hash, record_signature
from broadcaster.station import Station, init_station
from tests.logdata import StepClock, at, event

ANNOUNCEMENTS = ("khau-hieu-5k", "tiem-vac-xin", "gioi-thieu", "tin-gia")
STATUSES = ("aired", "aired", "aired", "partial", "missed", "failed", "interrupted", "skipped")


def new_station(root: Path, station_id: str) -> Station:
    """A fresh station folder (as 'broadcaster init' makes it) whose id is ``station_id``."""
    init_station(root, station_id, "en")
    path = root / "station.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"id: {station_id}\n", encoding="utf-8")
    return Station(root)


def varied_events(days: int, per_day: int, first: dt.datetime | None = None) -> list:
    """Airing outcomes of ``days`` days, ``per_day`` a day: every status, some urgent, several announcements."""
    first = first or at(1)
    found = []
    for d in range(days):
        for i in range(per_day):
            start = first + dt.timedelta(days=d, minutes=7 * i)
            status = STATUSES[(d + i) % len(STATUSES)]
            trigger = "urgent" if i % 11 == 5 else "schedule"
            found.append(event(start, ANNOUNCEMENTS[(d * 3 + i) % len(ANNOUNCEMENTS)], status=status,
                               seconds=30.0 + (i % 5) * 12.5, trigger=trigger, index=i,
                               output="loa-xa" if i % 3 else "xe-loa"))
    return found


def fill_log(station: Station, events: list) -> int:
    """Append ``events`` to the station's log (each written when its airing ended); how many records it holds."""
    log = station.airing_log
    clock = StepClock(events[0].airing.start)
    log.clock = clock
    for e in events:
        clock.at = e.airing.end
        log.append(e)
    return len(list(log.own_records()))


def bulk_log(station: Station, events: list) -> int:
    """Write ``events`` as signed records in one transaction (a year's log in seconds); the records held."""
    log = station.airing_log
    with log.store.writing() as db:
        last = db.execute("SELECT seq, hash FROM records WHERE station = ? ORDER BY seq DESC LIMIT 1",
                          (log.station,)).fetchone()
        seq, prev = last if last else (0, GENESIS)
        records = []
        for e in events:
            seq += 1
            record = {**airing_fields(e, "Nguyễn Văn An"), "v": RECORD_VERSION, "station": log.station,
                      "at": e.airing.end.isoformat(timespec="milliseconds"), "seq": seq, "prev": prev}
            record["hash"] = record_hash(record)
            record["sig"] = record_signature(log.key, record["hash"])
            prev = record["hash"]
            records.append(record)
        log.store.insert(db, records)
    return seq
