"""The store's memory of seen request signatures: a second sighting is a replay until it expires;
expired rows are deleted as new ones arrive."""

from __future__ import annotations

from sqlalchemy import func, select

from kpis.store import Store, schema
from kpis.store.seen_requests import CLEANUP_EVERY_SECONDS, SeenRequests


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _rows(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(schema.seen_signatures)).scalar_one()


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
    assert _rows(store) == 5
    clock.now += 600 + CLEANUP_EVERY_SECONDS
    seen.first_sighting("t:new", ttl=600)
    assert _rows(store) == 1  # only the new one is left
    store.close()
