"""Recent KPI results, kept warm so that `/kpi` answers in milliseconds.

A :class:`Snapshot` is one window's data as loaded from the store (``kpis.query.load_kpi_data``
through the ``load`` callable) and the reports computed from it (``kpis.engine.compute_report``,
one per scope, on first use). Snapshots are shared by every command asking about the same days:
a team's numbers, an agent's and every team's over ``7d`` come from one read of the store.

Freshness: a snapshot younger than ``ttl`` seconds is used as it is. An older one is still used
(up to ``max_age``) while a fresh one is built in the background, so no command waits for a
reload; beyond ``max_age``, or for days nobody asked about yet, the command waits for the load
(and is answered through ``response_url`` if that takes long). Concurrent commands for the same
days share one load (single flight).

Memory: the data of at most ``max_windows`` windows is held (tens of MB each on a large store).
A window pushed out of them keeps what was computed from it (its reports and views, a few
hundred KB) and its directory, under the same freshness rules, up to ``max_results`` windows: a
period asked again (last month, a range a lead keeps asking about) is answered from them at
once, and only a question that needs something new of it reads its data again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from kpis.dataset import KpiData
from kpis.directory import Directory
from kpis.engine import KpiConfig, compute_report
from kpis.explain import Explanation, explain_change
from kpis.results import Report
from kpis.windows import Window

log = logging.getLogger(__name__)

#: Load the KPI data of ``[start, end)`` from the store.
Loader = Callable[[datetime, datetime], KpiData]
WindowKey = tuple[str, str, str]


class Snapshot:
    def __init__(self, window: Window, data: KpiData, *, now: datetime, loaded_at: float, config: KpiConfig,
                 load_tags: Loader | None = None, reload: Callable[[Snapshot], KpiData] | None = None) -> None:
        """``reload``: reads the window's data again once :meth:`let_go` dropped it (the cache's)."""
        self.window = window
        self._reload = reload
        self._reload_lock = threading.Lock()
        #: Reads the window's data again with the tickets' tags, for `by tag` (None: ``data`` has them).
        self._load_tags = load_tags
        self._tag_data: KpiData | None = None
        self._tag_lock = threading.Lock()
        self.now = now
        self.loaded_at = loaded_at
        self._data: KpiData | None = data
        self._directory = data.directory
        self._config = config
        #: (scope, the KPIs needed; None: every KPI) -> its report.
        self._reports: dict[tuple[str, frozenset[str] | None], Report] = {}
        self._views: dict[tuple, Report | Explanation] = {}
        self._view_locks: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    @property
    def directory(self) -> Directory:
        return self._directory

    @property
    def holds_data(self) -> bool:
        return self._data is not None

    def let_go(self) -> None:
        """Drop the window's data (and tags), keep what was computed from it. A computation
        under way keeps the data it holds; taking no lock, this never waits for one."""
        self._data = self._tag_data = None

    def scopes(self) -> list[tuple[str, frozenset[str] | None]]:
        """The reports computed so far, as :meth:`report` is asked for them: (scope, KPIs), but
        those of a scope whose report of every KPI is there too."""
        every = {by for by, kpis in self._reports if kpis is None}
        return [(by, kpis) for by, kpis in self._reports if kpis is None or by not in every]

    @property
    def has_tags(self) -> bool:
        """Whether the tickets' tags were read for this window (a `by tag` or a `why` asked)."""
        return self._tag_data is not None

    def report(self, by: str, kpis: Collection[str] | None = None) -> Report:
        """Every row of scope ``by`` (overall, team, agent), computed once per snapshot. ``kpis``:
        what the answer shows, the only KPIs computed (much less than every KPI, for a period
        nobody asked about yet), unless the report of every KPI is there already."""
        key = (by, None if kpis is None else frozenset(kpis))
        report = self._reports.get((by, None)) or self._reports.get(key)
        if report is None:
            with self._lock_of(("report", *key)):
                report = self._reports.get(key)
                if report is None:
                    report = compute_report(self._data_now(), self.window, now=self.now, by=by, config=self._config,
                                            kpis=kpis)
                    self._reports[key] = report
        return report


    def breakdown(self, by: str, team: str | None, kpis: Collection[str] | None = None) -> Report:
        """Rows of ``by`` (channel, priority, tag...) narrowed to ``team``, small tags folded, once per
        snapshot; ``kpis``: only those needed (as for :meth:`report`)."""
        wanted = None if kpis is None else frozenset(kpis)
        return self._view(("breakdown", by, team, wanted), lambda: compute_report(
            self._data_for(by), self.window, now=self.now, by=by, team=team, config=self._config,
            fold_small_tags=True, kpis=wanted))

    def explanation(self, kpi: str, by: str, team: str | None) -> Explanation:
        """The change of ``kpi`` (of ``team``, or overall) explained by ``by``, once per snapshot."""
        return self._view(("why", kpi, by, team), lambda: explain_change(
            self._data_for(by), self.window, now=self.now, kpi=kpi, by=by, team=team, config=self._config))

    def tag_data(self) -> KpiData:
        """The window's data with the tickets' tags, read on first use."""
        return self._data_for("tag")

    def _data_for(self, by: str) -> KpiData:
        if by != "tag" or self._load_tags is None:
            return self._data_now()
        with self._tag_lock:  # not self._lock: a view computing under it asks for this data
            data = self._tag_data
            if data is None:
                data = self._tag_data = self._load_tags(self.window.previous().start, self.window.end)
            return data

    def _data_now(self) -> KpiData:
        """The window's data, read again (once, whoever asks meanwhile) if it was let go."""
        with self._reload_lock:
            data = self._data
            if data is None:
                if self._reload is None:
                    raise RuntimeError("a snapshot without its data and no way to read it again")
                data = self._data = self._reload(self)
            return data

    def _view(self, key: tuple, compute):  # noqa: ANN001, ANN202
        found = self._views.get(key)
        if found is None:
            with self._lock_of(key):
                found = self._views.get(key)
                if found is None:
                    found = self._views[key] = compute()
        return found

    def _lock_of(self, key: tuple) -> threading.Lock:
        """One lock per report and view: a slow one (a `why` reading the tags first) holds up only
        those asking for the same, never the snapshot's other reports and views."""
        with self._lock:
            return self._view_locks.setdefault(key, threading.Lock())


