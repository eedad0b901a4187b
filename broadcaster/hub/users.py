"""People of the hub: province, district or commune staff, each with roles for every station of their area
or for named stations, and a key sealed under their passphrase with which they sign (and log in)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, select, true, update
from sqlalchemy.engine import Connection, Engine, Row

from broadcaster.content.users import (LOCK_S, MAX_TRIES, MIN_PASSPHRASE, AuthError, LockedError,  # the station's
                                       UnknownPerson)                                               # rules, kept alike
from broadcaster.errors import InputError, StorageError
from broadcaster.hub.schema import stations as stations_table
from broadcaster.hub.schema import user_roles, users
from broadcaster.hub.stations import check_station_id
from broadcaster.messages import counted, marked, t
from broadcaster.trust.keys import (WrongPassphraseError, fingerprint, new_key, public_raw, seal, spend_unseal_time,
                                    unseal)

LEVELS = (marked("province"), marked("district"), marked("commune"))
ROLES = (marked("viewer"), marked("officer"), marked("approver"), marked("admin"))
USER_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
AREA = re.compile(r"[0-9]{2,5}")  # the administrative code of a province (2 digits), district (3), commune (5)


def add_user(db: Connection, name: str, level: str, area: str, roles: list[str], stations: list[str],
             now: dt.datetime, full_name: str = "") -> None:
    """Add a person at ``level`` of ``area`` with ``roles`` for ``stations`` (none named: every station)."""
    if not USER_NAME.fullmatch(name):
        raise InputError(t("user name '{name}' must be lower-case letters without accents, digits, '.', '_' or '-'",
                           name=name))
    if level not in LEVELS:
        raise InputError(t("unknown level '{level}'; expected one of: {levels}", level=level,
                           levels=", ".join(LEVELS)))
    if not AREA.fullmatch(area):
        raise InputError(t("'{area}' is not an administrative code (2 to 5 digits)", area=area))
    for role in roles:
        if role not in ROLES:
            raise InputError(t("unknown role '{role}'; expected one of: {roles}", role=role, roles=", ".join(ROLES)))
    for station in stations:
        check_station_id(station)
    if db.execute(select(users.c.name).where(users.c.name == name)).first():
        raise InputError(t("{name} is already a user of the hub", name=name))
    outside = sorted(set(stations) - set(db.execute(select(stations_table.c.id).where(
        stations_table.c.id.in_(list(stations)), _in_area(level, area))).scalars()))
    if outside:  # a role named for a station counts only inside the person's area: say so now
        raise InputError(t("{station} is not a station of the hub in {area}, the area of {name}",
                           station=outside[0], area=area, name=name))
    db.execute(insert(users).values(name=name, full_name=full_name, level=level, area=area, created_at=now))
    db.execute(insert(user_roles), [{"user_name": name, "role": role, "station": station}
                                    for role in roles for station in (stations or [None])])


class WrongPassphrase(AuthError):
    """The passphrase given does not open the person's key (the time of a key's opening was spent)."""


@dataclass(frozen=True)
class Signer:
    """A person of the hub who gave their passphrase: their name, level, area and opened private key."""

    name: str
    level: str
    area: str
    key: Ed25519PrivateKey


def check_user(db: Connection, name: str, lock: bool = False) -> Row:
    """The row of the user ``name``; else an AuthError."""
    query = select(users).where(users.c.name == name)
    row = db.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise UnknownPerson(t("{name} is not a user of the hub", name=str(name)[:80]))
    return row


def set_passphrase(db: Connection, name: str, passphrase: str) -> str:
    """Give ``name`` a new key sealed under ``passphrase`` (the old key stays valid for what it signed: the
    statements carry it); the new key's fingerprint. A new passphrase lifts a lock."""
    check_user(db, name, lock=True)
    if len(passphrase) < MIN_PASSPHRASE:
        raise InputError(t("the passphrase must have at least {n} characters", n=MIN_PASSPHRASE))
    key = new_key()
    db.execute(update(users).where(users.c.name == name).values(
        public_key=public_raw(key), sealed_key=seal(key, passphrase), failed_logins=0, locked_until=None))
    return fingerprint(public_raw(key))


