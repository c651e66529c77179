"""The sync lock: one sync of a connector instance at a time, whichever process (cron, `serve`, a shell).

It is the store's lease ``sync:<source>:<instance>`` (:mod:`kpis.store.leases`), renewed while the
sync runs: a sync killed in any way leaves it held for at most ``[schedule] failover_seconds``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from kpis.errors import RunFailed
from kpis.store import Store
from kpis.store.leases import Lease


class SyncLock:
    def __init__(self, store: Store, source: str, instance: str, *, failover_seconds: float) -> None:
        self.label = f"{source}:{instance}"
        self.lease = Lease(store, f"sync:{self.label}", failover_seconds=failover_seconds)
        self._lost = threading.Event()

    def acquire(self, *, wait: bool, notice: Callable[[str], None]) -> str | None:
        """Take the lock; None once held, else the ``skipped:`` line (``wait``: wait for it instead)."""
        told = False
        while not self.lease.try_acquire():
            holder = self.lease.current()
            held_by = holder.line() if holder is not None else "held by another sync"
            if not wait:
                return f"skipped: {self.label} is being synced by another process ({held_by}); nothing to do"
            if not told:
                notice(f"waiting: {self.label} is being synced by another process ({held_by})")
                told = True
            time.sleep(self.lease.poll_seconds)
        return None

    def holding(self) -> AbstractContextManager[Lease]:
        """Renew the lock while the block runs; release it at the end."""
        return self.lease.heartbeat(on_lost=lambda _line: self._lost.set())

    def check(self) -> None:
        """Before each page: a sync whose lock was lost stops, so two never write at once."""
        if self._lost.is_set() or not self.lease.held:
            raise RunFailed(
                f"stopped syncing {self.label}: its sync lock could not be renewed in time (the store unreachable, "
                "or another sync took it over); what was stored is kept and the next sync resumes"
            )
