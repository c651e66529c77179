"""Sync orchestration: every stream of every selected connector, page by page, into the store."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from connectors.base import Connector, Page, SyncOptions, never_stop
from connectors.errors import StopRequested
from helpdesk_kpis import metrics
from helpdesk_kpis.jobs.sync_lock import SyncLock
from helpdesk_kpis.settings.models import FileConfig
from kpis.columnar.cache import refresh
from kpis.errors import HelpdeskKpisError
from kpis.store import Store
from kpis.store.leases import DEFAULT_FAILOVER_SECONDS
from kpis.store.sync_runs import SyncRun, record_sync_run


@dataclass
class StreamStats:
    label: str
    records: int = 0
    pages: int = 0
    waited: float = 0.0


@dataclass
class SyncSummary:
    streams: list[StreamStats] = field(default_factory=list)
    seconds: float = 0.0
    #: Days of the KPI block cache rebuilt during and at the end of the sync.
    cache_days: int = 0
    #: One ``skipped:`` line per connector instance another process was syncing.
    skipped: list[str] = field(default_factory=list)
    #: Stopped on request at a page boundary, before the end of the data (the next run resumes).
    stopped: bool = False

    @property
    def records(self) -> int:
        return sum(s.records for s in self.streams)

    @property
    def pages(self) -> int:
        return sum(s.pages for s in self.streams)

    @property
    def waited(self) -> float:
        return sum(s.waited for s in self.streams)

    def line(self) -> str:
        connectors = len({s.label.split(" ")[0] for s in self.streams})
        wait = f", {self.waited:.0f}s waiting on rate limits" if self.waited >= 0.5 else ""
        return (
            f"synced {self.records:,} records in {self.pages:,} pages from {connectors} connector"
            f"{'s' if connectors != 1 else ''} in {self.seconds:.1f}s{wait}"
        )


def publish_seconds(config: FileConfig) -> float:
    """How often a sync stores the blocks of the days it touched so far: twice per
    ``[slash] cache_seconds``, the lag the `/kpi` endpoints tolerate."""
    return config.slash.cache_seconds / 2


def run_sync(
    store: Store,
    connectors: Sequence[Connector],
    *,
    since: datetime,
    now: datetime,
    full: bool = False,
    console: Console | None = None,
    failover_seconds: float = DEFAULT_FAILOVER_SECONDS,
    wait: bool = False,
    notice: Callable[[str], None] = lambda _line: None,
    should_stop: Callable[[], bool] = never_stop,
    publish_seconds: float | None = None,
) -> SyncSummary:
    """Pull each connector's streams from their saved cursors; ``full`` starts over from ``since``.

    Each page is written with its cursor in one transaction (``Store.write_page``): stopping at
    any moment, by error or kill, loses nothing and the next run resumes after the last page.
    At the end, the KPI block cache of every day the sync touched is rebuilt (a sync stopped
    before leaves them stale: reports rebuild them as they read, the next sync stores them).

    Each connector instance is synced under its sync lock (:mod:`.sync_lock`): one another process
    is syncing is skipped (a ``skipped:`` line, to ``notice`` and in the summary), or waited for
    with ``wait`` (a ``waiting:`` line to ``notice``).

    ``publish_seconds``: also rebuild and store the blocks of the days touched so far, between two
    pages, at most that often (the `/kpi` endpoints then read a day a long sync keeps rewriting
    from its stored blocks, at most that far behind, instead of each packing its records:
    :mod:`kpis.columnar.memo`). None: only at the end.

    ``should_stop`` is asked after each stored page (every connector's pages are pulled one at a
    time, so no request for the next one has been sent): when it says so the sync ends there,
    with ``stopped`` set, skipping the cache rebuild so that it stops promptly. A page that needs
    a wait (a rate limit's ``Retry-After``) once a stop is asked is left for the next run instead.
    """
    summary = SyncSummary()
    started = time.monotonic()
    publish = _Publisher(store, summary, publish_seconds, should_stop)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<28}"),
        TextColumn("{task.fields[records]:>9,} rec"),
        TextColumn("{task.fields[pages]:>5,} pg"),
        TextColumn("{task.fields[waited]:>5.0f}s wait"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=console is None,
    )
    with progress, ExitStack() as locked:
        for connector in connectors:
            locked.close()  # the previous instance's lock goes as soon as its streams are done
            lock = SyncLock(store, connector.source, connector.instance, failover_seconds=failover_seconds)
            if skipped := lock.acquire(wait=wait, notice=notice):
                summary.skipped.append(skipped)
                notice(skipped)
                continue
            locked.enter_context(lock.holding())
            try:
                stopped = _sync_connector(store, connector, summary, progress, lock, since=since, now=now, full=full,
                                          should_stop=should_stop, publish=publish)
            except BaseException as error:
                _ended(store, connector, _outcome_of(error), error)
                raise
            _ended(store, connector, "stopped" if stopped else "ok")
            if stopped:
                summary.stopped = True
                break
    if not summary.stopped:
        # Rebuild the KPI blocks of every stale day (those this sync touched, and any a stopped
        # sync left), so that reports read them ready-made.
        summary.cache_days += refresh(store)
        if orphans := store.reviews_of_unknown_tickets():
            notice(f"reviews: {orphans:,} name tickets not in the store; they are kept and count once their "
                   "ticket is synced (check the ticket_id and helpdesk columns of the reviews file)")
    summary.seconds = time.monotonic() - started
    return summary


def _outcome_of(error: BaseException) -> str:
    return "stopped" if isinstance(error, (KeyboardInterrupt, SystemExit)) else "failed"


def _ended(store: Store, connector: Connector, outcome: str, error: BaseException | None = None) -> None:
    """Count the run for /metrics and keep how it ended for /healthz (in every process's view)."""
    metrics.SYNC_RUNS.labels(connector.label, outcome).inc()
    detail = None
    if error is not None:
        detail = str(error) if isinstance(error, HelpdeskKpisError) else type(error).__name__
    run = SyncRun(connector.source, connector.instance, datetime.now(timezone.utc), outcome, detail)
    try:
        record_sync_run(store, run)
    except HelpdeskKpisError:
        if error is None:
            raise
        # Already failing: the store's own trouble must not hide why the sync stopped.


def _sync_connector(
    store: Store, connector: Connector, summary: SyncSummary, progress: Progress, lock: SyncLock, *,
    since: datetime, now: datetime, full: bool, should_stop: Callable[[], bool], publish: _Publisher,
) -> bool:
    """One connector instance's streams; whether it stopped on request before the end."""
    instance = connector.label
    if full:
        store.reset_cursors(connector.source, connector.instance)
    for stream in connector.streams():
        stats = StreamStats(label=f"{connector.label} {stream.name}")
        summary.streams.append(stats)
        task = progress.add_task(stats.label, total=None, records=0, pages=0, waited=0.0)

        def waited(seconds: float, stats: StreamStats = stats, task: int = task) -> None:
            stats.waited += seconds
            progress.update(task, waited=stats.waited)
            metrics.SYNC_WAITED.labels(instance).inc(seconds)

        def retried(rate_limited: bool) -> None:
            metrics.SYNC_RETRIES.labels(instance).inc()
            if rate_limited:
                metrics.SYNC_RATE_LIMITED.labels(instance).inc()

        options = SyncOptions(since=since, now=now, on_wait=waited, on_retry=retried, should_stop=should_stop)
        cursor = store.cursor(connector.source, connector.instance, stream.name)
        for page in _until_stop_requested(stream.pages(cursor, options)):
            lock.check()  # a sync that lost its lock stops before writing another page
            store.write_page(connector.source, connector.instance, stream.name, page.records, page.cursor)
            stats.records += len(page.records)
            stats.pages += 1
            metrics.SYNC_PAGES.labels(instance).inc()
            metrics.SYNC_RECORDS.labels(instance).inc(len(page.records))
            progress.update(task, records=stats.records, pages=stats.pages)
            publish.if_due()
            if should_stop():
                return True
        if should_stop():
            return True
        progress.update(task, completed=1, total=1)
    return False


class _Publisher:
    """Stores the touched days' blocks after the first page touching any, then at most every
    ``seconds`` of the run: the days a sync starts rewriting were last stored when the previous
    sync ended, often longer ago than the endpoints tolerate, and each endpoint would pack them
    until the first interval is up."""

    def __init__(self, store: Store, summary: SyncSummary, seconds: float | None,
                 should_stop: Callable[[], bool]) -> None:
        self.store, self.summary, self.seconds, self.should_stop = store, summary, seconds, should_stop
        self.last = -math.inf

    def if_due(self) -> None:
        if self.seconds is None or time.monotonic() - self.last < self.seconds:
            return
        stored = refresh(self.store, should_stop=self.should_stop)
        self.summary.cache_days += stored
        if stored or self.last != -math.inf:  # the directory's pages leave no day to store
            self.last = time.monotonic()


def _until_stop_requested(pages: Iterator[Page]) -> Iterator[Page]:
    """A stream's pages, ending early when a wait inside a page was skipped on a stop request."""
    try:
        yield from pages
    except StopRequested:
        return
