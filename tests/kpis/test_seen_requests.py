"""The store's memory of seen request signatures: a second sighting is a replay until it expires;
expired rows are deleted as new ones arrive; a sync holding a SQLite store's write lock never
holds up the check."""

from __future__ import annotations

import sqlite3

from sqlalchemy import func, select

from kpis.store import Store, service_tables
from kpis.store.seen_requests import CLEANUP_EVERY_SECONDS, SeenRequests


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _rows(seen: SeenRequests) -> int:
    with seen.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(service_tables.seen_signatures)).scalar_one()


def test_a_key_seen_by_one_replica_is_a_replay_for_another_until_it_expires(store_url):
    store = Store.open(store_url)
    clock = Clock()
    one, other = SeenRequests(store, clock=clock), SeenRequests(store, clock=clock)
    assert one.first_sighting("1800000000:v0=abc", ttl=600) is True
    assert other.first_sighting("1800000000:v0=abc", ttl=600) is False
    assert one.first_sighting("1800000000:v0=abc", ttl=600) is False
    assert other.first_sighting("1800000001:v0=def", ttl=600) is True
    clock.now += 601  # past its expiry: no longer remembered
    assert other.first_sighting("1800000000:v0=abc", ttl=600) is True
    store.close()


def test_expired_rows_are_deleted_as_new_ones_arrive(store_url):
    store = Store.open(store_url)
    clock = Clock()
    seen = SeenRequests(store, clock=clock)
    for n in range(5):
        seen.first_sighting(f"t:{n}", ttl=600)
    assert _rows(seen) == 5
    clock.now += 600 + CLEANUP_EVERY_SECONDS
    seen.first_sighting("t:new", ttl=600)
    assert _rows(seen) == 1  # only the new one is left
    store.close()


def test_a_replay_is_refused_while_a_sync_holds_the_sqlite_stores_write_lock(sqlite_url):
    # No wait for a lock: had the check needed the store's write lock, it would fail at once
    # (StoreBusy) rather than wait for the writer.
    store = Store.open(sqlite_url, lock_timeout=0)
    one, other = SeenRequests(store), SeenRequests(store)  # two endpoint processes on one store
    writer = sqlite3.connect(store.engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # what a sync holds while it writes a page
    try:
        assert one.first_sighting("1800000000:v0=abc", ttl=600) is True
        assert other.first_sighting("1800000000:v0=abc", ttl=600) is False
        assert one.first_sighting("1800000000:v0=abc", ttl=600) is False
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        one.close()
        other.close()
        store.close()
