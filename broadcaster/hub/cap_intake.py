"""CAP alerts taken in at the hub: an alert (read by cap.py) becomes a bulletin written and signed by the officer
who posts it, waiting like every bulletin for a second person's approval; an Update becomes a bulletin that
replaces the one of the alert it references; a Cancel withdraws the bulletins of the alerts it references (and
the updates that replaced them) with the poster's approver signature. An alert is taken once: a repeat is
answered with what it became the first time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from broadcaster.content.users import AuthError
from broadcaster.errors import InputError
from broadcaster.hub import bulletins as hub_bulletins
from broadcaster.hub.cap import CANCEL, MAX_ALERT_BYTES, UPDATE, Draft, read_alert
from broadcaster.hub.schema import bulletins, stations, users
from broadcaster.hub.users import Signer, require_role
from broadcaster.messages import t


@dataclass(frozen=True)
class Taken:
    """What an alert became: the bulletin written (new, update) or those withdrawn (cancel), and whether the
    alert had been taken before (nothing was done this time)."""

    action: str
    uids: tuple[str, ...]
    duplicate: bool = False
    stations: int = 0               # the stations the bulletin is for; for a cancel, the stations told
    replaces: str | None = None


def read_alert_file(path: Path) -> Draft:
    """The draft of the CAP alert in the file ``path`` (a plain file of at most MAX_ALERT_BYTES)."""
    from broadcaster.plainfile import read_regular

    path = Path(path)
    try:
        data = read_regular(path, MAX_ALERT_BYTES, lambda n: t(
            "the alert is {size} KB, more than the {limit} KB a CAP alert may have", size=n // 1024,
            limit=MAX_ALERT_BYTES // 1024))
    except FileNotFoundError:
        raise InputError(t("no such file"), path=path) from None
    return read_alert(data, str(path))


def area_stations(db: Connection, codes: tuple[str, ...]) -> list[str]:
    """The live stations in the areas ``codes``: a commune's code (5 digits) matches stations.area, a district's
    (3) stations.district, a province's (2) every station when it is the hub's province (the area of one of its
    province-level users; a hub serves one province). Codes of areas the hub does not serve match nothing."""
    provinces = [code for code in codes if len(code) == 2]
    served = provinces and db.execute(select(users.c.name).where(users.c.level == "province",
                                                                 users.c.area.in_(provinces)).limit(1)).first()
    live = select(stations.c.id).where(stations.c.revoked_at.is_(None))
    if not served:  # one query for every commune and district named, however many
        live = live.where(stations.c.area.in_([c for c in codes if len(c) == 5])
                          | stations.c.district.in_([c for c in codes if len(c) == 3]))
    found = set(db.execute(live).scalars())
    if not found:
        raise InputError(t("no station of this hub is in the alert's areas ({codes})", codes=", ".join(codes)))
    return sorted(found)


def _of_alerts(db: Connection, keys: tuple[str, ...]) -> list:
    """The bulletins of the alerts ``keys``, oldest first."""
    return list(db.execute(select(bulletins.c.uid, bulletins.c.cancelled_at, bulletins.c.cap_identifier,
                                  bulletins.c.stations).where(bulletins.c.cap_identifier.in_(keys))
                           .order_by(bulletins.c.id)))


def _may_replace(db: Connection, draft: Draft, poster: Signer, earlier, role: str, action: str) -> None:
    """An AuthError unless ``draft`` (an Update or a Cancel) may touch the bulletin ``earlier``: an alert is
    updated or cancelled only by its own sender, and posted by a person who holds ``role`` for every station
    the earlier bulletin went to (no officer speaks for another sender, or for stations not theirs)."""
    sender, theirs = draft.key.split(",", 1)[0], earlier.cap_identifier.split(",", 1)[0]
    if sender != theirs:
        raise AuthError(t("the alert of sender {sender} may not update or cancel an alert of sender {other}",
                          sender=sender, other=theirs))
    require_role(db, poster.name, role, earlier.stations, action)


def _already(engine: Engine, draft: Draft, poster: Signer) -> Taken | None:
    """What ``draft``'s alert became when it was taken before, else None; told only to an officer of its
    stations (the alert's uid and reach are not a viewer's to learn by posting it again)."""
    with engine.connect() as db:
        row = db.execute(select(bulletins.c.uid, bulletins.c.stations, bulletins.c.replaces).where(
            bulletins.c.cap_identifier == draft.key)).first()
        if row:
            require_role(db, poster.name, "officer", row.stations, t("issue bulletins"))
    return Taken(draft.action, (row.uid,), True, len(row.stations), row.replaces) if row else None


def take_alert(engine: Engine, hub: Ed25519PrivateKey, draft: Draft, poster: Signer, now: dt.datetime) -> Taken:
    """Act on the alert ``draft`` posted by ``poster`` (an officer to write its bulletin; an approver to
    cancel): a bulletin waiting for approval, or the withdrawal of the alerts it cancels."""
    if draft.action == CANCEL:
        return _cancel(engine, hub, draft, poster, now)
    done = _already(engine, draft, poster)
    if done:
        return done
    with engine.connect() as db:
        targets = area_stations(db, draft.areas)
        earlier = [row for row in _of_alerts(db, draft.references) if row.cancelled_at is None]
        if draft.action == UPDATE and earlier:
            _may_replace(db, draft, poster, earlier[-1], "officer", t("update bulletins"))
    replaces = earlier[-1].uid if draft.action == UPDATE and earlier else None
    bulletin = hub_bulletins.Draft(
        title=draft.title, text=draft.text, level=draft.level, to=tuple(targets), language=draft.language,
        topic=draft.topic, valid_from=draft.valid_from, valid_until=draft.valid_until, drill=draft.drill,
        replaces=replaces, source="cap", cap_identifier=draft.key)
    try:
        uid = hub_bulletins.issue_bulletin(engine, bulletin, poster, now)
    except IntegrityError:  # the same alert posted twice at once: the other post took it
        done = _already(engine, draft, poster)
        if done is None:
            raise
        return done
    with engine.connect() as db:
        count = len(db.execute(select(bulletins.c.stations).where(bulletins.c.uid == uid)).scalar_one())
    return Taken(draft.action, (uid,), False, count, replaces)


def _cancel(engine: Engine, hub: Ed25519PrivateKey, draft: Draft, poster: Signer, now: dt.datetime) -> Taken:
    """Withdraw the bulletins of the alerts ``draft`` references, and the bulletins that replaced them."""
    with engine.connect() as db:
        found = _of_alerts(db, draft.references)
        if not found:
            raise InputError(t("none of the alerts this Cancel references is at this hub: nothing to cancel"))
        chain = {row.uid: row for row in found}
        while True:  # the updates of what is cancelled go with it
            newer = list(db.execute(select(bulletins.c.uid, bulletins.c.cancelled_at).where(
                bulletins.c.replaces.in_(list(chain)), bulletins.c.uid.not_in(list(chain)))))
            if not newer:
                break
            chain.update((row.uid, row) for row in newer)
        live = [uid for uid, row in chain.items() if row.cancelled_at is None]
        for row in found:
            _may_replace(db, draft, poster, row, "approver", t("cancel bulletins"))
        for targets in db.execute(select(bulletins.c.stations).where(bulletins.c.uid.in_(live))).scalars():
            require_role(db, poster.name, "approver", targets, t("cancel bulletins"))  # all or none withdrawn
    told = sum(hub_bulletins.cancel_bulletin(engine, hub, uid, poster, now) for uid in live)
    return Taken(CANCEL, tuple(live or chain), not live, told)
