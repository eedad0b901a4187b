"""What a station and the hub sign when they talk: the request (by the station's key) and the answer (by the
hub's key), both bound to the request's counter, which the hub accepts only when it is higher than the last.

A request carries three headers: the station's id, its counter (a whole number, strictly increasing per
station), and its Ed25519 signature of :func:`request_message`. The answer carries the hub's signature of
:func:`response_message`, so a station believes no cursor, and no bulletin list, that the hub did not send.
"""

from __future__ import annotations

import hashlib

API = "/api/v1"
STATION_HEADER = "X-Broadcaster-Station"
COUNTER_HEADER = "X-Broadcaster-Counter"
SIGNATURE_HEADER = "X-Broadcaster-Signature"
HUB_SIGNATURE_HEADER = "X-Broadcaster-Hub-Signature"
REQUEST_CONTEXT = b"broadcaster hub request v1\n"
RESPONSE_CONTEXT = b"broadcaster hub response v1\n"
MAX_BODY_BYTES = 64 * 2 ** 20  # a sync round sends at most a few thousand records


def request_message(method: str, path: str, station: str, counter: int, body: bytes) -> bytes:
    """What the station signs: method, path (with its query), station, counter and the body's SHA-256."""
    return REQUEST_CONTEXT + "\n".join((method.upper(), path, station, str(counter),
                                        hashlib.sha256(body).hexdigest())).encode("utf-8")


def response_message(station: str, counter: int, status: int, body: bytes) -> bytes:
    """What the hub signs in its answer to the request of ``station`` numbered ``counter``."""
    return RESPONSE_CONTEXT + "\n".join((station, str(counter), str(status),
                                         hashlib.sha256(body).hexdigest())).encode("utf-8")
