"""Named leases in the store: one process at a time runs the scheduler, or syncs a connector instance.

A lease is a row of ``leases`` (``scheduler``, ``sync:<source>:<instance>``). Taking it is one
statement on SQLite and PostgreSQL alike: insert the row, or take over the existing one when it
has expired (or carries an impossible expiry, a row edited by hand) -- the database's own row
lock decides between two processes trying in the same instant. The holder renews it on a
heartbeat; a holder that dies (kill -9 included) stops renewing and the row expires, so another
process takes over within the failover interval -- at once, when it runs on the same machine and
can see that the holder is gone (:mod:`kpis.store.processes`).

A holder that cannot renew in time -- the store unreachable, or the row taken by another --
counts its lease as lost from the moment it could have expired, before anyone else can take it
(:attr:`Lease.held`), and must stop the work the lease guards.

Times are the processes' own clocks: every host sharing a store keeps its clock in sync (NTP).
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from kpis.store import service_tables
from kpis.store.processes import is_dead_here, process_key
from kpis.store.store import Store
from kpis.store.upsert import insert_on_conflict

#: Of the failover interval: how long a renewal keeps the lease, and how often the holder renews
#: and the others look. Dead holder to new holder: at most 3/4 + 1/8 of it, plus a second of
#: rounding (the store keeps whole seconds).
EXPIRY_SHARE = 0.75
RENEW_SHARE = 0.25
POLL_SHARE = 0.125
#: The holder stops counting on its lease this long before others may take it (clocks drift).
SAFETY_SECONDS = 0.5
#: ``[schedule] failover_seconds`` when nothing else is said.
DEFAULT_FAILOVER_SECONDS = 60.0
#: The longest failover interval a process may use: an expiry further away than this was not
#: written by any holder (a row edited by hand, a clock far off) and is taken over at once.
MAX_FAILOVER_SECONDS = 3600


#: The columns a new holder writes when it takes a lease over.
_TAKEN_OVER = ("holder", "token", "process", "acquired_at", "renewed_at", "expires_at")


@dataclass(frozen=True)
class LeaseInfo:
    """Who holds a lease, as a person reads it."""

    name: str
    holder: str
    acquired_at: datetime
    expires_at: datetime

    def line(self) -> str:
        return f"held by {self.holder} since {self.acquired_at:%Y-%m-%d %H:%M:%S} UTC"


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Lease:
    """One named lease this process may hold, with ``failover_seconds`` as its failover interval."""

    def __init__(
        self,
        store: Store,
        name: str,
        *,
        failover_seconds: float,
        holder: str | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.name = name
        self.failover_seconds = failover_seconds
        self.holder = holder or this_process()
        self._clock = clock
        self._monotonic = monotonic
        self._token = secrets.token_hex(16)
        self._process = process_key()
        self._held_until = float("-inf")  # on the monotonic clock
        self._lock = threading.Lock()

    @property
    def held(self) -> bool:
        """Whether this process may still do the work the lease guards."""
        return self._monotonic() < self._held_until

    @property
    def poll_seconds(self) -> float:
        return self.failover_seconds * POLL_SHARE

    def try_acquire(self) -> bool:
        """Take the lease when it is free or expired (or renew it when ours); True when held."""
        table = service_tables.leases
        started, now = self._monotonic(), self._clock()
        expires = int(now + self.failover_seconds * EXPIRY_SHARE)
        insert = insert_on_conflict(self.store.dialect, table)
        statement = insert.values(
            name=self.name, holder=self.holder, token=self._token, process=self._process, acquired_at=int(now),
            renewed_at=int(now), expires_at=expires,
        ).on_conflict_do_update(
            index_elements=[table.c.name],
            set_={c: insert.excluded[c] for c in _TAKEN_OVER},
            # Expired, ours already, or an expiry no holder could have written (edited by hand).
            where=(table.c.expires_at <= int(now)) | (table.c.token == self._token)
            | (table.c.expires_at > int(now + MAX_FAILOVER_SECONDS)),
        ).returning(table.c.token)
        with self.store.errors(), self.store.engine.begin() as connection:
            won = connection.execute(statement).scalar_one_or_none() == self._token
            if not won:
                won = self._take_from_the_dead(connection, now, expires)
        with self._lock:
            self._held_until = started + (expires - now) - SAFETY_SECONDS if won else float("-inf")
        return won

    def _take_from_the_dead(self, connection: Connection, now: float, expires: int) -> bool:
        """Take the lease of a holder that died on this machine (kill -9 included) without waiting."""
        table = service_tables.leases
        row = connection.execute(select(table.c.token, table.c.process).where(table.c.name == self.name)).first()
        if row is None or not is_dead_here(row.process):
            return False
        taken = connection.execute(
            update(table)
            .where(table.c.name == self.name, table.c.token == row.token)  # unless another was quicker
            .values(holder=self.holder, token=self._token, process=self._process, acquired_at=int(now),
                    renewed_at=int(now), expires_at=expires)
        )
        return taken.rowcount == 1

    def renew(self) -> bool:
        """Extend our lease; False when it is no longer ours (taken over, deleted, edited)."""
        table = service_tables.leases
        started, now = self._monotonic(), self._clock()
        expires = int(now + self.failover_seconds * EXPIRY_SHARE)
        statement = (
            update(table)
            .where(table.c.name == self.name, table.c.token == self._token)
            .values(renewed_at=int(now), expires_at=expires)
        )
        with self.store.errors(), self.store.engine.begin() as connection:
            renewed = connection.execute(statement).rowcount == 1
        with self._lock:
            self._held_until = started + (expires - now) - SAFETY_SECONDS if renewed else float("-inf")
        return renewed

    def release(self) -> None:
        """Give the lease up now (a clean stop), so that a standby need not wait for it to expire."""
        with self._lock:
            self._held_until = float("-inf")
        table = service_tables.leases
        with self.store.errors(), self.store.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.name == self.name, table.c.token == self._token))

    def current(self) -> LeaseInfo | None:
        """Who holds the lease now (None: nobody, or only an expired row)."""
        table = service_tables.leases
        with self.store.errors(), self.store.engine.connect() as connection:
            row = connection.execute(select(table).where(table.c.name == self.name)).mappings().first()
        if row is None or row["expires_at"].timestamp() <= self._clock():
            return None
        return LeaseInfo(self.name, row["holder"], row["acquired_at"], row["expires_at"])

    @contextmanager
    def heartbeat(self, on_lost: Callable[[str], None] | None = None) -> Iterator[Lease]:
        """Renew the (held) lease in a background thread until the block ends, then release it.

        ``on_lost`` is called once, from that thread, with one line saying why, when the lease is
        lost: taken by another process, or not renewed in time (the store unreachable).
        """
        stop = threading.Event()
        thread = threading.Thread(
            target=self._beat, args=(stop, on_lost or (lambda _line: None)), name=f"lease-{self.name}", daemon=True
        )
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join(timeout=max(5.0, self.failover_seconds))
            try:
                self.release()
            except Exception:  # noqa: BLE001 - unreachable store: the row expires on its own
                pass

    def _beat(self, stop: threading.Event, on_lost: Callable[[str], None]) -> None:
        while not stop.wait(self.failover_seconds * RENEW_SHARE):
            try:
                if self.renew():
                    continue
                on_lost(f"lost the {self.name} lease: its row names another holder now (taken over, or edited)")
                return
            except Exception as error:  # noqa: BLE001 - the store's one line; keep trying until expiry
                if not self.held:
                    on_lost(f"lost the {self.name} lease: could not renew it in time ({error})")
                    return
