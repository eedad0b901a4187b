"""The hub's live view of its stations: each one online or offline and since when (from its latest heartbeat),
its health, last airing and version, as a person of the hub may see them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from broadcaster.hub.schema import latest_heartbeats, stations

OFFLINE_AFTER_S = 180  # three heartbeats missed (one a minute): the station is offline


@dataclass(frozen=True)
class StationState:
    """A station as the hub knows it now."""

    id: str
    name: str
    area: str
    district: str
    online: bool
    heard: dt.datetime | None     # its latest heartbeat: offline since then, or online and heard then
    health: str                   # ok, warning, failing; '' before its first heartbeat
    problems: tuple[str, ...]     # the lines of its checks that are not ok, in the station's words
    last_airing: dict | None      # the 'last' check's figures: announcement, output, status, at
    version: str
    revoked: bool


def station_states(db: Connection, visible: list[str], now: dt.datetime) -> list[StationState]:
    """The stations among ``visible`` (those a person may see), by district and name."""
    rows = db.execute(select(stations.c.id, stations.c.name, stations.c.area, stations.c.district,
                             stations.c.revoked_at, latest_heartbeats.c.received_at, latest_heartbeats.c.health)
                      .select_from(stations.outerjoin(latest_heartbeats, latest_heartbeats.c.station == stations.c.id))
                      .where(stations.c.id.in_(visible))
                      .order_by(stations.c.district, stations.c.name, stations.c.id)).all()
    return [_state(r, now) for r in rows]


def _state(row, now: dt.datetime) -> StationState:
    health = row.health if isinstance(row.health, dict) else {}
    checks = [c for c in health.get("checks", []) if isinstance(c, dict)]
    last = next((c.get("data") for c in checks if c.get("name") == "last"), None)
    online = row.received_at is not None and (now - row.received_at).total_seconds() <= OFFLINE_AFTER_S
    return StationState(row.id, row.name or row.id, row.area or "", row.district or "", online and not row.revoked_at,
                        row.received_at, str(health.get("status", "")),
                        tuple(str(c.get("message", "")) for c in checks if c.get("status") != "ok"),
                        last if isinstance(last, dict) and last.get("announcement") else None,
                        str(health.get("version", "")), row.revoked_at is not None)
