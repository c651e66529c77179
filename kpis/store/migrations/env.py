"""Alembic environment: always runs on the connection the store hands over (see kpis.store.migrate)."""

from alembic import context

from kpis.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Two processes opening a fresh PostgreSQL store at once (server replicas, a cron sync)
        # must not both run the migrations; the second waits here, then finds nothing to do.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7261834401)")
    context.run_migrations()
