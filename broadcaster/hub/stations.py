"""Stations at the hub: enrolled by a one-time code, joined with their public key, revoked; every request
authenticated by the station's signature and a counter that only goes up."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import secrets
import unicodedata

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Connection, Row

from broadcaster.config import STATION_ID
from broadcaster.errors import InputError
from broadcaster.hub.protocol import request_message
from broadcaster.hub.schema import enrolment_codes, revoked_keys, stations
from broadcaster.messages import t
from broadcaster.trust.keys import fingerprint, verifies

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
CODE_GROUPS = 4                                      # 4 groups of 4: 80 bits
DEFAULT_CODE_DAYS = 7


class RefusedError(InputError):
    """A request the hub refuses; ``status`` is the HTTP status it answers with."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def code_hash(code: str) -> str:
    """What the hub keeps of an enrolment code: its SHA-256, spelled without dashes and in capitals."""
    plain = "".join(c for c in str(code).upper() if c.isalnum())
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def check_station_id(station: object) -> str:
    """``station`` if it is a station id; else an InputError."""
    if not isinstance(station, str) or not STATION_ID.fullmatch(station):
        raise InputError(t("station id '{id}' must be lower-case letters a-z, digits and '-', such as xa-ea-tu",
                           id=str(station)[:80]))
    return station


def enrol(db: Connection, station: str, now: dt.datetime, days: int = DEFAULT_CODE_DAYS) -> str:
    """A new one-time code with which ``station`` may join (or join again, with a new key) within ``days``."""
    check_station_id(station)
    code = "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(CODE_GROUPS))
    db.execute(insert(stations).values(id=station).on_conflict_do_nothing())
    db.execute(insert(enrolment_codes).values(code_hash=code_hash(code), station=station, created_at=now,
                                              expires_at=now + dt.timedelta(days=days)))
    return code


def enrol_station(db: Connection, station: str, now: dt.datetime, days: int = DEFAULT_CODE_DAYS,
                  name: str | None = None, area: str | None = None, district: str | None = None,
                  drill: bool | None = None) -> str:
    """:func:`enrol` ``station`` and :func:`set_station` what is known of it, in the caller's transaction."""
    code = enrol(db, station, now, days)
    set_station(db, station, name, area, district, drill)
    return code


