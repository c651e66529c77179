"""Alembic environment: always runs on the connection the store hands over (see kpis.store.migrate)."""

from alembic import context

from kpis.store import service_tables  # noqa: F401  (its tables join the metadata)
from kpis.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Two processes opening a fresh PostgreSQL store at once (server replicas, a cron sync)
        # must not both run the migrations; the second waits here, then finds nothing to do.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7261834401)")
    elif connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        # The same on SQLite: take the write lock before alembic reads the revision, so the
        # second process waits for the first to commit instead of failing with "table already
        # exists" (https://www.sqlite.org/lang_transaction.html, BEGIN IMMEDIATE).
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    context.run_migrations()
