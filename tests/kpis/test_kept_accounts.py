"""The endpoint keeps the customer accounts for ``ttl`` seconds: a load within them reads no
account again; one after them sees the accounts imported meanwhile."""

from __future__ import annotations

from sqlalchemy import insert

from kpis.kept_accounts import KeptAccounts
from kpis.store import Store, schema

DAY = 86_400


class Timer:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _add_account(store: Store, vendor_id: str, started: int, revenue: float) -> None:
    with store.engine.begin() as connection:
        connection.execute(insert(schema.accounts), [{"source": "sample", "instance": "a", "id": vendor_id,
                                                      "name": vendor_id, "started_at": started, "ended_at": None,
                                                      "monthly_revenue": revenue}])


def test_accounts_are_read_again_only_once_their_time_is_up(store_url):
    store = Store.open(store_url)
    timer = Timer()
    kept = KeptAccounts(60, timer=timer)
    _add_account(store, "acme", 10 * DAY, 50.0)
    with store.engine.connect() as connection:
        assert kept(connection).monthly_revenue.tolist() == [50.0]
    _add_account(store, "globex", 20 * DAY, 70.0)  # imported meanwhile
    timer.now += 59
    with store.engine.connect() as connection:
        assert kept(connection).monthly_revenue.tolist() == [50.0]  # kept: not read again
    timer.now += 2
    with store.engine.connect() as connection:
        assert sorted(kept(connection).monthly_revenue.tolist()) == [50.0, 70.0]
    store.close()
