"""Who may see and do what at the hub: a person's passphrase checked by unsealing their key (wrong ones counted
in the users table, MAX_TRIES of them in a row lock the person out for LOCK_S), and their scope: the stations of
their area, with the roles they hold for each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import ColumnElement, select, true, update
from sqlalchemy.engine import Connection, Engine

from broadcaster.content.users import LOCK_S, MAX_TRIES, AuthError, LockedError
from broadcaster.errors import StorageError
from broadcaster.hub.schema import stations, user_roles, users
from broadcaster.hub.users import ROLES
from broadcaster.trust import keys
from broadcaster.messages import t


@dataclass(frozen=True)
class HubPerson:
    """A person of the hub: their level and area, and their roles, each for every station of the area (None)
    or for one station."""

    name: str
    full_name: str
    level: str
    area: str
    grants: tuple[tuple[str, str | None], ...]

    @property
    def role(self) -> str:
        """Their highest role, to show."""
        held = {role for role, _ in self.grants}
        return max(held, key=ROLES.index) if held else ROLES[0]

    @property
    def roles(self) -> set[str]:
        """Every role they hold, for some station."""
        return {role for role, _ in self.grants}

    def scope(self) -> ColumnElement[bool]:
        """The condition on ``stations`` that keeps the stations of their area."""
        if self.level == "district":
            return stations.c.district == self.area
        if self.level == "commune":
            return stations.c.area == self.area
        return true()  # the province's people see every station of the hub

    def named(self) -> set[str] | None:
        """The stations their roles are limited to, None when some role holds for the whole area."""
        if any(station is None for _, station in self.grants):
            return None
        return {station for _, station in self.grants}

    def roles_for(self, station: str) -> set[str]:
        """Their roles for ``station`` (a station of their area: see :func:`visible`)."""
        return {role for role, named in self.grants if named in (None, station)}


def find(db: Connection, name: str) -> HubPerson | None:
    """The person named ``name``, None when there is none."""
    row = db.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        return None
    grants = db.execute(select(user_roles.c.role, user_roles.c.station).where(user_roles.c.user_name == name)
                        .order_by(user_roles.c.id)).all()
    return HubPerson(row.name, row.full_name, row.level, row.area, tuple((g.role, g.station) for g in grants))


def visible(db: Connection, person: HubPerson) -> list[str]:
    """The ids of the stations ``person`` may see: those of their area (and, when their roles name stations,
    those only), in order."""
    named = person.named()
    query = select(stations.c.id).where(person.scope()).order_by(stations.c.id)
    if named is not None:
        query = query.where(stations.c.id.in_(sorted(named)))
    return list(db.execute(query).scalars())


def unlock(engine: Engine, name: str, passphrase: str, now: dt.datetime) -> tuple[HubPerson, Ed25519PrivateKey]:
    """The person ``name`` and their private key, opened by ``passphrase``: AuthError when there is no such
    person or the passphrase is wrong (counted: MAX_TRIES in a row lock them out for LOCK_S), LockedError while
    they are locked out."""
    with engine.begin() as db:
        row = db.execute(select(users).where(users.c.name == name).with_for_update()).first()
        if row is None or not isinstance(row.sealed_key, dict):
            raise AuthError(t("{name} is not a person of the hub with a passphrase", name=name))
        if row.locked_until is not None and row.locked_until > now:
            raise LockedError(t("{name} gave a wrong passphrase {n} times: locked until {time}", name=name,
                                n=MAX_TRIES, time=row.locked_until.astimezone(now.tzinfo).strftime("%H:%M")))
        try:
            key = keys.unseal(row.sealed_key, passphrase, name)
        except keys.WrongPassphraseError:
            failures = row.failed_logins + 1
            locked = now + dt.timedelta(seconds=LOCK_S) if failures >= MAX_TRIES else None
            db.execute(update(users).where(users.c.name == name).values(
                failed_logins=0 if locked else failures, locked_until=locked))
            wrong = True
        else:
            wrong = False
            if row.public_key is not None and keys.public_raw(key) != bytes(row.public_key):
                raise StorageError(t("the sealed key of {name} is damaged", name=name))
            db.execute(update(users).where(users.c.name == name).values(failed_logins=0, locked_until=None))
    if wrong:  # raised after the transaction, so that the wrong passphrase is counted
        raise AuthError(t("wrong passphrase for {name}", name=name))
    with engine.connect() as db:
        return find(db, name), key
