"""The store: records, sync cursors and delivery state in one database.

Opening a store applies pending migrations. Writing a page of records and advancing its stream's
cursor happen in one transaction, so a sync killed at any moment resumes from a cursor that
matches exactly what was stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.engine import Connection, Engine

from kpis.errors import NoStore
from kpis.records import Ticket
from kpis.store import schema, service_tables, sla_refresh
from kpis.store.connection import create_store_engine, parse_url, translate_operational_errors
from kpis.store.migrate import upgrade_to_head
from kpis.store.review_agents import pin_review_agents, reviews_of_unknown_tickets
from kpis.store.rows import TABLE_OF, record_to_row, row_to_record
from kpis.store.staleness import mark_stale
from kpis.store.upsert import upsert_rows

R = TypeVar("R")


class Store:
    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self._url = parse_url(url)

    @classmethod
    def open(cls, url: str, *, lock_timeout: float | None = None, existing: bool = False) -> Store:
        """Open (creating and migrating as needed) the store at ``url``.

        ``lock_timeout``: seconds a SQLite writer waits for another process's lock before giving up.
        ``existing``: refuse (:class:`NoStore`) instead of creating a store that is not there, for
        commands that only read: an empty new file would only hide a wrong ``DATABASE_URL``.
        """
        if existing:
            _require_existing(url)
        engine = create_store_engine(url, lock_timeout=lock_timeout)
        store = cls(engine, url)
        with store.errors():
            if existing and not inspect(engine).has_table("alembic_version"):
                engine.dispose()
                raise NoStore(f"no store at {store.where}; run `helpdesk-kpis sync` first (or fix DATABASE_URL)")
            with engine.begin() as connection:
                upgrade_to_head(connection)
        return store

    @property
    def where(self) -> str:
        """The store's location for messages: a SQLite file's path, else the URL without its password."""
        if self._url.get_backend_name() == "sqlite":
            return str(self._url.database)
        return self._url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def errors(self):  # noqa: ANN201 - a context manager
        """Wrap store work so that lock, permission and connection failures read as one line."""
        return translate_operational_errors(self._url)

    def ping(self) -> None:
        """One round trip to the database (health checks); raises when it cannot be reached."""
        with self.engine.connect() as connection:
            connection.execute(select(1))

    def close(self) -> None:
        self.engine.dispose()

    # -- writing -------------------------------------------------------------------------------

    def write_page(
        self, source: str, instance: str, stream: str, records: Iterable[Any], cursor: str | None
    ) -> dict[str, int]:
        """Upsert one page of records and move the stream's cursor, atomically.

        The KPI block cache's days the page touches are marked stale in the same transaction.
        Returns how many records of each table the page carried.
        """
        by_table: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for record in records:
            by_table[TABLE_OF[type(record)]].append(record_to_row(record))
        with self.errors(), self.engine.begin() as connection:
            mark_stale(connection, by_table)
            for table, rows in by_table.items():
                upsert_rows(connection, table, rows)
            if schema.reviews in by_table or schema.tickets in by_table:
                pin_review_agents(connection)
            touched = sla_refresh.touched_tickets(by_table)
            if touched:
                sla_refresh.refresh(connection, touched, with_events_only=schema.sla_events not in by_table)
            self._set_cursor(connection, source, instance, stream, cursor)
        return {table.name: len(rows) for table, rows in by_table.items()}

    def _set_cursor(self, connection: Connection, source: str, instance: str, stream: str, cursor: str | None) -> None:
        row = {
            "source": source,
            "instance": instance,
            "stream": stream,
            "cursor": cursor,
            "updated_at": datetime.now(timezone.utc),
        }
        upsert_rows(connection, service_tables.sync_state, [row])

    # -- sync state ----------------------------------------------------------------------------

    def cursor(self, source: str, instance: str, stream: str) -> str | None:
        state = service_tables.sync_state
        query = select(state.c.cursor).where(
            state.c.source == source, state.c.instance == instance, state.c.stream == stream
        )
        with self.errors(), self.engine.connect() as connection:
            return connection.execute(query).scalar_one_or_none()

    def reset_cursors(self, source: str, instance: str) -> None:
        """Forget where a connector instance's streams stopped (``sync --full``); records stay."""
        state = service_tables.sync_state
        with self.errors(), self.engine.begin() as connection:
            connection.execute(delete(state).where(state.c.source == source, state.c.instance == instance))

    # -- reading -------------------------------------------------------------------------------

    def iter_records(
        self, kind: type[R], *, batch_size: int = 5_000, since: tuple[str, datetime] | None = None,
        source: str | None = None, instance: str | None = None,
    ) -> Iterator[R]:
        """Every stored record of ``kind`` in key order, streamed (never the whole table at once).

        ``since``: (time column, instant): only records whose column is at or after it; ``source``
        and ``instance`` narrow to one helpdesk (instance)."""
        table = TABLE_OF[kind]
        key = list(table.primary_key.columns)
        order = [table.c.created_at, *key] if kind is Ticket else key
        query = select(table).order_by(*order)
        if since is not None:
            query = query.where(table.c[since[0]] >= since[1])
        if source is not None:
            query = query.where(table.c.source == source)
        if instance is not None:
            query = query.where(table.c.instance == instance)
        with self.errors(), self.engine.connect() as connection:
            result = connection.execution_options(yield_per=batch_size).execute(query)
            for row in result.mappings():
                yield row_to_record(kind, row)

    def reviews_of_unknown_tickets(self) -> int:
        with self.errors(), self.engine.connect() as connection:
            return reviews_of_unknown_tickets(connection)

    def count(self, kind: type) -> int:
        table = TABLE_OF[kind]
        with self.errors(), self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _require_existing(url: str) -> None:
    """A SQLite file that is not there is refused before connecting (connecting would create it)."""
    parsed = parse_url(url)
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:" and not database.startswith("file:"):
        if not Path(database).expanduser().exists():
            raise NoStore(f"no store at {database}; run `helpdesk-kpis sync` first (or fix DATABASE_URL)")
