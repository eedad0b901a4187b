"""What stations send the hub, taken in: log bundles (checked whole, each record kept once per station and
sequence number, the daily rollup and the bulletins' on-air times updated in the same transaction) and
heartbeats (history and latest)."""

from __future__ import annotations

import datetime as dt

import orjson
from sqlalchemy import bindparam, select, text, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.engine import Connection, Row

from broadcaster.errors import InputError
from broadcaster.hub.deliveries import mark_on_air
from broadcaster.hub.schema import heartbeats, latest_heartbeats, log_records, stations
from broadcaster.log_bundles import Chain, parse_bundle
from broadcaster.log_chain import GENESIS, first_key, record_signed, signing_key
from broadcaster.messages import t
from broadcaster.hub.stations import RefusedError

HEALTH_STATUSES = ("ok", "warning", "failing")
MAX_HEARTBEAT_BYTES = 64 * 1024  # a health report is a few kilobytes (8 checks: 3.6 KB)
MAX_CHECKS = 200
ROLLUP_DIMENSIONS = ("day", "announcement", "output", "topic", "language", "trigger", "status")

_DIMENSIONS = ", ".join(f'"{d}"' for d in ROLLUP_DIMENSIONS)
_FILLED = ", ".join(f"coalesce(\"{d}\", '')" for d in ROLLUP_DIMENSIONS)
_POSITIONS = ", ".join(str(i + 2) for i in range(len(ROLLUP_DIMENSIONS)))

# One statement: the new records are inserted (those held already are skipped), and exactly the ones inserted
# are added to the daily rollup, so that a bundle sent twice is counted once even when two arrive at once.
INGEST = text(f"""
WITH incoming AS (
    SELECT * FROM jsonb_to_recordset(:rows) AS x(
        seq bigint, kind text, day text, at text, announcement text, output text, topic text, language text,
        status text, "trigger" text, duration_s float8, hash text, record jsonb)),
inserted AS (
    INSERT INTO log_records (station, seq, kind, day, at, announcement, output, topic, language, status, "trigger",
                             duration_s, hash, record, received_at)
    SELECT :station, seq, kind, day, at, announcement, output, topic, language, status, "trigger", duration_s,
           hash, record, :now FROM incoming
    ON CONFLICT (station, seq) DO NOTHING
    RETURNING kind, {_DIMENSIONS}, duration_s)
INSERT INTO airing_daily (station, {_DIMENSIONS}, airings, seconds)
SELECT :station, {_FILLED}, count(*),
       coalesce(sum(duration_s) FILTER (WHERE status IN ('aired', 'partial', 'interrupted')), 0)
FROM inserted WHERE kind = 'airing'
GROUP BY {_POSITIONS}
ON CONFLICT (station, {_DIMENSIONS})
DO UPDATE SET airings = airing_daily.airings + excluded.airings, seconds = airing_daily.seconds + excluded.seconds
""").bindparams(bindparam("rows", type_=JSONB))


def _row(record: dict) -> dict:
    """The columns of a record, as the ingest statement reads them."""
    duration = record.get("duration_s")
    return {"seq": record["seq"], "kind": str(record.get("kind", "")),
            "day": str(record.get("planned_start") or record.get("at") or "")[:10], "at": record.get("at"),
            "announcement": record.get("announcement"), "output": record.get("output"), "topic": record.get("topic"),
            "language": record.get("language"), "status": record.get("status"),
            "trigger": record.get("trigger", "schedule") if record.get("kind") == "airing" else record.get("trigger"),
            "duration_s": float(duration) if isinstance(duration, (int, float)) else None,
            "hash": record["hash"], "record": record}


