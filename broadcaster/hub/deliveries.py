"""A station's side of the bulletins at the hub: its deliveries after its cursor, the clips it fetches, its
receipts (delivered or failed, the first state kept), and its airings of them read from its log (on air)."""

from __future__ import annotations

import datetime as dt

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from broadcaster.hub.schema import bulletins, deliveries
from broadcaster.hub.stations import RefusedError
from broadcaster.messages import t

MAX_DELIVERIES = 100   # in one answer: a station weeks offline catches up in several
MAX_WAIT_S = 30        # a long-poll's longest wait; a station's next poll follows at once
MAX_RECEIPTS = 1000
RECEIPT_STATES = ("delivered", "failed")
MAX_REASON = 500
LIBRARY_PREFIX = "hub-"  # a station's library id for a bulletin: hub-<uid>
ON_AIR = ("aired", "partial", "interrupted")  # sound went out: the bulletin was on air


def poll_arguments(args: dict) -> tuple[int, int]:
    """The cursor (``after``) and the wait in seconds of a long-poll's query; else a RefusedError (400)."""
    after, wait = str(args.get("after", "0")), str(args.get("wait", "0"))
    if not (after.isascii() and after.isdigit()) or len(after) > 18:
        raise RefusedError(t("the cursor '{cursor}' is not a delivery number", cursor=after[:40]), 400)
    if not (wait.isascii() and wait.isdigit()) or len(wait) > 3 or int(wait) > MAX_WAIT_S:
        raise RefusedError(t("the wait '{wait}' is not a number of seconds from 0 to {most}", wait=wait[:40],
                             most=MAX_WAIT_S), 400)
    return int(after), int(wait)


def deliveries_after(db: Connection, station: str, after: int, limit: int = MAX_DELIVERIES) -> dict:
    """``{"deliveries": [envelope, ...], "cursor": N}``: the station's deliveries numbered after ``after``, in
    order, at most ``limit``; the cursor is the last one's number (``after`` when there is none)."""
    rows = db.execute(select(deliveries.c.id, deliveries.c.envelope)
                      .where(deliveries.c.station == station, deliveries.c.id > after)
                      .order_by(deliveries.c.id).limit(limit)).all()
    return {"deliveries": [r.envelope for r in rows], "cursor": rows[-1].id if rows else after}


def clip_for(db: Connection, station: str, uid: str) -> bytes:
    """The clip of the bulletin ``uid``, if it was delivered to ``station``; else a RefusedError (404)."""
    clip = db.execute(select(bulletins.c.clip).join(deliveries, deliveries.c.bulletin_id == bulletins.c.id)
                      .where(bulletins.c.uid == uid[:64], deliveries.c.station == station,
                             deliveries.c.kind == "bulletin")).scalar()
    if clip is None:
        raise RefusedError(t("no bulletin '{uid}' with a clip was sent to station {station}", uid=uid[:64],
                             station=station), 404)
    return bytes(clip)


def _receipt(item: object, number: int, now: dt.datetime) -> tuple[int, str, str | None, dt.datetime]:
    """One receipt checked: its delivery, state, reason and time (never later than the hub's now; never before
    the delivery was made, which the database sees to)."""
    def refuse(what: str):
        raise RefusedError(t("receipt {n}: {what}", n=number, what=what), 400)

    if not isinstance(item, dict):
        refuse(t("not an object"))
    delivery, state, reason, at = item.get("delivery"), item.get("state"), item.get("reason"), item.get("at")
    if not isinstance(delivery, int) or isinstance(delivery, bool) or not 0 < delivery < 2 ** 62:
        refuse(t("'delivery' is not a delivery number"))
    if state not in RECEIPT_STATES:
        refuse(t("'state' is not one of: {states}", states=", ".join(RECEIPT_STATES)))
    if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON):
        refuse(t("'reason' is not a text of at most {n} characters", n=MAX_REASON))
    try:
        when = dt.datetime.fromisoformat(at) if isinstance(at, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        refuse(t("'at' is not a date and time with its time zone"))
    return delivery, state, reason, min(when, now)


def take_receipts(db: Connection, station: str, raw: bytes, now: dt.datetime) -> dict:
    """Record a station's receipts (``{"receipts": [...]}``, checked whole before any is kept): ``{"taken": n}``,
    the receipts that changed a state. The first state wins; a failure after a delivery is kept too (a render
    that failed). A receipt for a delivery that is not the station's is refused."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        data = None
    items = data.get("receipts") if isinstance(data, dict) else None
    if not isinstance(items, list) or len(items) > MAX_RECEIPTS:
        raise RefusedError(t("the request is not a list of at most {n} receipts", n=MAX_RECEIPTS), 400)
    receipts = [_receipt(item, n, now) for n, item in enumerate(items, 1)]
    numbers = {r[0] for r in receipts}
    own = set(db.execute(select(deliveries.c.id).where(deliveries.c.station == station,
                                                       deliveries.c.id.in_(numbers))).scalars())
    foreign = sorted(numbers - own)
    if foreign:
        raise RefusedError(t("delivery {n} is not one the hub made for station {station}", n=foreign[0],
                             station=station), 400)
    taken = 0
    for delivery, state, reason, at in receipts:
        mine = deliveries.c.id == delivery
        if state == "delivered":
            done = db.execute(update(deliveries).where(mine, deliveries.c.delivered_at.is_(None),
                                                       deliveries.c.failed_at.is_(None))
                              .values(delivered_at=func.greatest(at, deliveries.c.accepted_at)))
        else:
            done = db.execute(update(deliveries).where(mine, deliveries.c.failed_at.is_(None))
                              .values(failed_at=func.greatest(at, deliveries.c.accepted_at),
                                      reason=(reason or "").strip() or None))
        taken += done.rowcount
    return {"taken": taken}


def mark_on_air(db: Connection, station: str, records: list[dict], now: dt.datetime) -> int:
    """Set ``on_air_at`` of the station's deliveries of the bulletins that ``records`` (log records newly taken
    in) show on air, keeping the earliest airing; how many deliveries changed."""
    first: dict[str, dt.datetime] = {}
    for record in records:
        name = record.get("announcement")
        if record.get("kind") != "airing" or record.get("status") not in ON_AIR or not isinstance(name, str) \
                or not name.startswith(LIBRARY_PREFIX):
            continue
        try:
            when = dt.datetime.fromisoformat(str(record.get("actual_start") or record.get("at")))
        except ValueError:
            continue
        if when.tzinfo is None:
            continue
        when = min(when, now)  # a station's clock, or its key in the wrong hands, says no future
        uid = name[len(LIBRARY_PREFIX):]
        first[uid] = min(first.get(uid, when), when)
    changed = 0
    for uid, when in first.items():
        ids = select(bulletins.c.id).where(bulletins.c.uid == uid).scalar_subquery()
        changed += db.execute(update(deliveries).where(
            deliveries.c.station == station, deliveries.c.kind == "bulletin", deliveries.c.bulletin_id == ids,
            (deliveries.c.on_air_at.is_(None)) | (deliveries.c.on_air_at > when))
            .values(on_air_at=func.greatest(when, deliveries.c.accepted_at))).rowcount
    return changed
