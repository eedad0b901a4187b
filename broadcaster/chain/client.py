"""Requests to the hub, signed with the station's key and numbered by its counter; answers believed only when
signed by the hub's pinned key (see broadcaster.hub.protocol)."""

from __future__ import annotations

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


class HubError(BroadcasterError):
    """The hub cannot be reached, refused a request, or answered without its signature."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def unreachable(url: str, exc: Exception) -> HubError:
    """The error for a hub that does not answer."""
    return HubError(t("the hub at {url} cannot be reached: {reason}", url=url, reason=type(exc).__name__))


class HubClient:
    """One station talking to its hub."""

    def __init__(self, url: str, hub_key: bytes, station: str, key: Ed25519PrivateKey, state: SyncState,
                 session: requests.Session | None = None):
        self.url, self.hub_key, self.station, self.key, self.state = url.rstrip("/"), hub_key, station, key, state
        self.session = session or requests.Session()

    def call(self, method: str, path: str, body: bytes = b"") -> dict:
        """The hub's answer to a signed request to ``API + path``; a HubError when it refuses or is not the hub."""
        counter = self.state.next_counter()
        full = API + path
        headers = {STATION_HEADER: self.station, COUNTER_HEADER: str(counter),
                   SIGNATURE_HEADER: b64(sign(self.key, request_message(method, full, self.station, counter, body))),
                   "Content-Type": "application/json"}
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
        try:
            data = orjson.loads(answer.content)
        except orjson.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            raise HubError(t("the hub answered something that is not JSON (HTTP {status})",
                             status=answer.status_code), answer.status_code)
        if answer.status_code != 200:
            raise HubError(t("the hub refused: {reason}", reason=str(data.get("error", answer.status_code))),
                           answer.status_code)
        return data
