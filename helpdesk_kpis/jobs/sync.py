"""Sync orchestration: every stream of every selected connector, page by page, into the store."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from connectors.base import Connector, Page, SyncOptions, never_stop
from connectors.errors import StopRequested
from kpis.columnar.cache import refresh
from kpis.store import Store


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
    #: Days of the KPI block cache rebuilt at the end of the sync.
    cache_days: int = 0
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


def run_sync(
    store: Store,
    connectors: Sequence[Connector],
    *,
    since: datetime,
    now: datetime,
    full: bool = False,
    console: Console | None = None,
    should_stop: Callable[[], bool] = never_stop,
) -> SyncSummary:
    """Pull each connector's streams from their saved cursors; ``full`` starts over from ``since``.

    Each page is written with its cursor in one transaction (``Store.write_page``): stopping at
    any moment, by error or kill, loses nothing and the next run resumes after the last page.
    At the end, the KPI block cache of every day the sync touched is rebuilt (a sync stopped
    before leaves them stale: reports rebuild them as they read, the next sync stores them).

    ``should_stop`` is asked after each stored page (every connector's pages are pulled one at a
    time, so no request for the next one has been sent): when it says so the sync ends there,
    with ``stopped`` set, skipping the cache rebuild so that it stops promptly. A page that needs
    a wait (a rate limit's ``Retry-After``) once a stop is asked is left for the next run instead.
    """
    summary = SyncSummary()
    started = time.monotonic()
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
    with progress:
        for connector in connectors:
            if full:
                store.reset_cursors(connector.source, connector.instance)
            for stream in connector.streams():
                stats = StreamStats(label=f"{connector.label} {stream.name}")
                summary.streams.append(stats)
                task = progress.add_task(stats.label, total=None, records=0, pages=0, waited=0.0)

                def waited(seconds: float, stats: StreamStats = stats, task: int = task) -> None:
                    stats.waited += seconds
                    progress.update(task, waited=stats.waited)

                options = SyncOptions(since=since, now=now, on_wait=waited, should_stop=should_stop)
                cursor = store.cursor(connector.source, connector.instance, stream.name)
                for page in _until_stop_requested(stream.pages(cursor, options)):
                    store.write_page(connector.source, connector.instance, stream.name, page.records, page.cursor)
                    stats.records += len(page.records)
                    stats.pages += 1
                    progress.update(task, records=stats.records, pages=stats.pages)
                    if should_stop():
                        summary.stopped = True
                        break
                if summary.stopped or should_stop():
                    summary.stopped = True
                    break
                progress.update(task, completed=1, total=1)
            if summary.stopped:
                break
    if not summary.stopped:
        # Rebuild the KPI blocks of every stale day (those this sync touched, and any a stopped
        # sync left), so that reports read them ready-made.
        summary.cache_days = refresh(store)
    summary.seconds = time.monotonic() - started
    return summary


def _until_stop_requested(pages: Iterator[Page]) -> Iterator[Page]:
    """A stream's pages, ending early when a wait inside a page was skipped on a stop request."""
    try:
        yield from pages
    except StopRequested:
        return
