"""``POST /api/v1/cap``: a source system posts a CAP 1.2 alert as a person of the hub (HTTP Basic: their user name
and passphrase, which unseals the key that signs the bulletin), over TLS or on the hub's own machine. The bulletin
still waits for another person's approval, as every bulletin does."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Callable

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, Response, request
from sqlalchemy.engine import Engine

from broadcaster.content.users import AuthError, LockedError, UnknownPerson
from broadcaster.errors import InputError
from broadcaster.hub.cap import MAX_ALERT_BYTES, read_alert
from broadcaster.hub.cap_intake import take_alert
from broadcaster.hub.protocol import API
from broadcaster.hub.users import unlock
from broadcaster.messages import t
from broadcaster.trust.keys import spend_unseal_time

WHERE = f"POST {API}/cap"  # how a posted alert is named in messages


def _answer(data: dict, status: int) -> Response:
    answer = Response(orjson.dumps(data), status=status, mimetype="application/json")
    if status == 401:
        answer.headers["WWW-Authenticate"] = 'Basic realm="broadcaster hub", charset="UTF-8"'
    return answer


def _private_channel() -> bool:
    """Whether the request came over TLS or from this machine (a reverse proxy that ends TLS, a local system):
    a passphrase is never taken over plain HTTP from elsewhere."""
    try:
        return request.is_secure or ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def add_cap_route(app: Flask, engine: Engine, key: Ed25519PrivateKey, clock: Callable[[], dt.datetime]) -> None:
    """Add ``POST /api/v1/cap`` to the hub's API ``app``."""

    @app.post(f"{API}/cap")
    def cap() -> Response:
        """Take in a CAP alert: 201 and the bulletin's uid; 200 for an alert taken before or a cancel; 400 with
        the reason for a bad alert; 401 for wrong credentials, 403 for a locked person or a missing role."""
        auth = request.authorization
        if auth is None or auth.type != "basic" or not auth.username or not auth.password:
            return _answer({"error": t("give the user name and passphrase of a person of the hub (HTTP Basic)")}, 401)
        if not _private_channel():
            return _answer({"error": t("a passphrase is taken only over TLS or from this machine")}, 403)
        if (request.content_length or 0) > MAX_ALERT_BYTES:
            return _answer({"error": t("the alert is {size} KB, more than the {limit} KB a CAP alert may have",
                                       size=request.content_length // 1024, limit=MAX_ALERT_BYTES // 1024)}, 400)
        try:
            poster = unlock(engine, auth.username, auth.password, clock())
        except (LockedError, UnknownPerson):  # answered as a wrong passphrase, in its time: no name is revealed
            spend_unseal_time(auth.password)
            return _answer({"error": t("wrong name or passphrase")}, 401)
        except AuthError:
            return _answer({"error": t("wrong name or passphrase")}, 401)
        try:
            taken = take_alert(engine, key, read_alert(request.get_data(cache=False), WHERE), poster, clock())
        except AuthError as exc:  # the person may not write (or cancel) bulletins for these stations
            return _answer({"error": exc.message}, 403)
        except InputError as exc:
            return _answer({"error": str(exc)}, 400)
        return _answer({"action": taken.action, "uid": taken.uids[0], "uids": list(taken.uids),
                        "duplicate": taken.duplicate, "stations": taken.stations, "replaces": taken.replaces},
                       200 if taken.duplicate or taken.action == "cancel" else 201)
