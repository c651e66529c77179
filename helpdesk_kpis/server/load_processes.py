"""The `/kpi` endpoint's reads of the store, in worker processes of their own.

A period nobody asked about yet costs about 0.1 s of a core to read with the store's days in
memory (kpis.query.load_kpi_data on a million tickets; seconds from the store for days not read
before): Python and numpy under the interpreter lock. Read in the endpoint's own
process, those reads hold the lock that the acknowledgements and the warm answers need too, and
at 8 people asking at once every acknowledgement waits behind them. In ``processes`` worker
processes (``[slash] load_processes``) the reads run beside the endpoint instead: it only
unpickles the result (a few tens of milliseconds for a month of a million tickets) and computes
the KPIs. Each worker opens the store itself and keeps its own day memo and customer accounts
(:mod:`kpis.columnar.memo`, :mod:`kpis.kept_accounts`), and reads the store's days into that
memo when it starts. Workers are started with ``spawn``: the
endpoint has threads running, which a ``fork`` would copy in whatever state they are in
(https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from multiprocessing.connection import wait

from helpdesk_kpis.server.gc_pacing import CollectionPacer
from kpis.columnar.memo import DayMemo
from kpis.columnar.remembered import fill
from kpis.dataset import KpiData
from kpis.kept_accounts import KeptAccounts
from kpis.query import load_kpi_data
from kpis.store import Store

#: This worker process's store and what it keeps between reads (set by :func:`_start`).
_reader: tuple[Store, DayMemo, KeptAccounts] | None = None
#: The days this worker read into its memory when it started (:func:`kpis.columnar.remembered.fill`).
_filled: Future[int] = Future()


def _start(url: str, cache_seconds: float) -> None:
    global _reader  # noqa: PLW0603 - one per worker process, set once when it starts
    threading.Thread(target=_exit_with_parent, name="parent-watch", daemon=True).start()
    CollectionPacer().start()  # its reads make as many lasting objects as the endpoint's (gc_pacing)
    _reader = (Store.open(url, existing=True), DayMemo(tolerate_seconds=cache_seconds), KeptAccounts(cache_seconds))
    threading.Thread(target=_fill, name="memory-fill", daemon=True).start()


def _fill() -> None:
    try:
        _filled.set_result(fill(_reader[0], _reader[1]))
    except Exception as error:  # noqa: BLE001 - an optimisation: reads then take their days from the store
        _filled.set_exception(error)


def _filled_days() -> int | None:
    """How many days the fill read; None while it runs (never blocking the worker's reads)."""
    return _filled.result() if _filled.done() else None


def _exit_with_parent() -> None:
    """End this worker when the endpoint's process ends, however it ends (kill -9 included): the
    pool only tells its workers to stop when its process exits normally, and an orphaned worker
    would keep the endpoint's output open and its memory held.
    https://docs.python.org/3/library/multiprocessing.html#multiprocessing.parent_process"""
    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os._exit(0)


def _load(start: datetime, end: datetime, tags: bool) -> KpiData:
    store, memo, accounts = _reader
    return load_kpi_data(store, start, end, tags=tags, memo=memo, accounts=accounts)


class LoadProcesses:
    def __init__(self, database_url: str, *, processes: int, cache_seconds: float) -> None:
        self._pool = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_start, initargs=(database_url, cache_seconds))

    def load(self, start: datetime, end: datetime, *, tags: bool = False) -> KpiData:
        """What ``load_kpi_data(store, start, end, tags=tags)`` gives, read by a worker."""
        return self._pool.submit(_load, start, end, tags).result()

    def fill_memory(self, poll_seconds: float = 0.5) -> int:
        """Until a worker read the store's days into its memory (each does when it starts, in the
        background); how many. Asked with short tasks, so that reads are never queued behind it."""
        while (days := self._pool.submit(_filled_days).result()) is None:
            time.sleep(poll_seconds)
        return days

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
