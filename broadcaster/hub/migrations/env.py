"""Alembic's environment: migrations run on the connection that broadcaster.hub.database hands over."""

from alembic import context

from broadcaster.hub.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
