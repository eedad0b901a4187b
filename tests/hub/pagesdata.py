"""What the tests of the hub's pages find in its database: five stations in two districts (one station of
district 001 offline, one never heard from), people at every level, a week of rollup, bulletins."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from broadcaster.hub.schema import airing_daily, latest_heartbeats, stations
from broadcaster.hub.users import add_user, set_passphrase
from broadcaster.trust.keys import new_key, public_raw

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 12, 4, 9, 30, tzinfo=TZ)
# (id, name, commune code, district code, minutes since its last heartbeat or None)
STATIONS = (("xa-an-binh", "Xã An Bình", "24611", "643", 1),
            ("xa-binh-minh", "Xã Bình Minh", "24612", "643", 45),
            ("xa-cat-tien", "Xã Cát Tiên", "24613", "643", None),
            ("xa-dong-son", "Xã Đông Sơn", "24701", "650", 0),
            ("xa-ea-sup", "Xã Ea Súp", "24702", "650", 2))
# (name, level, area, roles, stations)
PEOPLE = (("tinh", "province", "66", ["viewer", "officer", "approver", "admin"], []),
          ("huyen643", "district", "643", ["officer", "approver"], []),
          ("huyen650", "district", "650", ["officer", "approver"], []),
          ("xem643", "district", "643", ["viewer"], []),
          ("xaanbinh", "commune", "24611", ["viewer", "officer"], []))


def populate(engine, passphrase: str) -> None:
    """Fill a migrated hub database."""
    with engine.begin() as db:
        for ident, name, area, district, minutes in STATIONS:
            db.execute(insert(stations).values(id=ident, name=name, area=area, district=district,
                                               public_key=public_raw(new_key()), enrolled_at=NOW))
            if minutes is not None:
                heard = NOW - dt.timedelta(minutes=minutes)
                health = {"station": ident, "status": "ok" if minutes < 10 else "warning", "version": "0.9.0",
                          "checks": [{"name": "last", "status": "ok", "message": "last airing",
                                      "data": {"announcement": "tin-gia", "output": "loa-xa", "status": "aired",
                                               "at": (heard - dt.timedelta(hours=1)).isoformat()}},
                                     {"name": "disk", "status": "ok" if minutes < 10 else "warning",
                                      "message": "đĩa còn 12 ngày", "data": {}}]}
                db.execute(insert(latest_heartbeats).values(station=ident, received_at=heard, status=health["status"],
                                                            health=health))
            for d in range(7):
                day = (NOW.date() - dt.timedelta(days=d + 1)).isoformat()
                for announcement, topic, language, status, n in (
                        ("khau-hieu-5k", "covid-prevention", "vie", "aired", 4),
                        ("tin-gia", "fake-news", "vie", "aired", 3), ("tin-gia", "fake-news", "vie", "missed", 1),
                        ("bao-lu", "weather", "ede", "aired", 2)):
                    db.execute(insert(airing_daily).values(station=ident, day=day, announcement=announcement,
                                                           output="loa-xa", topic=topic, language=language,
                                                           trigger="schedule", status=status, airings=n,
                                                           seconds=0.0 if status == "missed" else 60.0 * n))
        for name, level, area, roles, named in PEOPLE:
            add_user(db, name, level, area, roles, named, NOW)
            set_passphrase(db, name, passphrase)
