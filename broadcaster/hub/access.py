"""What a person of the hub may see: the stations of their area (and of the stations their roles name, those
only), with the roles they hold for each. Their passphrase is checked by broadcaster.hub.users.unlock."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.engine import Connection

from broadcaster.hub.schema import stations, user_roles, users
from broadcaster.hub.users import ROLES


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
