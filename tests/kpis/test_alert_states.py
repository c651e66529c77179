"""Acknowledgements and snoozes in the store, on SQLite and PostgreSQL: one record however many
clicks or processes, a snooze only ever moved later, over when its time comes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from threading import Barrier

from sqlalchemy import func, select

from kpis.store import Store, service_tables
from kpis.store.alert_states import Acknowledgement, AlertStates

T = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
ALERT = "csat-floor|team:zendesk:acme:1|breach|1763640000"


def _rows(store: Store, table) -> int:  # noqa: ANN001
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_eight_simultaneous_clicks_from_two_processes_record_one_acknowledgement_the_first(store_url):
    stores = [Store.open(store_url), Store.open(store_url)]  # two endpoint processes on one store
    barrier = Barrier(8)

    def click(i: int):
        barrier.wait()
        return AlertStates(stores[i % 2]).acknowledge(ALERT, "csat-floor", "team:zendesk:acme:1", f"U0LEAD{i}",
                                                      T + timedelta(seconds=i))

    with ThreadPoolExecutor(max_workers=8) as pool:
        done = list(pool.map(click, range(8)))
    assert sum(d.new for d in done) == 1
    first = next(d for d in done if d.new)
    assert {(d.user_id, d.at) for d in done} == {(first.user_id, first.at)}  # everyone is told the same first one
    assert _rows(stores[0], service_tables.alert_acknowledgements) == 1
    assert AlertStates(stores[1]).acknowledgement(ALERT) == Acknowledgement(ALERT, first.user_id, first.at, new=False)
    for store in stores:
        store.close()


def test_a_snooze_moves_only_later_and_is_over_at_its_end(store_url):
    store = Store.open(store_url)
    states = AlertStates(store)
    week = states.snooze("csat-floor", "overall", T + timedelta(days=7), "U0ADA", T)
    assert week.new and week.until == T + timedelta(days=7)
    day = states.snooze("csat-floor", "overall", T + timedelta(hours=25), "U0LENA", T + timedelta(hours=1))
    assert not day.new and (day.until, day.user_id) == (T + timedelta(days=7), "U0ADA")
    longer = states.snooze("csat-floor", "overall", T + timedelta(days=8), "U0LENA", T + timedelta(days=1))
    assert longer.new and longer.until == T + timedelta(days=8)
    assert _rows(store, service_tables.alert_snoozes) == 1

    assert set(states.snoozed(T + timedelta(days=8) - timedelta(seconds=1))) == {("csat-floor", "overall")}
    assert states.snoozed(T + timedelta(days=8)) == {}
    # Over: a new snooze starts afresh from whoever clicks.
    again = states.snooze("csat-floor", "overall", T + timedelta(days=9), "U0RAJ", T + timedelta(days=8))
    assert again.new and again.user_id == "U0RAJ"
    store.close()
