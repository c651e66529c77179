"""Idempotent upserts keyed by (source, instance, id): a changed record replaces its row.

A record never goes back in time: when the stored row was updated later than the incoming one
(two syncs racing, a replayed page), the stored row wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def insert_on_conflict(dialect: str, table: Table):  # noqa: ANN201 - the dialect's Insert
    """An INSERT of ``table`` that takes ON CONFLICT clauses (the SQLite and PostgreSQL forms)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def upsert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    insert = insert_on_conflict(connection.dialect.name, table)
    key = [column.name for column in table.primary_key.columns]
    # Only the columns the rows carry: a table may hold columns the store derives on its own (a
    # ticket's SLA outcomes), which a re-read record must not reset.
    updates = {c.name: insert.excluded[c.name] for c in table.columns if c.name not in key and c.name in rows[0]}
    where = None
    if "updated_at" in table.c and "updated_at" in updates:
        incoming = insert.excluded.updated_at
        where = or_(incoming.is_(None), table.c.updated_at.is_(None), incoming >= table.c.updated_at)
    if updates:
        statement = insert.on_conflict_do_update(index_elements=key, set_=updates, where=where)
    else:
        statement = insert.on_conflict_do_nothing(index_elements=key)
    # A page may carry the same record twice (a ticket updated while we paged); the last wins.
    unique = {tuple(row[k] for k in key): row for row in rows}
    connection.execute(statement, list(unique.values()))
