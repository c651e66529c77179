"""Which `serve` process runs the jobs: the one holding the store's ``scheduler`` lease.

Every process with role ``all`` or ``scheduler`` tries to take the lease; the one that gets it
runs the jobs and renews it, the others stand by and try again every few seconds. A holder that
dies (kill -9 included) stops renewing, and a standby takes over within ``[schedule]
failover_seconds``. A holder that loses the lease (the store unreachable for too long, the row
taken over or edited) stops its scheduler -- a running job finishes, no new one starts -- and
stands by again.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from rich.console import Console
from rich.markup import escape

from kpis.errors import HelpdeskKpisError
from kpis.store import Store
from kpis.store.leases import Lease

LEASE_NAME = "scheduler"


class Leadership:
    def __init__(self, store: Store, console: Console, *, failover_seconds: float) -> None:
        self.lease = Lease(store, LEASE_NAME, failover_seconds=failover_seconds)
        self.console = console

    def wait_for_turn(self, should_stop: Callable[[], bool] = lambda: False) -> bool:
        """Block until this process holds the lease (True), or until it is asked to stop (False)."""
        last = None
        try:
            while not should_stop():
                try:
                    if self.lease.try_acquire():
                        self._say(f"scheduler lease taken: this process ({self.lease.holder}) runs the jobs")
                        return True
                    holder = self.lease.current()
                    line = (
                        f"standing by: the scheduler lease is {holder.line()}; taking over within "
                        f"{self.lease.failover_seconds:g}s of it stopping"
                        if holder is not None else "standing by: the scheduler lease is changing hands"
                    )
                    holder_key = holder.holder if holder is not None else None
                except HelpdeskKpisError as error:  # the store unreachable: say so once, keep trying
                    line, holder_key = f"standing by: {error}", str(error)
                if holder_key != last:
                    self._say(line)
                    last = holder_key
                _sleep_unless(should_stop, self.lease.poll_seconds)
            return False
        except (KeyboardInterrupt, SystemExit):
            return False

    def guard_jobs(self, scheduler: BaseScheduler) -> None:
        """Each job runs only while the lease is held (a lost lease starts nothing new)."""
        for job in scheduler.get_jobs():
            job.modify(func=self._guarded(job.func, job.name))

    @contextmanager
    def holding(self, scheduler: BaseScheduler) -> Iterator[None]:
        """Renew the lease while ``scheduler`` runs; losing it stops the scheduler."""

        def lost(line: str) -> None:
            self._say(f"{line}; standing by")
            scheduler.shutdown(wait=False)

        with self.lease.heartbeat(on_lost=lost):
            yield

    def _guarded(self, func: Callable[..., Any], name: str) -> Callable[..., Any]:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            if not self.lease.held:
                self._say(f"not running {name}: this process no longer holds the scheduler lease")
                return None
            return func(*args, **kwargs)

        return run

    def _say(self, line: str) -> None:
        self.console.print(escape(line), highlight=False, soft_wrap=True)


def _sleep_unless(should_stop: Callable[[], bool], seconds: float, step: float = 0.2) -> None:
    """Sleep ``seconds``, waking early when asked to stop."""
    deadline = time.monotonic() + seconds
    while not should_stop() and time.monotonic() < deadline:
        time.sleep(min(step, max(0.0, deadline - time.monotonic())))
