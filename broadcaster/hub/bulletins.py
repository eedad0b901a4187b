"""Bulletins at the hub: written and signed by an officer, approved by a second person (four eyes), then
delivered to every station it is for, as an envelope the hub signs (see bulletin_protocol.py); cancelled by an
approver; followed per station until it is on air. The CLI, the web pages and the CAP intake all call these."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Text, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.engine import Connection, Engine, Row

from broadcaster.content.announcement import LANGUAGE_PATTERN
from broadcaster.errors import InputError
from broadcaster.hub import bulletin_protocol as protocol
from broadcaster.hub.schema import bulletins, deliveries, stations
from broadcaster.hub.stations import check_station_id
from broadcaster.hub.users import Signer, require_role, stations_for
from broadcaster.messages import marked, t
from broadcaster.trust import statements

LEVELS = (marked("normal"), marked("priority"), marked("emergency"))
SOURCES = ("cli", "web", "cap")
DEFAULT_VALIDITY = {"normal": dt.timedelta(days=7), "priority": dt.timedelta(days=1),
                    "emergency": dt.timedelta(hours=6)}
MAX_TITLE, MAX_TEXT = 200, 20_000
# A clip crosses every station's 4G link: 20 MB is some 20 minutes of speech in MP3 at 128 kbit/s.
MAX_CLIP_BYTES = 20_000_000
MAX_VALIDITY = dt.timedelta(days=366)  # a bulletin starts and ends within this of now (no year-10000 dates)
CHECK_RATE = 16_000  # the rate a clip is decoded at to be checked (the station renders it at its own)
TOPIC = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
OUTPUT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
AREA_CODE = re.compile(r"[0-9]{3}|[0-9]{5}")
ALL = "all"
NOTIFY_CHANNEL = "hub_deliveries"     # NOTIFY'd when deliveries are made: the API wakes its long-polls
UID_LOCK = 0x6875625F756964           # pg_advisory_xact_lock keys: uids numbered one after the other ...
DELIVERY_LOCK = 0x6875625F646C76      # ... and deliveries committed in the order of their ids (the cursors)


@dataclass(frozen=True)
class Draft:
    """A bulletin as its officer writes it: a text or a clip, its level, and the stations it is for (``to``:
    'all' of the officer's stations, station ids, and areas: a commune's code, 5 digits, or a district's, 3)."""

    title: str
    text: str | None = None
    clip: bytes | None = None
    clip_format: str | None = None
    level: str = "normal"
    to: tuple[str, ...] = (ALL,)
    outputs: tuple[str, ...] = ()
    language: str = "vie"
    topic: str = "general"
    valid_from: dt.datetime | None = None    # None: now
    valid_until: dt.datetime | None = None   # None: valid_from + DEFAULT_VALIDITY[level]
    drill: bool = False                      # a Test or Exercise: delivered to stations in drill mode only
    replaces: str | None = None              # the uid of the bulletin it updates
    source: str = "cli"
    cap_identifier: str | None = None


def read_clip(path: Path) -> tuple[bytes, str]:
    """A clip for a bulletin, checked as the station's ``content add`` checks one (a format it takes, decodable,
    not silent, not too short or long) and at most MAX_CLIP_BYTES: its bytes and format (its extension)."""
    from broadcaster.content.clips import decode_clip
    from broadcaster.plainfile import read_regular

    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(t("no such file"), path=path) from None
    if size > MAX_CLIP_BYTES:
        raise InputError(t("the clip is {mb} MB, more than {limit} MB", mb=size // 1_000_000,
                           limit=MAX_CLIP_BYTES // 1_000_000), path=path)
    decode_clip(path, CHECK_RATE)
    data = read_regular(path, MAX_CLIP_BYTES, lambda n: t("the clip is {mb} MB, more than {limit} MB",
                                                           mb=n // 1_000_000, limit=MAX_CLIP_BYTES // 1_000_000))
    return data, path.suffix.lower().lstrip(".")


def _one_line(value: str, what: str, limit: int) -> str:
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if not value or len(value) > limit:
        raise InputError(t("{what} must have 1 to {n} characters", what=what, n=limit))
    return value


def _fields(draft: Draft, uid: str, by: str, now: dt.datetime) -> dict:
    """The signed fields of ``draft``, checked; an InputError naming the first that is wrong."""
    title = _one_line(draft.title, t("the title"), MAX_TITLE)
    body = unicodedata.normalize("NFC", draft.text).strip() if draft.text is not None else None
    if (body is None) == (draft.clip is None):
        raise InputError(t("a bulletin has a text or a clip (one of them)"))
    if body is not None and (not body or len(body) > MAX_TEXT):
        raise InputError(t("{what} must have 1 to {n} characters", what=t("the text"), n=MAX_TEXT))
    if draft.level not in LEVELS:
        raise InputError(t("unknown level '{level}'; expected one of: {levels}", level=draft.level,
                           levels=", ".join(LEVELS)))
    if not LANGUAGE_PATTERN.match(draft.language):
        raise InputError(t("language '{lang}' must be an ISO 639-3 code such as vie, rad (Ê Đê), jra (J'rai)",
                           lang=draft.language))
    if not TOPIC.fullmatch(draft.topic):
        raise InputError(t("topic '{topic}' must be lower-case letters a-z, digits and '-'", topic=draft.topic[:60]))
    for name in draft.outputs:
        if not OUTPUT.fullmatch(name):
            raise InputError(t("'{name}' is not an output's name", name=name[:60]))
    start = draft.valid_from or now
    end = draft.valid_until or start + DEFAULT_VALIDITY[draft.level]
    if start.tzinfo is None or end.tzinfo is None:
        raise InputError(t("a bulletin's validity needs times with their time zone"))
    if end <= max(start, now):
        raise InputError(t("the bulletin would be valid until {end}, which is already past or before its start",
                           end=end.isoformat(timespec="minutes")))
    if end > now + MAX_VALIDITY or start < now - MAX_VALIDITY:
        raise InputError(t("a bulletin is valid within a year from now; {start} to {end} is not",
                           start=start.isoformat(timespec="minutes"), end=end.isoformat(timespec="minutes")))
    return {"uid": uid, "title": title, "text": body,
            "clip_sha256": hashlib.sha256(draft.clip).hexdigest() if draft.clip is not None else None,
            "clip_format": draft.clip_format if draft.clip is not None else None, "language": draft.language,
            "topic": draft.topic, "level": draft.level, "outputs": sorted(set(draft.outputs)),
            "valid_from": start.isoformat(), "valid_until": end.isoformat(), "drill": draft.drill,
            "replaces": draft.replaces, "by": by, "written": now.isoformat()}


def resolve_targets(db: Connection, to: tuple[str, ...] | list[str], drill: bool = False,
                    everyone: set[str] | None = None) -> list[str]:
    """The ids of the stations ``to`` names ('all': ``everyone``, else every station; ids; commune or district
    codes); revoked stations left out, and for a drill, the stations not in drill mode. An InputError for a name
    that fits no station."""
    live = select(stations.c.id).where(stations.c.revoked_at.is_(None))
    found: set[str] = set()
    for target in to or (ALL,):
        if target == ALL:
            query = live if everyone is None else live.where(stations.c.id.in_(everyone))
        elif AREA_CODE.fullmatch(target):
            query = live.where((stations.c.area if len(target) == 5 else stations.c.district) == target)
        else:
            query = live.where(stations.c.id == check_station_id(target))
        ids = set(db.execute(query).scalars())
        if not ids and target == ALL and everyone is not None:
            ids = set(db.execute(live).scalars())  # none of the writer's: the role check below names them
        if not ids:
            raise InputError(t("no station of the hub is in area {area}", area=target) if AREA_CODE.fullmatch(target)
                             else t("no station '{station}' is enrolled at this hub", station=target) if target != ALL
                             else t("no station is enrolled at this hub"))
        found |= ids
    if drill:
        found &= set(db.execute(live.where(stations.c.drill)).scalars())
        if not found:
            raise InputError(t("none of these stations is in drill mode (broadcaster hub station set ID --drill)"))
    return sorted(found)


def _next_uid(db: Connection, area: str, now: dt.datetime) -> str:
    """``<area>-<yyyymmdd>-<n>``: readable, and unique (numbered under a lock)."""
    db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UID_LOCK})
    prefix = f"{area}-{now.astimezone(dt.timezone.utc):%Y%m%d}-"
    taken = db.execute(select(bulletins.c.uid).where(bulletins.c.uid.startswith(prefix))).scalars()
    return prefix + str(1 + max((int(u[len(prefix):]) for u in taken if u[len(prefix):].isdigit()), default=0))


def issue_bulletin(engine: Engine, draft: Draft, officer: Signer, now: dt.datetime) -> str:
    """Write ``draft`` as a bulletin signed by ``officer`` (who must be an officer for every station it is for),
    waiting for approval; its uid."""
    with engine.begin() as db:
        return _issue(db, draft, officer, now)


def issue_approved(engine: Engine, hub: Ed25519PrivateKey, draft: Draft, officer: Signer, approver: Signer,
                   now: dt.datetime) -> tuple[str, int]:
    """Write ``draft`` as ``officer`` and approve it as ``approver`` in one go (an emergency, where seconds
    count): both or neither; its uid and how many stations it goes to."""
    if approver.name == officer.name:
        raise InputError(t("{name} cannot approve a bulletin they write: another person must approve it",
                           name=approver.name))
    with engine.begin() as db:
        uid = _issue(db, draft, officer, now)
        return uid, _approve(db, hub, uid, approver, now)


def _issue(db: Connection, draft: Draft, officer: Signer, now: dt.datetime) -> str:
    """The bulletin of ``draft`` by ``officer`` written in the transaction ``db``; its uid."""
    if draft.source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    targets = resolve_targets(db, draft.to, draft.drill, stations_for(db, officer.name, "officer"))
    require_role(db, officer.name, "officer", targets, t("issue bulletins"))
    if draft.replaces is not None and _find(db, draft.replaces) is None:
        raise InputError(t("no bulletin '{uid}' at this hub", uid=draft.replaces))
    uid = _next_uid(db, officer.area, now)
    fields = _fields(draft, uid, officer.name, now)
    db.execute(insert(bulletins).values(
        uid=uid, title=fields["title"], text=fields["text"], clip=draft.clip, clip_format=fields["clip_format"],
        language=draft.language, topic=draft.topic, level=draft.level, outputs=fields["outputs"],
        valid_from=dt.datetime.fromisoformat(fields["valid_from"]),
        valid_until=dt.datetime.fromisoformat(fields["valid_until"]), drill=draft.drill,
        replaces=draft.replaces, source=draft.source, cap_identifier=draft.cap_identifier,
        created_by=officer.name, created_at=now, statement=protocol.bulletin_statement(fields, officer.key),
        stations=targets))
    return uid


def _find(db: Connection, uid: str, lock: bool = False) -> Row | None:
    query = select(bulletins).where(bulletins.c.uid == str(uid)[:64])
    return db.execute(query.with_for_update() if lock else query).first()


def _bulletin(db: Connection, uid: str) -> Row:
    """The bulletin ``uid``, locked for this transaction; else an InputError."""
    row = _find(db, uid, lock=True)
    if row is None:
        raise InputError(t("no bulletin '{uid}' at this hub", uid=str(uid)[:64]))
    return row


def _deliver(db: Connection, hub: Ed25519PrivateKey, row: Row, kind: str, inside: dict, people: dict,
             now: dt.datetime) -> int:
    """One delivery of ``kind`` per live station of ``row``, each in its own envelope; NOTIFY'd on commit."""
    db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DELIVERY_LOCK})
    targets = sorted(set(row.stations) & set(db.execute(
        select(stations.c.id).where(stations.c.revoked_at.is_(None))).scalars()))
    if not targets:
        return 0
    ids = db.execute(text("SELECT nextval(pg_get_serial_sequence('deliveries', 'id')) FROM generate_series(1, :n)"),
                     {"n": len(targets)}).scalars().all()
    db.execute(insert(deliveries).on_conflict_do_nothing(), [
        {"id": number, "bulletin_id": row.id, "station": station, "kind": kind, "accepted_at": now,
         "envelope": protocol.envelope(hub, station, number, inside, people, now)}
        for number, station in zip(ids, targets)])
    db.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
    return len(targets)


def approve_bulletin(engine: Engine, hub: Ed25519PrivateKey, uid: str, approver: Signer, now: dt.datetime) -> int:
    """Approve the bulletin ``uid`` as ``approver`` (not its writer; an approver for every station it is for) and
    deliver it, signed by ``hub``; how many stations it goes to."""
    with engine.begin() as db:
        return _approve(db, hub, uid, approver, now)


def _approve(db: Connection, hub: Ed25519PrivateKey, uid: str, approver: Signer, now: dt.datetime) -> int:
    """The approval and deliveries of ``uid`` in the transaction ``db``; how many stations it goes to."""
    row = _bulletin(db, uid)
    if row.cancelled_at is not None:
        raise InputError(t("bulletin {uid} was cancelled", uid=row.uid))
    if row.approved_at is not None:
        raise InputError(t("bulletin {uid} was already approved by {name}", uid=row.uid, name=row.approved_by))
    if row.valid_until <= now:
        raise InputError(t("bulletin {uid} expired at {time}", uid=row.uid,
                           time=row.valid_until.isoformat(timespec="minutes")))
    if approver.name == row.created_by:
        raise InputError(t("{name} wrote bulletin {uid}: another person must approve it", name=approver.name,
                           uid=row.uid))
    require_role(db, approver.name, "approver", row.stations, t("approve bulletins"))
    approval = protocol.approval_statement(row.statement, approver.name, now, approver.key)
    db.execute(update(bulletins).where(bulletins.c.id == row.id).values(
        approved_by=approver.name, approved_at=now, approval=approval))
    people = dict([(row.statement[statements.SIGNER], {"name": row.created_by, "roles": ["officer"]}),
                   (approval[statements.SIGNER], {"name": approver.name, "roles": ["approver"]})])
    return _deliver(db, hub, row, "bulletin", {"bulletin": row.statement, "approval": approval}, people, now)


def cancel_bulletin(engine: Engine, hub: Ed25519PrivateKey, uid: str, approver: Signer, now: dt.datetime) -> int:
    """Withdraw the bulletin ``uid`` as ``approver``: stations drop what has not aired; how many are told."""
    with engine.begin() as db:
        row = _bulletin(db, uid)
        if row.cancelled_at is not None:
            raise InputError(t("bulletin {uid} was cancelled", uid=row.uid))
        require_role(db, approver.name, "approver", row.stations, t("cancel bulletins"))
        cancel = protocol.cancel_statement(row.uid, approver.name, now, approver.key)
        db.execute(update(bulletins).where(bulletins.c.id == row.id).values(
            cancelled_by=approver.name, cancelled_at=now, cancellation=cancel))
        if row.approved_at is None:
            return 0  # never sent: nothing to withdraw at the stations
        people = {cancel[statements.SIGNER]: {"name": approver.name, "roles": ["approver"]}}
        return _deliver(db, hub, row, "cancel", {"cancel": cancel}, people, now)


@dataclass(frozen=True)
class Summary:
    """A bulletin as a list shows it."""

    uid: str
    title: str
    level: str
    state: str                   # waiting, approved, cancelled or expired
    created_by: str
    approved_by: str | None
    created_at: dt.datetime
    stations: int
    drill: bool


def state_of(row: Row, now: dt.datetime) -> str:
    """Where a bulletin stands: cancelled, expired, approved, or waiting for approval."""
    if row.cancelled_at is not None:
        return marked("cancelled")
    if row.valid_until <= now:
        return marked("expired")
    return marked("approved") if row.approved_at is not None else marked("waiting for approval")


def for_any(station_ids: list[str]):
    """The condition: a bulletin for at least one of ``station_ids``."""
    return bulletins.c.stations.op("?|")(literal(list(station_ids), ARRAY(Text)))


def bulletin_list(db: Connection, now: dt.datetime, limit: int = 100,
                  station_ids: list[str] | None = None) -> list[Summary]:
    """The latest ``limit`` bulletins (of those for any of ``station_ids``, when given), newest first."""
    if station_ids is not None and not station_ids:
        return []
    query = select(bulletins.c.uid, bulletins.c.title, bulletins.c.level, bulletins.c.created_by,
                   bulletins.c.approved_by, bulletins.c.approved_at, bulletins.c.cancelled_at, bulletins.c.valid_until,
                   bulletins.c.created_at, bulletins.c.drill, func.jsonb_array_length(bulletins.c.stations).label("count"))
    if station_ids is not None:
        query = query.where(for_any(station_ids))
    rows = db.execute(query.order_by(bulletins.c.id.desc()).limit(limit))
    return [Summary(r.uid, r.title, r.level, state_of(r, now), r.created_by, r.approved_by, r.created_at, r.count,
                    r.drill) for r in rows]


@dataclass(frozen=True)
class StationState:
    """One station's delivery of a bulletin (or of its cancellation) and how far it went."""

    station: str
    name: str
    kind: str
    accepted_at: dt.datetime
    delivered_at: dt.datetime | None
    on_air_at: dt.datetime | None
    failed_at: dt.datetime | None
    reason: str | None

    @property
    def state(self) -> str:
        """The furthest it went: failed, on air, delivered or accepted."""
        return marked("failed") if self.failed_at else marked("on air") if self.on_air_at else \
            marked("delivered") if self.delivered_at else marked("accepted")

    @property
    def late(self) -> dt.timedelta | None:
        """From the hub's acceptance to the furthest state it reached (None while only accepted)."""
        end = self.failed_at or self.on_air_at or self.delivered_at
        return end - self.accepted_at if end else None


@dataclass(frozen=True)
class Status:
    """A bulletin and its deliveries, station by station."""

    summary: Summary
    stations: list[StationState]
    waiting: list[str]           # stations it is for that have no delivery yet (not approved, or revoked)


def bulletin_status(db: Connection, uid: str, now: dt.datetime) -> Status:
    """Where the bulletin ``uid`` stands at each of its stations."""
    row = _find(db, uid)
    if row is None:
        raise InputError(t("no bulletin '{uid}' at this hub", uid=str(uid)[:64]))
    found = [StationState(r.station, r.name or "", r.kind, r.accepted_at, r.delivered_at, r.on_air_at, r.failed_at,
                          r.reason) for r in db.execute(
        select(deliveries, stations.c.name).join(stations, stations.c.id == deliveries.c.station)
        .where(deliveries.c.bulletin_id == row.id).order_by(deliveries.c.kind, deliveries.c.station))]
    summary = Summary(row.uid, row.title, row.level, state_of(row, now), row.created_by, row.approved_by,
                      row.created_at, len(row.stations), row.drill)
    return Status(summary, found, sorted(set(row.stations) - {s.station for s in found}))
