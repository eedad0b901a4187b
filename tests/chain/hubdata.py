"""Bulletins for the station's tests, made as the hub makes them (officer, approver and hub keys of the test),
and a fake of the hub's three bulletin routes for the tests that do not need a real hub."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import orjson

from broadcaster.chain.client import HubError
from broadcaster.chain.sync import sync_state
from broadcaster.hub.bulletin_protocol import approval_statement, bulletin_statement, cancel_statement, envelope, person
from broadcaster import hub_pin
from broadcaster.station import Station
from broadcaster.trust.keys import b64, new_key, public_raw

HUB, OFFICER, APPROVER, STRANGER = new_key(), new_key(), new_key(), new_key()
PEOPLE = dict([person(OFFICER, "Lan", ["officer"]), person(APPROVER, "Hùng", ["approver"])])
TEXT = "Bão số 13 đổ bộ vào Đắk Lắk lúc 16 giờ; bà con chằng chống nhà cửa."


def pin_hub(root: Path, key=HUB, **settings) -> None:
    """Write 'hub:' into the station's station.yaml (as 'hub join' does), with more settings if given."""
    extra = "".join(f"  {k}: {str(v).lower() if isinstance(v, bool) else v}\n" for k, v in settings.items())
    path = root / "station.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"hub:\n  url: http://127.0.0.1:9\n"
                    f"  key: {b64(public_raw(key))}\n{extra}", encoding="utf-8")
    hub_pin.pin_hub(Station(root), "http://127.0.0.1:9", b64(public_raw(key)))  # and sealed, as 'hub join' does


def fields(uid: str, now: dt.datetime, **changes) -> dict:
    """A bulletin's fields, valid from an hour before ``now`` for a day."""
    return {"uid": uid, "title": "Cảnh báo bão số 13", "text": TEXT, "clip_sha256": None, "clip_format": None,
            "language": "vie", "topic": "general", "level": "normal", "outputs": [],
            "valid_from": (now - dt.timedelta(hours=1)).isoformat(),
            "valid_until": (now + dt.timedelta(days=1)).isoformat(), "drill": False, "replaces": None, "by": "Lan",
            "written": now.isoformat(), **changes}


def sealed(station: str, delivery: int, uid: str, now: dt.datetime, hub=HUB, writer=OFFICER, **changes) -> dict:
    """The envelope the hub sends ``station`` as its delivery ``delivery``."""
    bulletin = bulletin_statement(fields(uid, now, **changes), writer)
    approval = approval_statement(bulletin, "Hùng", now, APPROVER)
    return envelope(hub, station, delivery, {"bulletin": bulletin, "approval": approval}, PEOPLE, now)


def cancelled(station: str, delivery: int, uid: str, now: dt.datetime) -> dict:
    """The envelope of a cancellation of ``uid``."""
    return envelope(HUB, station, delivery, {"cancel": cancel_statement(uid, "Hùng", now, APPROVER)}, PEOPLE, now)


class FakeHub:
    """The hub's bulletin routes as a station's client sees them (GET bulletins, GET a clip, POST receipts),
    answering from lists; ``down`` makes every call fail as an unreachable hub does."""

    def __init__(self, station: Station):
        self.state = sync_state(station)
        self.deliveries: list[dict] = []
        self.clips: dict[str, bytes] = {}
        self.receipts: list[dict] = []
        self.down = False
        self.polls: list[str] = []
        self.new = threading.Condition()

    def publish(self, *envelopes: dict) -> None:
        """Deliveries made (a long poll under way answers at once)."""
        with self.new:
            self.deliveries.extend(envelopes)
            self.new.notify_all()

    def _check(self) -> None:
        if self.down:
            raise HubError("the hub at http://127.0.0.1:9 cannot be reached: ConnectionError")

    def call(self, method: str, path: str, body: bytes = b"") -> dict:
        self._check()
        url = urlparse(path)
        if method == "GET" and url.path == "/bulletins":
            query = parse_qs(url.query)
            after, wait = int(query["after"][0]), float(query["wait"][0])
            self.polls.append(path)
            with self.new:
                self.new.wait_for(lambda: [d for d in self.deliveries if d["delivery"] > after], timeout=wait)
                found = [d for d in self.deliveries if d["delivery"] > after][:100]
            return {"deliveries": found, "cursor": found[-1]["delivery"] if found else after}
        if method == "POST" and url.path == "/bulletins/receipts":
            taken = orjson.loads(body)["receipts"]
            self.receipts.extend(taken)
            return {"taken": len(taken)}
        raise HubError(f"no route {method} {path}", 404)

    def fetch(self, path: str) -> bytes:
        self._check()
        uid = path.split("/")[2]
        if uid not in self.clips:
            raise HubError("the hub refused: no clip", 404)
        return self.clips[uid]
