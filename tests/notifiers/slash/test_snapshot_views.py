"""A slow view of a snapshot (a `why` reading the tags) holds up no other answer on its window,
and a refresh reads the tags again when they were asked for (so no `why` waits for them after it)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from kpis.query import load_kpi_data
from kpis.windows import window_for_period
from notifiers.slash.snapshots import SnapshotCache
from tests.notifiers.slash.conftest import NOW, UTC

WEEK = window_for_period("7d", now=NOW, zone=UTC)


def test_a_why_waiting_for_the_tags_holds_up_neither_the_reports_nor_the_other_views(store):
    reading_tags, release = threading.Event(), threading.Event()

    def slow_tags(start, end):  # noqa: ANN001, ANN202
        reading_tags.set()
        assert release.wait(30)
        return load_kpi_data(store, start, end)

    cache = SnapshotCache(lambda start, end: load_kpi_data(store, start, end, tags=False), clock=lambda: NOW,
                          load_tags=slow_tags)
    snapshot = cache.snapshot(WEEK)
    with ThreadPoolExecutor(max_workers=1) as pool:
        why = pool.submit(snapshot.explanation, "csat", "tag", "Billing")
        assert reading_tags.wait(30)
        # Meanwhile: Billing's CSAT (3 good of 4) and its breakdown by channel, at once.
        [billing] = [row for row in snapshot.report("team").rows if row.name == "Billing"]
        assert billing.metrics["csat"].value == 75.0
        assert snapshot.breakdown("channel", "Billing") is not None
        assert not why.done()
        release.set()
        assert why.result(timeout=30).kpi == "csat"
    cache.close()


def test_a_refresh_reads_the_tags_again_when_the_old_snapshot_had_them(store):
    seconds = [0.0]
    tag_reads = []

    def tags(start, end):  # noqa: ANN001, ANN202
        tag_reads.append(start)
        return load_kpi_data(store, start, end)

    cache = SnapshotCache(lambda start, end: load_kpi_data(store, start, end, tags=False), clock=lambda: NOW,
                          load_tags=tags, ttl=60, timer=lambda: seconds[0])
    first = cache.snapshot(WEEK)
    first.explanation("csat", "tag", "Billing")
    assert len(tag_reads) == 1
    seconds[0] = 61.0  # past the ttl: the next answer starts a refresh in the background
    assert cache.snapshot(WEEK) is first
    deadline = threading.Event()
    for _ in range(300):
        if cache.snapshot(WEEK) is not first:
            break
        deadline.wait(0.1)
    refreshed = cache.snapshot(WEEK)
    assert refreshed is not first and refreshed.has_tags and len(tag_reads) == 2
    cache.close()


def test_an_answer_of_a_few_kpis_computes_those_once_until_the_report_of_every_kpi_is_there(store):
    seconds = [0.0]
    cache = SnapshotCache(lambda start, end: load_kpi_data(store, start, end, tags=False), clock=lambda: NOW,
                          ttl=60, timer=lambda: seconds[0])
    first = cache.snapshot(WEEK)
    shown = first.report("team", ("csat", "sla_achievement_rate"))
    [billing] = [row for row in shown.rows if row.name == "Billing"]
    assert billing.metrics["csat"].value == 75.0  # 3 good of 4 (see conftest)
    assert "qa_score" not in billing.metrics  # what the answer does not show is not computed
    assert first.report("team", ["sla_achievement_rate", "csat"]) is shown  # the same KPIs: computed once

    seconds[0] = 61.0  # past the ttl: a refresh computes again what the old snapshot was asked
    assert cache.snapshot(WEEK) is first
    for _ in range(300):
        if cache.snapshot(WEEK) is not first:
            break
        threading.Event().wait(0.1)
    refreshed = cache.snapshot(WEEK)
    assert refreshed is not first
    assert refreshed.scopes() == [("team", frozenset({"csat", "sla_achievement_rate"}))]

    every = refreshed.report("team")
    assert "qa_score" in every.rows[0].metrics
    assert refreshed.report("team", ("csat",)) is every  # every KPI's report answers any of them
    assert refreshed.scopes() == [("team", None)]  # and is the only one a refresh computes again
    cache.close()
