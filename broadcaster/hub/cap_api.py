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

from broadcaster.content.users import AuthError
from broadcaster.errors import InputError
from broadcaster.hub.cap import MAX_ALERT_BYTES, read_alert
from broadcaster.hub.cap_intake import take_alert
from broadcaster.hub.protocol import API
from broadcaster.hub.summaries import TIMEZONE
from broadcaster.hub.users import Signer, sign_in
from broadcaster.messages import t
from broadcaster.web.auth import CHECK_WAIT_S, CHECKING, LoginLock

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

    tries = LoginLock()  # wrong passphrases counted per address and per name from it, as the login pages do

    def _unlocked(name: str, passphrase: str) -> Signer | Response:
        """The poster with their key opened, or the answer that refuses them. A wrong passphrase counts against
        the address it came from, not against the person everywhere (a stranger cannot lock an officer out
        during a storm); an unknown name, a locked one and a wrong passphrase get one answer, in one time."""
        address, at = request.remote_addr or "", clock()
        locked = [until for until in tries.locked_until(address, name, at.timestamp()) if until is not None]
        if locked:
            wait = max(1, int(max(locked) - at.timestamp()))
            answer = _answer({"error": t("too many wrong passphrases from this address: try again after {time}",
                                         time=dt.datetime.fromtimestamp(max(locked), TIMEZONE).strftime("%H:%M"))},
                             429)
            answer.headers["Retry-After"] = str(wait)
            return answer
        if not CHECKING.acquire(timeout=CHECK_WAIT_S):  # each check is 32 MB of scrypt
            return _answer({"error": t("too many logins at once; try again in a moment")}, 503)
        tries.failed(address, name, at.timestamp())  # counted as it starts: tries sent at once count too
        try:
            poster = sign_in(engine, name, passphrase, at)
        except AuthError as exc:  # one answer, in one time, for an unknown name, a locked one or a wrong passphrase
            return _answer({"error": exc.message}, 401)
        finally:
            CHECKING.release()
        tries.passed(address, name)
        return poster

    @app.post(f"{API}/cap")
    def cap() -> Response:
        """Take in a CAP alert: 201 and the bulletin's uid; 200 for an alert taken before or a cancel; 400 with
        the reason for a bad alert; 401 for wrong credentials, 429 after too many from one address, 403 for a
        missing role."""
        auth = request.authorization
        if auth is None or auth.type != "basic" or not auth.username or not auth.password:
            return _answer({"error": t("give the user name and passphrase of a person of the hub (HTTP Basic)")}, 401)
        if not _private_channel():
            return _answer({"error": t("a passphrase is taken only over TLS or from this machine")}, 403)
        if (request.content_length or 0) > MAX_ALERT_BYTES:
            return _answer({"error": t("the alert is {size} KB, more than the {limit} KB a CAP alert may have",
                                       size=request.content_length // 1024, limit=MAX_ALERT_BYTES // 1024)}, 400)
        poster = _unlocked(auth.username, auth.password)
        if isinstance(poster, Response):
            return poster
        try:
            taken = take_alert(engine, key, read_alert(request.get_data(cache=False), WHERE), poster, clock())
        except AuthError as exc:  # the person may not write (or cancel) bulletins for these stations
            return _answer({"error": exc.message}, 403)
        except InputError as exc:
            return _answer({"error": str(exc)}, 400)
        return _answer({"action": taken.action, "uid": taken.uids[0], "uids": list(taken.uids),
                        "duplicate": taken.duplicate, "stations": taken.stations, "replaces": taken.replaces},
                       200 if taken.duplicate or taken.action == "cancel" else 201)
