"""The hub's HTTP API for stations (Flask): the hub's key, joining, log bundles, heartbeats, bulletins (a
long-poll), their clips and receipts. Every route but the first two is signed by the station (see protocol.py);
every answer to a signed request is signed by the hub."""

from __future__ import annotations

import datetime as dt
from functools import wraps
from typing import Callable

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, Response, request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from broadcaster import __version__
from broadcaster.hub import deliveries, ingest, stations, utc_now
from broadcaster.hub.cap_api import add_cap_route
from broadcaster.hub.fanout import MAX_WAITERS, RETRY_S, Busy, Fanout
from broadcaster.hub.protocol import (API, COUNTER_HEADER, HUB_SIGNATURE_HEADER, MAX_BODY_BYTES, SIGNATURE_HEADER,
                                      STATION_HEADER, response_message)
from broadcaster.errors import InputError
from broadcaster.hub.stations import RefusedError
from broadcaster.messages import t
from broadcaster.trust.keys import b64, fingerprint, public_raw, sign

Clock = Callable[[], dt.datetime]
# The biggest body each signed route takes (others: MAX_BODY_BYTES, for a bundle of log records).
BODY_LIMITS = {f"{API}/heartbeat": ingest.MAX_HEARTBEAT_BYTES, f"{API}/bulletins/receipts": 2 * 2 ** 20}


def _json(data: dict, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status=status, mimetype="application/json")


def create_app(engine: Engine, key: Ed25519PrivateKey, clock: Clock = utc_now,
               max_waiters: int = MAX_WAITERS) -> Flask:
    """The hub's API over ``engine``, answering with ``key``; at most ``max_waiters`` long-polls wait at once (see
    fanout.MAX_WAITERS). Its Fanout is ``app.extensions["fanout"]``: stop it when the app is done."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    public = public_raw(key)
    fanout = app.extensions["fanout"] = Fanout(engine, max_waiters)

    def signed(handler: Callable) -> Callable:
        """A route that a station signs: authenticated and handled in one transaction, answered signed."""
        @wraps(handler)
        def route(**path) -> Response:
            station, counter = request.headers.get(STATION_HEADER), request.headers.get(COUNTER_HEADER)
            signature = request.headers.get(SIGNATURE_HEADER)
            request.max_content_length = BODY_LIMITS.get(request.path, MAX_BODY_BYTES)
            try:
                with engine.connect() as db:  # who it claims to be, before its body is read (a 60 MB junk body)
                    stations.sender(db, station, counter, signature)
                body = request.get_data(cache=False)
                with engine.begin() as db:
                    row = stations.authenticate(db, station, counter, signature, request.method,
                                                request.full_path.rstrip("?"), body, clock())
                    result = handler(db, row, body, **path)
                if callable(result) and not isinstance(result, Response):
                    result = result()  # a long-poll: it waits after the transaction, holding no connection
                answer = result if isinstance(result, Response) else _json(result)
            except RefusedError as exc:
                answer = _json({"error": exc.message}, exc.status)
            except OperationalError as exc:  # the database is down or restarting: the station tries again later
                app.logger.warning("database unavailable: %s", exc.orig)
                answer = _json({"error": t("the hub's database is not available; try again later")}, 503)
            if station and counter:
                number = int(counter) if counter.isascii() and counter.isdigit() else 0
                answer.headers[HUB_SIGNATURE_HEADER] = b64(sign(key, response_message(
                    station, number, answer.status_code, answer.get_data())))
            return answer
        return route

    @app.get(f"{API}/hub")
    def hub() -> Response:
        """The hub's public key, which stations pin when they join."""
        return _json({"public_key": b64(public), "fingerprint": fingerprint(public), "version": __version__})

    @app.post(f"{API}/join")
    def join() -> Response:
        """A station registers its public key with its one-time enrolment code."""
        try:
            data = orjson.loads(request.get_data(cache=False))
            if not isinstance(data, dict):
                raise RefusedError(t("the request is not a join request"), 400)
            with engine.begin() as db:
                station_key = stations.join(db, data.get("station"), data.get("public_key"), data.get("code"),
                                            clock())
        except orjson.JSONDecodeError:
            return _json({"error": t("the request is not a join request")}, 400)
        except RefusedError as exc:
            return _json({"error": exc.message}, exc.status)
        except InputError as exc:
            return _json({"error": exc.message}, 400)
        return _json({"station_key": station_key, "public_key": b64(public), "fingerprint": fingerprint(public)})

    @app.get(f"{API}/log/cursor")
    @signed
    def log_cursor(db, row, body) -> dict:
        """How far the hub holds the station's log."""
        return ingest.cursor(row)

    @app.post(f"{API}/log")
    @signed
    def log(db, row, body) -> dict:
        """A bundle of the station's log records, taken in once each."""
        return ingest.ingest_bundle(db, row, body, clock())

    @app.post(f"{API}/heartbeat")
    @signed
    def heartbeat(db, row, body) -> dict:
        """The station's health now."""
        return ingest.ingest_heartbeat(db, row, body, clock())

    @app.get(f"{API}/bulletins")
    @signed
    def bulletins(db, row, body) -> dict | Callable[[], dict]:
        """The station's deliveries after its cursor; when there is none, a wait of up to ``wait`` seconds for one."""
        after, wait = deliveries.poll_arguments(request.args)
        found = deliveries.deliveries_after(db, row.id, after)
        if found["deliveries"] or not wait:
            return found

        def later() -> dict:
            try:
                came = fanout.wait(row.id, after, wait)
            except Busy:  # said, so that the station does not ask again at once
                return {**found, "waited": False, "retry_after": RETRY_S}
            if came is None:  # not held in memory (made long ago, or before the hub listened): ask the database
                with engine.connect() as again:
                    return deliveries.deliveries_after(again, row.id, after)
            came = came[:deliveries.MAX_DELIVERIES]
            return {"deliveries": came, "cursor": came[-1]["delivery"]} if came else found
        return later

    @app.get(f"{API}/bulletins/<uid>/clip")
    @signed
    def clip(db, row, body, uid: str) -> Response:
        """The clip of a bulletin delivered to the station."""
        return Response(deliveries.clip_for(db, row.id, uid), mimetype="application/octet-stream")

    @app.post(f"{API}/bulletins/receipts")
    @signed
    def receipts(db, row, body) -> dict:
        """What the station did with its deliveries: delivered, or failed and why."""
        return deliveries.take_receipts(db, row.id, body, clock())

    add_cap_route(app, engine, key, clock)  # a warning system's CAP alerts (a person's credentials, not a station's)

    @app.errorhandler(SQLAlchemyError)
    def database_error(exc: SQLAlchemyError) -> Response:
        app.logger.error("database error: %s", exc)
        return _json({"error": t("the hub's database is not available; try again later")}, 503)

    return app