def join(db: Connection, station: object, public_key: object, code: object, now: dt.datetime) -> str:
    """Pin ``public_key`` (base64 of 32 bytes) for ``station`` if ``code`` is its unused, unexpired code; the
    key's fingerprint. Joining again with a new code replaces the key; after a revocation, only a new key
    lifts it."""
    check_station_id(station)
    try:
        key = base64.b64decode(str(public_key), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise RefusedError(t("the station's public key is not an Ed25519 key"), 400)
    found = db.execute(select(enrolment_codes).where(enrolment_codes.c.code_hash == code_hash(str(code)))
                       .with_for_update()).first()
    if found is None or found.station != station:
        raise RefusedError(t("the enrolment code is not one the hub gave for {station}", station=station), 403)
    if found.used_at is not None:
        raise RefusedError(t("the enrolment code was already used; ask the province for a new one"), 403)
    if found.expires_at <= now:
        raise RefusedError(t("the enrolment code expired on {day}; ask the province for a new one",
                             day=found.expires_at.date().isoformat()), 403)
    previous = db.execute(select(stations.c.public_key, stations.c.revoked_at).where(stations.c.id == station)).first()
    revoked = db.execute(select(revoked_keys.c.station).where(revoked_keys.c.public_key == key)).first()
    if revoked is not None or (previous.revoked_at is not None and bytes(previous.public_key or b"") == key):
        # Whoever stole a key could join with it again: a key once revoked never comes back, whatever key the
        # station has moved to since.
        raise RefusedError(t("station {station}'s key {key} was revoked; join with a new key (broadcaster hub join "
                             "HUB_URL CODE --new-key)", station=station, key=fingerprint(key)), 403)
    db.execute(update(enrolment_codes).where(enrolment_codes.c.code_hash == found.code_hash).values(used_at=now))
    # A new key starts a new counter (no request was ever signed with it); the same key keeps its counter, so
    # that no request seen before can be played again. The log already held stays: its records are signed.
    reset = {} if previous.public_key is not None and bytes(previous.public_key) == key else {"counter": 0}
    db.execute(update(stations).where(stations.c.id == station)
               .values(public_key=key, enrolled_at=now, revoked_at=None, **reset))
    return fingerprint(key)


def revoke(db: Connection, station: str, now: dt.datetime) -> None:
    """Refuse every request signed with ``station``'s key from now on, and void its codes not yet used (join
    again with a code made after this to return)."""
    done = db.execute(update(stations).where(stations.c.id == check_station_id(station)).values(revoked_at=now)
                      .returning(stations.c.public_key)).first()
    if done is None:
        raise InputError(t("no station '{station}' is enrolled at this hub", station=station))
    if done.public_key is not None:
        db.execute(insert(revoked_keys).values(public_key=bytes(done.public_key), station=station, revoked_at=now)
                   .on_conflict_do_nothing())
    db.execute(update(enrolment_codes).where(enrolment_codes.c.station == station,
                                             enrolment_codes.c.used_at.is_(None)).values(used_at=now))


def sender(db: Connection, station: str | None, counter: str | None, signature: str | None,
           lock: bool = False) -> Row:
    """The row of the enrolled, unrevoked ``station`` a request with these headers claims to come from (looked
    at before its body is read); else a RefusedError."""
    if not station or not counter or not signature:
        raise RefusedError(t("the request is not signed by a station"), 401)
    query = select(stations).where(stations.c.id == station)
    row = db.execute(query.with_for_update() if lock else query).first()
    if row is None or row.public_key is None:
        raise RefusedError(t("no station '{station}' is enrolled at this hub", station=station[:80]), 403)
    if row.revoked_at is not None:
        raise RefusedError(t("station {station} was revoked at the hub; ask the province for a new code and join "
                             "again with a new key (broadcaster hub join HUB_URL CODE --new-key)", station=station),
                           403)
    return row


def authenticate(db: Connection, station: str | None, counter: str | None, signature: str | None, method: str,
                 path: str, body: bytes, now: dt.datetime) -> Row:
    """The station row, locked for this transaction, if the request is signed by its pinned key and its counter
    is higher than the last one accepted (which it becomes); else a RefusedError."""
    row = sender(db, station, counter, signature, lock=True)
    if not (counter.isascii() and counter.isdigit()) or len(counter) > 18:  # a time in microseconds has 16
        raise RefusedError(t("the request's counter is not a whole number of at most 18 digits"), 400)
    try:
        number = int(counter)
        signed = verifies(bytes(row.public_key), base64.b64decode(signature, validate=True),
                          request_message(method, path, station, number, body))
    except (ValueError, binascii.Error):
        signed = False
    if not signed:
        raise RefusedError(t("the request's signature is not station {station}'s", station=station), 401)
    if number <= row.counter:
        raise RefusedError(t("request {counter} of station {station} was replayed or came out of order (the hub "
                             "has seen {last})", counter=number, station=station, last=row.counter), 409)
    db.execute(update(stations).where(stations.c.id == station).values(counter=number, last_seen=now))
    return row


def station_list(db: Connection) -> list[Row]:
    """Every station known to the hub, by id."""
    return list(db.execute(select(stations).order_by(stations.c.id)))


COMMUNE, DISTRICT = re.compile(r"[0-9]{5}"), re.compile(r"[0-9]{3}")  # administrative codes, as the GSO gives them


def set_station(db: Connection, station: str, name: str | None = None, area: str | None = None,
                district: str | None = None, drill: bool | None = None) -> None:
    """Change what the hub knows of ``station``: its name, its commune's code ``area`` (5 digits), its district's
    code (3 digits; '' for none) and whether it is in drill mode (it takes Test and Exercise bulletins). None
    leaves a value as it is."""
    check_station_id(station)
    values: dict = {}
    if name is not None:
        name = " ".join(unicodedata.normalize("NFC", name).split())
        if len(name) > 120 or any(unicodedata.category(c) == "Cc" for c in name):
            raise InputError(t("the station's name must be one line of at most 120 characters"))
        values["name"] = name
    if area is not None:
        if not COMMUNE.fullmatch(area):
            raise InputError(t("'{area}' is not a commune's code (5 digits, such as 24611)", area=area[:40]))
        values["area"] = area
    if district is not None:
        if district and not DISTRICT.fullmatch(district):
            raise InputError(t("'{area}' is not a district's code (3 digits, such as 643)", area=district[:40]))
        values["district"] = district or None
    if drill is not None:
        values["drill"] = drill
    if db.execute(select(stations.c.id).where(stations.c.id == station)).first() is None:
        raise InputError(t("no station '{station}' is enrolled at this hub", station=station))
    if values:
        db.execute(update(stations).where(stations.c.id == station).values(**values))
