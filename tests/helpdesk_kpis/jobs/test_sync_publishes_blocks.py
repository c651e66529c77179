"""A sync stores the KPI blocks of the days it touched as it goes, not only at its end: the `/kpi`
endpoints then read a day a long sync keeps rewriting from its blocks rather than each packing
its records again (kpis.columnar.memo)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from connectors import registry
from helpdesk_kpis.jobs.sync import run_sync
from kpis.columnar.day_blocks import stale_days
from kpis.engine import compute_report
from kpis.query import load_kpi_data
from kpis.store import Store
from kpis.windows import window_for_period

NOW = datetime(2026, 11, 23, 6, tzinfo=timezone.utc)


def _sync(tmp_path, publish_seconds):  # noqa: ANN001, ANN202
    """A sample helpdesk's sync; before each page stored after the first page of tickets: how
    many days are stale, and whether the blocks then give the records' report."""
    store = Store.open(f"sqlite:///{tmp_path / 'kpis.db'}")
    connector = registry.build("sample", "demo", {"tickets": 1500, "days": 20, "anchor": NOW.isoformat()})
    window = window_for_period("7d", now=NOW, zone=timezone.utc)
    before_pages: list[tuple[int, bool]] = []
    write_page = store.write_page

    def state() -> tuple[int, bool]:
        with store.engine.connect() as connection:
            stale = sum(len(days) for days in stale_days(connection).values())
        start, end = window.previous().start, window.end
        same = stale == 0 and (compute_report(load_kpi_data(store, start, end), window, now=NOW)
                               == compute_report(load_kpi_data(store, start, end, cached=False), window, now=NOW))
        return stale, same

    tickets_written = []

    def recorded(source, instance, stream, records, cursor):  # noqa: ANN001, ANN202
        if tickets_written:  # the directory's pages (teams, agents) come first and touch no day
            before_pages.append(state())
        written = write_page(source, instance, stream, records, cursor)
        if stream == "tickets":
            tickets_written.append(stream)
        return written

    store.write_page = recorded
    summary = run_sync(store, [connector], since=NOW - timedelta(days=20), now=NOW, publish_seconds=publish_seconds)
    left = state()[0]
    store.close()
    return before_pages, summary, left


def test_with_publish_seconds_every_page_leaves_no_stale_day_and_the_blocks_give_the_records_numbers(tmp_path):
    before_pages, summary, left = _sync(tmp_path, publish_seconds=0)
    assert len(before_pages) >= 3  # several pages
    assert before_pages == [(0, True)] * len(before_pages)
    assert summary.cache_days > 0 and left == 0


def test_without_it_the_days_stay_stale_until_the_end_of_the_sync(tmp_path):
    before_pages, summary, left = _sync(tmp_path, publish_seconds=None)
    assert any(stale > 0 for stale, _ in before_pages)  # the pages' days wait for the end
    assert left == 0 and summary.cache_days > 0


def test_the_first_page_s_days_are_stored_at_once_then_only_when_the_interval_is_up(tmp_path):
    before_pages, summary, left = _sync(tmp_path, publish_seconds=3600)
    # Before the second page: the first page's days stored (a sync starting to rewrite days
    # whose blocks the last sync stored long ago); the later pages' wait for the hour (or the end).
    assert before_pages[0] == (0, True)
    assert any(stale > 0 for stale, _ in before_pages[1:])
    assert left == 0
