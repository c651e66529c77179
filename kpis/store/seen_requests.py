"""Request signatures seen by any process sharing the store: the `/kpi` endpoint's replay memory.

Each accepted request's key (its timestamp and signature) is inserted with an expiry; the insert
finds the key already there, unexpired, when another process -- or this one -- saw the request
first: a replay. One statement on SQLite and PostgreSQL, so two replicas receiving the same
request at once cannot both accept it. Expired rows are deleted now and then as new ones arrive.

Where the rows live: on PostgreSQL, the store's ``seen_signatures`` table (an insert there takes
a row lock only, so a sync's transactions never hold it up). A SQLite database has one writer
at a time (https://www.sqlite.org/lockingv3.html), and a sync holds that lock for each page it
writes: an insert into the store itself would make every HTTP acknowledgement wait for the sync's
page. So a SQLite store keeps its seen signatures in a small database file of their own beside it
(``<store file>-seen``, WAL like the store): every endpoint process on the store opens the same
file (SQLite stores are only ever shared by processes of one machine), so a replay is still
refused by all of them, and its writes wait only for each other's one-row inserts. The file holds
ten minutes of signatures and nothing else; deleting it forgets them, which only re-opens those
ten minutes to a replay, so it needs no migration: its one table is created when missing.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.schema import CreateIndex, CreateTable

from kpis.store import service_tables
from kpis.store.connection import create_store_engine, parse_url, translate_operational_errors
from kpis.store.store import Store
from kpis.store.upsert import insert_on_conflict

#: How often (seconds) a process deletes the expired rows, piggybacked on an insert.
CLEANUP_EVERY_SECONDS = 60.0
#: Appended to a SQLite store's file name: the file of its seen signatures.
SQLITE_SUFFIX = "-seen"


class SeenRequests:
    def __init__(self, store: Store, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        #: Where the signatures are kept (the store's engine, or the SQLite store's side file).
        self.engine, self._url = _memory_of(store)
        self._clock = clock
        self._next_cleanup = float("-inf")
        self._lock = threading.Lock()

    def first_sighting(self, key: str, *, ttl: float) -> bool:
        """Remember ``key`` for ``ttl`` seconds; False when it was seen before and has not expired."""
        table = service_tables.seen_signatures
        now = self._clock()
        digest = hashlib.sha256(key.encode()).hexdigest()
        insert = insert_on_conflict(self.engine.dialect.name, table)
        statement = insert.values(key=digest, expires_at=int(now + ttl)).on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"expires_at": insert.excluded.expires_at},
            where=table.c.expires_at <= int(now),  # an expired row is a new sighting
        ).returning(table.c.key)
        with translate_operational_errors(self._url), self.engine.begin() as connection:
            first = connection.execute(statement).scalar_one_or_none() is not None
            if self._cleanup_due(now):
                connection.execute(delete(table).where(table.c.expires_at <= int(now)))
        return first

    def close(self) -> None:
        if self.engine is not self.store.engine:
            self.engine.dispose()

    def _cleanup_due(self, now: float) -> bool:
        with self._lock:
            if now < self._next_cleanup:
                return False
            self._next_cleanup = now + CLEANUP_EVERY_SECONDS
            return True


def _memory_of(store: Store) -> tuple[Engine, object]:
    url = store.engine.url
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:") or database.startswith("file:"):
        return store.engine, url  # PostgreSQL, or a SQLite store no other process can open anyway
    side = url.set(database=database + SQLITE_SUFFIX)
    rendered = side.render_as_string(hide_password=False)
    engine = create_store_engine(rendered)
    with translate_operational_errors(parse_url(rendered)), engine.begin() as connection:
        # IF NOT EXISTS: two endpoint processes starting at once both create it, harmlessly.
        connection.execute(CreateTable(service_tables.seen_signatures, if_not_exists=True))
        for index in service_tables.seen_signatures.indexes:
            connection.execute(CreateIndex(index, if_not_exists=True))
    return engine, side
