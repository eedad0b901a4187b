"""Running the hub: its database (the one named, or the private one in its data folder) migrated, its key
(recorded in the database, so that every command shows the one stations pin), its API served by waitress."""

from __future__ import annotations

import datetime as dt
import signal
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Engine

from broadcaster.errors import BroadcasterError, InputError, StorageError
from broadcaster.hub.database import PGDATA, embedded_url, engine_for, migrate
from broadcaster.hub.fanout import MAX_WAITERS
from broadcaster.hub.identity import KEY_FILE, hub_key
from broadcaster.hub.schema import hub_identity
from broadcaster.messages import t
from broadcaster.trust.keys import fingerprint, public_raw


SERVING_LOCK = "serving.lock"  # in the data folder: held by the one hub serving it

# waitress's defaults refuse a 101st open connection until one closes (after 120 s idle): a province's 200
# stations, each keeping its connection alive between requests, would wait minutes. A connection idle for
# 30 s is closed; the stations open a new one at their next round.
# A bulletin long-poll holds a waitress thread while it waits (waitress runs each request in a thread of its
# pool and has no asynchronous handlers): the pool has room for fanout.MAX_WAITERS waits and 32 threads more for
# everything else (logs, heartbeats, receipts, clips).
SERVER_OPTIONS = {"threads": MAX_WAITERS + 32, "connection_limit": 1000, "channel_timeout": 30}


@dataclass
class Hub:
    """An opened hub: its engine (schema up to date), key and data folder."""

    engine: Engine
    key: Ed25519PrivateKey
    data: Path
    revision: str


def open_database(db: str | None, data: Path, create: bool = False) -> Engine:
    """The engine on ``db`` (or on the private server in ``data`` when ``db`` is None), schema up to date; a
    private server is made in a new folder only when ``create`` (serving a hub, not asking one)."""
    if not db and not create and not (Path(data) / PGDATA).is_dir():
        raise InputError(t("no hub in {data}; give --data FOLDER or --db URL", data=data))
    if not db:
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (a service, a container)
            warnings.simplefilter("ignore")
            db = embedded_url(Path(data), watched=create)
    engine = engine_for(db)
    migrate(engine)
    return engine


def open_hub(db: str | None, data: Path, now: dt.datetime) -> Hub:
    """The hub of ``data`` on ``db``, with every migration applied and its key recorded in the database."""
    _serve_alone(Path(data))
    engine = open_database(db, data, create=True)
    key = hub_key(Path(data))
    with engine.begin() as conn:
        conn.execute(insert(hub_identity).values(id=1, public_key=public_raw(key), since=now).on_conflict_do_update(
            index_elements=["id"], set_={"public_key": public_raw(key), "since": now},
            where=hub_identity.c.public_key != public_raw(key)))
    from broadcaster.hub.database import revision

    return Hub(engine, key, Path(data), revision(engine))


_SERVING: dict[Path, object] = {}  # the lock of each data folder this process serves, held until it exits


def _serve_alone(data: Path) -> None:
    """Hold, for as long as this process lives, the lock that says a hub serves ``data``; a StorageError when
    another process holds it. The system drops the lock of a process killed, so a crash never leaves it held."""
    from filelock import FileLock, Timeout

    data = data.resolve()
    if data in _SERVING:
        return
    data.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(data / SERVING_LOCK), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise StorageError(t("another hub is already serving {folder}; stop it first", folder=data)) from None
    _SERVING[data] = lock


def hub_fingerprint(engine: Engine) -> str:
    """The fingerprint of the key of the hub serving this database (a StorageError before its first start)."""
    with engine.connect() as conn:
        public = conn.execute(select(hub_identity.c.public_key)).scalar()
    if public is None:
        raise StorageError(t("no hub has been started on this database yet: start it first (broadcaster hub serve)"))
    return fingerprint(bytes(public))


def signing_key(engine: Engine, data: Path) -> Ed25519PrivateKey:
    """The key of the hub serving this database, from its data folder ``data`` (never made here: a command run
    with another folder must not sign with a key the stations did not pin)."""
    with engine.connect() as conn:
        public = conn.execute(select(hub_identity.c.public_key)).scalar()
    if public is None:
        raise StorageError(t("no hub has been started on this database yet: start it first (broadcaster hub serve)"))
    if not (Path(data) / KEY_FILE).exists() or public_raw(hub_key(Path(data))) != bytes(public):
        raise StorageError(t("the hub key in {folder} is not the key of the hub serving this database; give that "
                             "hub's data folder (--data)", folder=data))
    return hub_key(Path(data))


def application(hub: Hub, stations_api: Callable) -> Callable:
    """What the hub serves on its one port: the stations' API under /api/, its people's pages elsewhere."""
    from broadcaster.hub import pages

    return pages.dispatch(stations_api, pages.create_app(hub.engine, hub.data, hub.key))


def behind(wsgi: Callable, proxies: int) -> Callable:
    """``wsgi`` as it sees requests through ``proxies`` reverse proxies (TLS ended there): the browser's address
    and scheme from their X-Forwarded- headers, so that a login locks per browser, not per proxy."""
    if not proxies:
        return wsgi
    from werkzeug.middleware.proxy_fix import ProxyFix

    return ProxyFix(wsgi, x_for=proxies, x_proto=proxies, x_host=proxies)


def serve(hub: Hub, host: str, port: int, ready: Callable[[str], None] = lambda url: None,
          proxies: int = 0) -> None:
    """Answer stations and people on ``host``:``port`` (behind ``proxies`` reverse proxies), and make the daily
    report each morning, until the process is stopped (Ctrl+C, or SIGTERM from a service manager: both end it
    by the same path, so that a private PostgreSQL server is stopped cleanly too)."""
    import waitress

    from broadcaster.hub.api import create_app
    from broadcaster.hub.daily import DailyReports

    app = create_app(hub.engine, hub.key)
    try:
        server = waitress.create_server(behind(application(hub, app), proxies), host=host, port=port,
                                        **SERVER_OPTIONS)
    except OSError as exc:  # the port in use: another hub (or program) listens there
        app.extensions["fanout"].stop()
        raise BroadcasterError(t("cannot listen on {host}:{port}: {reason}", host=host, port=port,
                                 reason=exc.strerror or exc)) from None
    reports = DailyReports(hub.engine, hub.data).start()
    ready(f"http://{host}:{server.effective_port}")
    with interrupted_by_sigterm():
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            reports.stop()
            stop_serving(server, app)
            hub.engine.dispose()


def stop_serving(server, app) -> None:
    """Close ``server`` (made with SERVER_OPTIONS for ``app``), release its long-polls and end its threads:
    waitress's close() leaves its pool of threads running."""
    server.close()
    app.extensions["fanout"].stop()
    server.task_dispatcher.shutdown(timeout=10)


@contextmanager
def interrupted_by_sigterm() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt in the main thread while the block runs, as Ctrl+C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
