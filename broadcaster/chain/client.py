"""Requests to the hub, signed with the station's key and numbered by its counter; answers believed only when
signed by the hub's pinned key (see broadcaster.hub.protocol)."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

import orjson
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster.chain.state import SyncState
from broadcaster.errors import BroadcasterError
from broadcaster.hub.protocol import (API, COUNTER_HEADER, HUB_SIGNATURE_HEADER, SIGNATURE_HEADER, STATION_HEADER,
                                      request_message, response_message)
from broadcaster.messages import t
from broadcaster.trust.keys import b64, sign, unb64, verifies

TIMEOUT_S = (10, 60)  # connect, read: a 4G link is slow, but a hub that never answers must not hold a round
REORDER_TRIES = 3


class HubError(BroadcasterError):
    """The hub cannot be reached, refused a request, or answered without its signature."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def unreachable(url: str, exc: Exception) -> HubError:
    """The error for a hub that does not answer."""
    return HubError(t("the hub at {url} cannot be reached: {reason}", url=url, reason=type(exc).__name__))


def hub_clock_offset(date: str | None, sent: float, got: float) -> float | None:
    """How far this computer's clock is behind the hub's (seconds), from the HTTP Date of its answer (whole
    seconds: taken as the middle of its second) against the middle of the request; None without one."""
    try:
        hub = parsedate_to_datetime(date).timestamp() + 0.5 if date else None
    except (TypeError, ValueError):
        hub = None
    return None if hub is None else round(hub - (sent + got) / 2, 3)


class HubClient:
    """One station talking to its hub."""

    def __init__(self, url: str, hub_key: bytes, station: str, key: Ed25519PrivateKey, state: SyncState,
                 session: requests.Session | None = None):
        self.url, self.hub_key, self.station, self.key, self.state = url.rstrip("/"), hub_key, station, key, state
        self.session = session or requests.Session()
        self.clock_offset_s: float | None = None  # from the last answer's Date; None before one

    def call(self, method: str, path: str, body: bytes = b"") -> dict:
        """The hub's answer to a signed request to ``API + path``; a HubError when it refuses or is not the hub."""
        status, content = self._signed_request(method, path, body)
        try:
            data = orjson.loads(content)
        except orjson.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            raise HubError(t("the hub answered something that is not JSON (HTTP {status})", status=status), status)
        if status != 200:
            raise HubError(t("the hub refused: {reason}", reason=str(data.get("error", status))), status)
        return data

    def fetch(self, path: str) -> bytes:
        """The bytes the hub answers to a signed GET of ``API + path`` (a clip); a HubError when it refuses."""
        status, content = self._signed_request("GET", path, b"")
        if status != 200:
            try:
                reason = str(orjson.loads(content).get("error", status))
            except (orjson.JSONDecodeError, AttributeError):
                reason = str(status)
            raise HubError(t("the hub refused: {reason}", reason=reason), status)
        return content

    def _signed_request(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        """Status and body of the hub's signed answer. Two threads of one station (the bulletin poll, the
        sync round) may reach the hub in the other order than their counters: a request refused as out of
        order (409, nothing done) is sent again with a new counter."""
        for _ in range(REORDER_TRIES):
            status, content = self._once(method, path, body)
            if status != 409:
                break
        return status, content

    def _once(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        counter = self.state.next_counter()
        full = API + path
        headers = {STATION_HEADER: self.station, COUNTER_HEADER: str(counter),
                   SIGNATURE_HEADER: b64(sign(self.key, request_message(method, full, self.station, counter, body))),
                   "Content-Type": "application/json"}
        sent = time.time()
        try:
            answer = self.session.request(method, self.url + full, data=body, headers=headers, timeout=TIMEOUT_S)
        except requests.RequestException as exc:
            raise unreachable(self.url, exc) from None
        try:
            signature = unb64(answer.headers.get(HUB_SIGNATURE_HEADER, ""), "signature")
        except BroadcasterError:
            signature = b""
        if not verifies(self.hub_key, signature, response_message(self.station, counter, answer.status_code,
                                                                  answer.content)):
            raise HubError(t("the answer from {url} is not signed by the hub's pinned key (HTTP {status}); it was "
                             "ignored", url=self.url, status=answer.status_code), answer.status_code)
        self.clock_offset_s = hub_clock_offset(answer.headers.get("Date"), sent, time.time())
        return answer.status_code, answer.content