class SnapshotCache:
    def __init__(
        self,
        load: Loader,
        *,
        config: KpiConfig | None = None,
        ttl: float = 60.0,
        max_age: float = 900.0,
        max_windows: int = 8,
        max_results: int = 256,
        timer: Callable[[], float] = time.monotonic,
        clock: Callable[[], datetime],
        load_tags: Loader | None = None,
        keep: Callable[[], list[Window]] | None = None,
    ) -> None:
        """``keep``: the windows most commands ask about (7d and 30d as of now): questions about
        other periods, however many, never push their data out of the ``max_windows`` held.
        ``max_results``: windows whose computed answers are kept, their data held or not."""
        self._load = load
        self._keep = keep
        self._load_tags = load_tags
        self._config = config or KpiConfig()
        self.ttl = ttl
        self.max_age = max(max_age, ttl)
        self._max_windows = max_windows
        self._max_results = max(max_results, max_windows)
        self._timer = timer
        self._clock = clock
        self._snapshots: OrderedDict[WindowKey, Snapshot] = OrderedDict()
        self._loading: dict[WindowKey, Future] = {}
        self._lock = threading.Lock()
        self._refresher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpi-refresh")

    def snapshot(self, window: Window) -> Snapshot:
        key = _key(window)
        with self._lock:
            current = self._snapshots.get(key)
            age = None if current is None else self._timer() - current.loaded_at
            if current is not None and age is not None and age <= self.max_age:
                self._snapshots.move_to_end(key)
                if age > self.ttl and key not in self._loading:
                    self._loading[key] = self._refresher.submit(self._build, window, current.scopes(),
                                                                current.has_tags)
                return current
            flight = self._loading.get(key)
            owner = flight is None
            if owner:
                flight = self._loading[key] = Future()
        if not owner:
            return flight.result()
        try:
            snapshot = self._build(window, [])
        except BaseException as error:
            flight.set_exception(error)
            raise
        flight.set_result(snapshot)
        return snapshot

    def has(self, window: Window) -> bool:
        """Whether a command about ``window`` is answered without waiting for a load of the store."""
        with self._lock:
            current = self._snapshots.get(_key(window))
            return current is not None and self._timer() - current.loaded_at <= self.max_age

    def warm(self, windows: list[Window], scopes: list[str]) -> None:
        """Build these windows' snapshots (and their reports) now, e.g. when the server starts."""
        for window in windows:
            snapshot = self.snapshot(window)
            for by in scopes:
                snapshot.report(by)

    def close(self) -> None:
        self._refresher.shutdown(wait=False, cancel_futures=True)

    def _build(self, window: Window, scopes: list[tuple[str, frozenset[str] | None]],
               tags: bool = False) -> Snapshot:
        key = _key(window)
        try:
            started = self._timer()
            data = self._load(window.previous().start, window.end)
            snapshot = Snapshot(window, data, now=self._clock(), loaded_at=started, config=self._config,
                                load_tags=self._load_tags, reload=self._reload)
            for by, kpis in scopes:  # a refresh recomputes what was asked of the old snapshot before the swap
                snapshot.report(by, kpis)
            if tags:  # and reads the tags again if they were asked for: a `why` then never waits for them
                snapshot.tag_data()
        except Exception:
            log.exception("loading the KPIs of %s failed", window.label())
            with self._lock:
                self._loading.pop(key, None)
            raise
        with self._lock:
            self._snapshots[key] = snapshot
            self._snapshots.move_to_end(key)
            self._loading.pop(key, None)
        self._trim()
        log.debug("KPIs of %s loaded in %.2fs", window.label(), self._timer() - started)
        return snapshot

    def _reload(self, snapshot: Snapshot) -> KpiData:
        """A snapshot's data read again, for a question it has no answer for yet. The snapshot
        keeps its first read's ``now`` and age: its new answers are no older than its first ones,
        and it is refreshed when those are ``ttl`` old, as before."""
        data = self._load(snapshot.window.previous().start, snapshot.window.end)
        with self._lock:
            key = _key(snapshot.window)
            if self._snapshots.get(key) is snapshot:
                self._snapshots.move_to_end(key)
        self._trim(holding=snapshot)
        return data

    def _trim(self, holding: Snapshot | None = None) -> None:
        """The least recently used windows beyond ``max_windows`` let their data go (those most
        asked about never), and beyond ``max_results`` go altogether. ``holding``: a snapshot
        about to hold its data again, counted as holding it."""
        with self._lock:
            kept = {_key(w) for w in self._keep()} if self._keep is not None else set()
            holders = [k for k, s in self._snapshots.items() if s.holds_data or s is holding]
            releasable = [k for k in holders if k not in kept and self._snapshots[k] is not holding]
            released = [self._snapshots[k] for k in releasable[: max(0, len(holders) - self._max_windows)]]
            drop = [k for k in self._snapshots if k not in kept][: max(0, len(self._snapshots) - self._max_results)]
            for old in drop:
                del self._snapshots[old]  # the least recently used first
        for snapshot in released:
            snapshot.let_go()


def _key(window: Window) -> WindowKey:
    return (window.first_day.isoformat(), window.end_day.isoformat(), window.zone.key)
