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
        assert snapshots.has(week)
        assert not snapshots.has(Period("10d").window(now=NOW, zone=UTC))  # the least recently used went
        snapshots.snapshot(week)
    finally:
        snapshots.close()
    assert len(loads) == 5  # 7d read once