def ingest_bundle(db: Connection, station: Row, raw: bytes, now: dt.datetime) -> dict:
    """Take in a log bundle sent by ``station`` (its row, locked): its own chain, signed with its pinned key,
    following on what the hub holds. The cursor after it, and how many records were new."""
    try:
        exporter, chains = parse_bundle(raw, t("the bundle from {station}", station=station.id))
    except InputError as exc:
        raise RefusedError(str(exc), 400) from None
    pinned = bytes(station.public_key)
    if exporter != pinned or any(c.station != station.id for c in chains):
        raise RefusedError(t("the bundle is not signed by station {station}'s key; nothing was taken in",
                             station=station.id), 403)
    new = 0
    seq, last_hash = station.log_seq, station.log_hash or GENESIS
    for chain in sorted(chains, key=lambda c: c.first):
        if chain.first > seq + 1:
            raise RefusedError(t("the bundle starts at record {first} but the hub holds records up to {seq} only; "
                                 "send from {next}", first=chain.first, seq=seq, next=seq + 1), 409)
        held = dict(db.execute(select(log_records.c.seq, log_records.c.hash).where(
            log_records.c.station == station.id, log_records.c.seq.between(chain.first - 1, seq))).all())
        before = GENESIS if chain.first == 1 else held.get(chain.first - 1)
        if before is not None and chain.records[0].get("prev") != before:
            raise RefusedError(t("record {seq} of {station} does not follow the record the hub holds before it; "
                                 "nothing was taken in", seq=chain.first, station=station.id), 409)
        _check_keys(db, station.id, chain, seq, pinned)
        for r in chain.records:
            if r["seq"] in held and held[r["seq"]] != r["hash"]:
                raise RefusedError(t("record {seq} of {station} differs from the copy the hub holds; nothing was "
                                     "taken in", seq=r["seq"], station=station.id), 409)
        rows = [_row(r) for r in chain.records if r["seq"] > seq]
        if rows:
            db.execute(INGEST, {"rows": rows, "station": station.id, "now": now})
            mark_on_air(db, station.id, [r["record"] for r in rows], now)
            new += len(rows)
            seq, last_hash = chain.last, chain.head
    db.execute(update(stations).where(stations.c.id == station.id).values(log_seq=seq, log_hash=last_hash))
    return {"seq": seq, "hash": last_hash, "new": new}


def _check_keys(db: Connection, station: str, chain: Chain, seq: int, pinned: bytes) -> None:
    """Refuse a chain that does not go on with the key that signed the last record the hub holds (record ``seq``):
    the key the chain says was in force there (its key hand-overs lead from it to the chain's own key) must have
    signed the hub's copy. Records a station wrote before it changed its key go up signed by the old key; a key
    enrolled since cannot add records without the old key's hand-over, nor sign again the records held."""
    if seq == 0 or chain.last <= seq:
        return  # the hub holds nothing yet (the log starts here), or nothing of the chain is new
    then = signing_key(chain.records, seq, chain.public_key) if chain.first <= seq else \
        first_key(chain.records, chain.public_key)
    held = db.execute(select(log_records.c.record).where(log_records.c.station == station,
                                                         log_records.c.seq == seq)).scalar()
    # A record from before stations had keys cannot tell: then only the pinned key will do.
    if not (record_signed(then, held) if held is not None and "sig" in held else then == pinned):
        raise RefusedError(t("the bundle's records of station {station} are not signed by the key that signed the "
                             "records the hub holds; nothing was taken in", station=station), 403)


def cursor(station: Row) -> dict:
    """How far the hub holds ``station``'s log: the last record's number and hash."""
    return {"seq": station.log_seq, "hash": station.log_hash or GENESIS}


def ingest_heartbeat(db: Connection, station: Row, raw: bytes, now: dt.datetime) -> dict:
    """Keep a station's heartbeat (its health, as broadcaster.health makes it): in the history and as its latest."""
    if len(raw) > MAX_HEARTBEAT_BYTES:  # a station's is a few kilobytes: a bigger one would bloat every page
        raise RefusedError(t("the heartbeat is {size} KB, more than the {limit} KB a health report may have",
                             size=len(raw) // 1024, limit=MAX_HEARTBEAT_BYTES // 1024), 400)
    try:
        health = orjson.loads(raw)
    except orjson.JSONDecodeError:
        health = None
    if not isinstance(health, dict) or health.get("status") not in HEALTH_STATUSES \
            or health.get("station") != station.id \
            or not isinstance(health.get("checks", []), list) or len(health.get("checks", [])) > MAX_CHECKS:
        raise RefusedError(t("the heartbeat is not a health report of station {station}", station=station.id), 400)
    values = {"station": station.id, "received_at": now, "status": health["status"], "health": health}
    db.execute(insert(heartbeats).values(**values))
    db.execute(insert(latest_heartbeats).values(**values).on_conflict_do_update(
        index_elements=["station"], set_={k: v for k, v in values.items() if k != "station"}))
    return {"received_at": now.isoformat(timespec="seconds")}
