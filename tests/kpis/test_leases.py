"""Leases in the store, on SQLite and PostgreSQL: one holder, takeover after expiry, lost leases."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kpis.store import Store
from kpis.store.leases import Lease


class Clock:
    """Wall and monotonic time moved by hand, so expiry is deterministic."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def wall(self) -> float:
        return self.now

    def mono(self) -> float:
        return self.now - 1_700_000_000.0


def _lease(store: Store, clock: Clock, holder: str, name: str = "scheduler") -> Lease:
    return Lease(store, name, failover_seconds=60, holder=holder, clock=clock.wall, monotonic=clock.mono)


def test_one_holder_at_a_time_and_takeover_after_expiry(store_url):
    store = Store.open(store_url)
    clock = Clock()
    first, second = _lease(store, clock, "a:1"), _lease(store, clock, "b:2")
    assert first.try_acquire() is True
    assert second.try_acquire() is False
    assert second.current().holder == "a:1"
    clock.now += 30  # renewals keep it
    assert first.renew() is True
    clock.now += 40  # 40 s after the last renewal: still within 45 s (3/4 of 60)
    assert second.try_acquire() is False
    clock.now += 6  # 46 s without a renewal: expired, the standby takes over
    assert first.held is False  # the dead-or-paused holder stopped counting on it before that
    assert second.try_acquire() is True
    assert first.renew() is False  # the old holder learns it lost the lease
    assert second.current().holder == "b:2"
    store.close()


def test_release_frees_the_lease_at_once_and_names_are_independent(store_url):
    store = Store.open(store_url)
    clock = Clock()
    first, second = _lease(store, clock, "a:1"), _lease(store, clock, "b:2")
    other = _lease(store, clock, "b:2", name="sync:zendesk:default")
    assert first.try_acquire() and other.try_acquire()
    first.release()
    assert first.current() is None
    assert second.try_acquire() is True
    store.close()


def test_a_lease_row_edited_by_hand_is_lost_by_its_holder_or_taken_over(store_url):
    store = Store.open(store_url)
    clock = Clock()
    first, second = _lease(store, clock, "a:1"), _lease(store, clock, "b:2")
    assert first.try_acquire()
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE leases SET token = 'edited', holder = 'someone'"))
    assert first.renew() is False and first.held is False
    with store.engine.begin() as connection:  # an expiry years away: no holder writes that
        connection.execute(text("UPDATE leases SET expires_at = 4102444800"))
    assert second.try_acquire() is True
    store.close()


def _holder_process(store: Store, key: str | None) -> None:
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE leases SET process = :key"), {"key": key})


def test_a_holder_that_died_on_this_machine_is_taken_over_at_once_one_elsewhere_on_expiry(store_url):
    import subprocess
    import sys

    from kpis.store.processes import process_key

    store = Store.open(store_url)
    clock = Clock()
    first, second = _lease(store, clock, "a:1"), _lease(store, clock, "b:2")
    assert first.try_acquire()
    own = process_key()
    if own is None:
        pytest.skip("needs /proc to tell a dead process")
    host, namespace, _pid, _start = own.split("/")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_here = f"{host}/{namespace}/{int(gone.stdout)}/1"
    _holder_process(store, f"other-host/{namespace}/{int(gone.stdout)}/1")  # another machine: we cannot tell
    assert second.try_acquire() is False
    _holder_process(store, own)  # alive (this very process)
    assert second.try_acquire() is False
    _holder_process(store, dead_here)  # its process is gone: no need to wait 45 s
    assert second.try_acquire() is True
    assert second.current().holder == "b:2"
    store.close()


def test_a_holder_that_cannot_reach_the_store_gives_its_lease_up_in_time_with_one_line(sqlite_url):
    import threading

    from kpis.store.connection import create_store_engine

    store = Store.open(sqlite_url)
    lease = Lease(store, "scheduler", failover_seconds=3)
    assert lease.try_acquire()
    lost: list[str] = []
    gone = threading.Event()
    with lease.heartbeat(on_lost=lambda line: (lost.append(line), gone.set())):
        # The store goes away (a PostgreSQL server down: nothing listens on port 1).
        store.engine = create_store_engine("postgresql+psycopg://kpis@127.0.0.1:1/kpis")
        assert gone.wait(timeout=60)  # generous: it happens within 3/4 of the 3 s interval
        assert lease.held is False
    [line] = lost
    assert line.startswith("lost the scheduler lease: could not renew it in time (the store ")
    assert "Connection refused" in line and "\n" not in line
