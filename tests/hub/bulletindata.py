"""A province for the bulletin tests: stations with their areas, people with keys and roles, and a station's
signed requests (without a station folder), as the bench makes them too."""

from __future__ import annotations

import datetime as dt
import itertools
import time

import orjson
import requests
from sqlalchemy.engine import Engine

from broadcaster.hub import stations
from broadcaster.hub.bulletins import Draft
from broadcaster.hub.protocol import (API, COUNTER_HEADER, HUB_SIGNATURE_HEADER, SIGNATURE_HEADER, STATION_HEADER,
                                      request_message, response_message)
from broadcaster.hub.users import add_user, set_passphrase
from broadcaster.trust.keys import b64, new_key, public_raw, sign, unb64, verifies

NOW = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.timezone.utc)
# id, name, commune, district, drill
STATIONS = (("xa-ea-tu", "Xã Ea Tu", "24611", "643", False), ("xa-hoa-thang", "Xã Hòa Thắng", "24614", "643", False),
            ("xa-krong-bong", "Xã Krông Bông", "24700", "650", True))
# name, level, area, roles
PEOPLE = (("lan", "province", "66", ("officer",)), ("hung", "province", "66", ("approver",)),
          ("mai", "district", "643", ("officer", "approver")), ("tho", "commune", "24611", ("officer",)))
TEXT = "Bão số 13 đổ bộ vào Đắk Lắk lúc 16 giờ; bà con chằng chống nhà cửa, không ra đồng."


def passphrase(name: str) -> str:
    return f"mật khẩu của {name}"


def province(engine: Engine, now: dt.datetime = NOW) -> dict:
    """Enrol STATIONS (joined, each with a key of its own) and add PEOPLE with passphrases; the stations' keys."""
    keys = {}
    with engine.begin() as db:
        for station, name, area, district, drill in STATIONS:
            code = stations.enrol(db, station, now)
            stations.set_station(db, station, name, area, district, drill)
            keys[station] = new_key()
            stations.join(db, station, b64(public_raw(keys[station])), code, now)
        for name, level, area, roles in PEOPLE:
            add_user(db, name, level, area, list(roles), [], now)
            set_passphrase(db, name, passphrase(name))
    return keys


def draft(**changes) -> Draft:
    values = {"title": "Cảnh báo bão số 13", "text": TEXT, "level": "emergency", "topic": "thien-tai"}
    return Draft(**{**values, **changes})


class SignedStation:
    """A station's signed requests to a hub over HTTP, and the hub's signature checked on every answer."""

    _counters = itertools.count(time.time_ns() // 1000)

    def __init__(self, url: str, hub_public: bytes, station: str, key, session: requests.Session | None = None):
        self.url, self.hub_public, self.station, self.key = url, hub_public, station, key
        self.session = session or requests.Session()

    def call(self, method: str, path: str, body: bytes = b"", timeout: float = 60) -> tuple[int, bytes]:
        """(status, body) of a signed request to ``API + path``; an AssertionError if the answer is not the hub's."""
        counter = next(self._counters)
        full = API + path
        answer = self.session.request(method, self.url + full, data=body, timeout=timeout, headers={
            STATION_HEADER: self.station, COUNTER_HEADER: str(counter),
            SIGNATURE_HEADER: b64(sign(self.key, request_message(method, full, self.station, counter, body)))})
        signature = unb64(answer.headers.get(HUB_SIGNATURE_HEADER, ""), "signature")
        assert verifies(self.hub_public, signature, response_message(self.station, counter, answer.status_code,
                                                                     answer.content)), answer.content
        return answer.status_code, answer.content

    def json(self, method: str, path: str, body: bytes = b"", timeout: float = 60) -> tuple[int, dict]:
        status, content = self.call(method, path, body, timeout)
        return status, orjson.loads(content)
