"""Answers whose KPIs are loaded never wait behind answers still reading the store."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from kpis.query import load_kpi_data
from notifiers.slash.answers import KpiCommands
from notifiers.slash.app import WORKING
from notifiers.slash.parsed import Period
from notifiers.slash.people import SlackPeople
from notifiers.slash.snapshots import SnapshotCache
from tests.notifiers.slash.conftest import NOW, POLICY, UTC
from tests.notifiers.slash.test_commands import ask, everything

#: The app's pool for answers that read the store has 4 workers (notifiers.slash.app).
LOAD_WORKERS = 4
#: Generous for a busy machine; what is asserted is that the answer came inline at all.
WAIT_SECONDS = 30


def test_a_loaded_window_is_answered_inline_while_every_loading_worker_waits_for_the_store(
    store, web_client, slack, make_client
):
    gate, entered = threading.Event(), threading.Semaphore(0)
    loads = {"calls": 0}

    def load(start, end):  # noqa: ANN001, ANN202
        loads["calls"] += 1
        if loads["calls"] > 1:  # the first is the warm-up of 7d; every later read of the store hangs
            entered.release()
            assert gate.wait(WAIT_SECONDS)
        return load_kpi_data(store, start, end, tags=False)

    snapshots = SnapshotCache(load, clock=lambda: NOW)
    commands = KpiCommands(policy=POLICY, snapshots=snapshots, zone=UTC, clock=lambda: NOW, people=SlackPeople(web_client))
    snapshots.warm([Period("7d").window(now=NOW, zone=UTC)], ["team"])
    client = make_client(kpi_commands=commands, inline_seconds=2.5)
    try:
        with ThreadPoolExecutor(max_workers=LOAD_WORKERS) as senders:
            # Four periods nobody asked for: four loads, every loading worker stuck in one.
            stuck = [senders.submit(ask, client, slack, f"team billing csat {days}d", "U0LENA")
                     for days in (10, 20, 30, 40)]
            for _ in range(LOAD_WORKERS):
                assert entered.acquire(timeout=WAIT_SECONDS)
            reply = ask(client, slack, "team billing csat", "U0LENA")  # 7d: loaded at the warm-up
            gate.set()
            for future in stuck:
                future.result(timeout=WAIT_SECONDS)
    finally:
        gate.set()
        snapshots.close()
    assert reply["text"] != WORKING
    assert "75.0%" in everything(reply)  # Billing's CSAT over 7d: 3 good of 4 (see conftest)


def test_the_windows_most_asked_about_stay_loaded_however_many_other_periods_are_asked(store):
    loads = []

    def load(start, end):  # noqa: ANN001, ANN202
        loads.append((start, end))
        return load_kpi_data(store, start, end, tags=False)

    week = Period("7d").window(now=NOW, zone=UTC)
    snapshots = SnapshotCache(load, clock=lambda: NOW, max_windows=2, keep=lambda: [week])
    try:
        snapshots.snapshot(week)
        for days in (10, 20, 30, 40):  # four other periods through a cache of two windows
            snapshots.snapshot(Period(f"{days}d").window(now=NOW, zone=UTC))
        assert snapshots.has(week) and snapshots.snapshot(week).holds_data
        # The least recently used let their data go (their computed answers stay: see below).
        assert [snapshots.snapshot(Period(f"{days}d").window(now=NOW, zone=UTC)).holds_data
                for days in (10, 20, 30, 40)] == [False, False, False, True]
    finally:
        snapshots.close()
    assert len(loads) == 5  # 7d read once, and none of the others again


def test_a_period_asked_again_after_its_data_went_is_answered_from_what_was_computed_of_it(store):
    loads = []

    def load(start, end):  # noqa: ANN001, ANN202
        loads.append(start)
        return load_kpi_data(store, start, end, tags=False)

    week, month = (Period(p).window(now=NOW, zone=UTC) for p in ("7d", "30d"))
    snapshots = SnapshotCache(load, clock=lambda: NOW, max_windows=1)
    try:
        teams = snapshots.snapshot(week).report("team")
        snapshots.snapshot(month).report("team")  # holds the only window's worth of data now
        again = snapshots.snapshot(week)
        assert not again.holds_data and snapshots.has(week)
        assert again.report("team") is teams and len(loads) == 2  # at once, from the first read
        assert again.directory.team_names  # who is who, too (the answers look callers up)

        agents = again.report("agent")  # something new of it: its days are read again, once
        assert len(loads) == 3 and again.holds_data
        assert not snapshots.snapshot(month).holds_data  # which pushed the other's data out
        [billing] = [row for row in again.report("team").rows if row.name == "Billing"]
        assert billing.metrics["csat"].value == 75.0  # 3 good of 4 (see conftest)
        assert agents.rows
    finally:
        snapshots.close()


def test_beyond_max_results_a_period_goes_altogether(store):
    loads = []

    def load(start, end):  # noqa: ANN001, ANN202
        loads.append(start)
        return load_kpi_data(store, start, end, tags=False)

    windows = [Period(f"{days}d").window(now=NOW, zone=UTC) for days in (7, 14, 30)]
    snapshots = SnapshotCache(load, clock=lambda: NOW, max_windows=1, max_results=2)
    try:
        for window in windows:
            snapshots.snapshot(window).report("team")
        assert [snapshots.has(window) for window in windows] == [False, True, True]
        snapshots.snapshot(windows[0]).report("team")  # asked again: read again
        assert len(loads) == 4
    finally:
        snapshots.close()
