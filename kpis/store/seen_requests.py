"""Request signatures seen by any process sharing the store: the `/kpi` endpoint's replay memory.

Each accepted request's key (its timestamp and signature) is inserted with an expiry; the insert
finds the key already there, unexpired, when another process -- or this one -- saw the request
first: a replay. One statement on SQLite and PostgreSQL, so two replicas receiving the same
request at once cannot both accept it. Expired rows are deleted now and then as new ones arrive.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from sqlalchemy import delete

from kpis.store import schema
from kpis.store.store import Store
from kpis.store.upsert import insert_on_conflict

#: How often (seconds) a process deletes the expired rows, piggybacked on an insert.
CLEANUP_EVERY_SECONDS = 60.0


class SeenRequests:
    def __init__(self, store: Store, *, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self._clock = clock
        self._next_cleanup = float("-inf")
        self._lock = threading.Lock()

    def first_sighting(self, key: str, *, ttl: float) -> bool:
        """Remember ``key`` for ``ttl`` seconds; False when it was seen before and has not expired."""
        table = schema.seen_signatures
        now = self._clock()
        digest = hashlib.sha256(key.encode()).hexdigest()
        insert = insert_on_conflict(self.store.dialect, table)
        statement = insert.values(key=digest, expires_at=int(now + ttl)).on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"expires_at": insert.excluded.expires_at},
            where=table.c.expires_at <= int(now),  # an expired row is a new sighting
        ).returning(table.c.key)
        with self.store.errors(), self.store.engine.begin() as connection:
            first = connection.execute(statement).scalar_one_or_none() is not None
            if self._cleanup_due(now):
                connection.execute(delete(table).where(table.c.expires_at <= int(now)))
        return first

    def _cleanup_due(self, now: float) -> bool:
        with self._lock:
            if now < self._next_cleanup:
                return False
            self._next_cleanup = now + CLEANUP_EVERY_SECONDS
            return True