def unlock(engine: Engine, name: str, passphrase: str, now: dt.datetime, counted: bool = True) -> Signer:
    """The user ``name`` with their key opened by ``passphrase`` (the hub's login, and every signature). A wrong
    passphrase is ``counted`` in its own transaction, so that it is kept whatever the caller does next; after
    MAX_TRIES in a row the user is locked out for LOCK_S seconds. A try not ``counted`` (see :func:`sign_in`)
    leaves the person-wide count as it is, right or wrong."""
    with engine.begin() as db:
        row = check_user(db, name, lock=True)  # one try at a time per user: no parallel guessing
        if row.sealed_key is None:
            raise AuthError(t("{name} has no passphrase yet (broadcaster hub user passphrase {name})", name=name))
        if row.locked_until is not None and row.locked_until > now:
            raise LockedError(t("{name} gave a wrong passphrase {n} times: locked until {time}", name=name,
                                n=row.failed_logins, time=row.locked_until.strftime("%H:%M UTC")))
        try:
            key = unseal(row.sealed_key, passphrase, name)
        except WrongPassphraseError:
            failed = row.failed_logins + 1
            if counted:
                db.execute(update(users).where(users.c.name == name).values(
                    failed_logins=failed, locked_until=now + dt.timedelta(seconds=LOCK_S) if failed >= MAX_TRIES
                    else None))
            key = None
        else:
            if row.public_key is None or public_raw(key) != bytes(row.public_key):
                raise StorageError(t("the sealed key of {name} is damaged", name=name))
            if counted and (row.failed_logins or row.locked_until is not None):
                db.execute(update(users).where(users.c.name == name).values(failed_logins=0, locked_until=None))
    if key is None:
        raise WrongPassphrase(t("wrong passphrase for {name}", name=name))
    return Signer(row.name, row.level, row.area, key)


def sign_in(engine: Engine, name: str, passphrase: str, now: dt.datetime) -> Signer:
    """``name`` with their key opened, for a try from the network (the web login, CAP's HTTP Basic), which the
    caller counts per address (web/auth.LoginLock): it neither counts towards nor clears the person-wide lock,
    so that a stranger cannot lock a person out everywhere. An unknown name, one without a passphrase yet, a
    locked one and a wrong passphrase get one AuthError, in the time a wrong passphrase takes."""
    try:
        return unlock(engine, name, passphrase, now, counted=False)
    except WrongPassphrase:
        raise AuthError(t("wrong name or passphrase")) from None
    except AuthError:  # refused before the scrypt: spend its time, so that the answer's time tells nothing
        spend_unseal_time(passphrase)
        raise AuthError(t("wrong name or passphrase")) from None


def _in_area(level: str, area: str):
    """The condition on ``stations`` of the stations a user of ``level`` and ``area`` looks after."""
    if level == "commune":
        return stations_table.c.area == area
    if level == "district":
        return stations_table.c.district == area
    return true()  # the province: a hub serves one province


def stations_for(db: Connection, name: str, role: str) -> set[str]:
    """The ids of the stations for which ``name`` holds ``role``: every station of their area (a role given for
    no station), and the stations named in their roles, always within their area."""
    user = check_user(db, name)
    named = [r.station for r in db.execute(select(user_roles.c.station).where(
        user_roles.c.user_name == name, user_roles.c.role == role))]
    in_area = set(db.execute(select(stations_table.c.id).where(_in_area(user.level, user.area))).scalars())
    if None in named:
        return in_area
    # A station named in a role counts only inside the person's area (finding 10: no grant outside it).
    return {s for s in named if s is not None} & in_area


def require_role(db: Connection, name: str, role: str, station_ids: list[str], action: str) -> None:
    """An AuthError unless ``name`` holds ``role`` for every station of ``station_ids``; it names those of their
    area only, and counts the others (a district's person is not told another district's stations)."""
    missing = set(station_ids) - stations_for(db, name, role)
    if not missing:
        return
    user = check_user(db, name)
    seen = sorted(missing & set(db.execute(select(stations_table.c.id).where(_in_area(user.level, user.area)))
                                .scalars()))
    named = [*seen[:5], *(["..."] if len(seen) > 5 else [])]
    hidden = counted(len(missing) - len(seen), "{n} station outside their area", "{n} stations outside their area")
    raise AuthError(t("{name} may not {action} for {stations} (needs the role {role} there)", name=name,
                      action=action, stations=", ".join(named + ([hidden] if len(missing) > len(seen) else [])),
                      role=t(role)))
