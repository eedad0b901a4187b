"""People of the hub: province, district or commune staff, each with roles for every station of their area
or for named stations."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from broadcaster.errors import InputError
from broadcaster.hub.schema import user_roles, users
from broadcaster.hub.stations import check_station_id
from broadcaster.messages import marked, t

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
    db.execute(insert(users).values(name=name, full_name=full_name, level=level, area=area, created_at=now))
    db.execute(insert(user_roles), [{"user_name": name, "role": role, "station": station}
                                    for role in roles for station in (stations or [None])])
