"""Customer accounts as a process that reads the store often keeps them (the `/kpi` endpoint).

Every load of a window needs every account (churn asks who was a customer at the window's start,
however long ago they joined): on a store of tens of thousands of accounts, reading them again is
a good part of a new period's cost, though they change only when an accounts file is imported or
a sync brings them. So they are read again at most every ``ttl`` seconds -- the endpoint gives
its results' own freshness (``[slash] cache_seconds``), so an answer is no further behind the
store than it already may be. Concurrent loads share one read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from cachetools import TTLCache
from sqlalchemy.engine import Connection

from kpis.dataset import AccountColumns
from kpis.query import read_accounts


class KeptAccounts:
    def __init__(self, ttl: float, *, timer: Callable[[], float] = time.monotonic) -> None:
        self._kept: TTLCache = TTLCache(maxsize=1, ttl=ttl, timer=timer)
        self._lock = threading.Lock()

    def __call__(self, connection: Connection) -> AccountColumns:
        """The accounts read within the last ``ttl`` seconds, else read now through ``connection``."""
        with self._lock:
            found = self._kept.get("accounts")
            if found is None:
                found = self._kept["accounts"] = read_accounts(connection)
            return found
