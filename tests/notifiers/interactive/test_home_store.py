"""Who opened the App Home and their choices, in the store: SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kpis.store import Store
from notifiers.interactive.home_store import HomeStates

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def test_openings_and_choices_are_kept_and_a_new_opening_keeps_the_choices(store_url):
    store = Store.open(store_url)
    states = HomeStates(store)
    assert states.get("U0LENA") is None
    assert states.choose("U0LENA", period="30d") is None  # never opened: nothing to remember it for
    first = states.opened("U0LENA", NOW - timedelta(hours=30))
    assert (first.period, first.dimension, first.team) == ("7d", "channel", None)
    states.choose("U0LENA", period="this-month", team="Billing")
    again = states.opened("U0LENA", NOW)
    assert (again.opened_at, again.period, again.dimension, again.team) == (NOW, "this-month", "channel", "Billing")
    states.chart_uploaded(again, "F0CHART", "ab" * 32)
    assert HomeStates(store).get("U0LENA").chart_file_id == "F0CHART"  # another process sees it
    states.opened("U0ADA", NOW - timedelta(hours=25))
    assert states.opened_since(NOW - timedelta(days=1)) == ["U0LENA"]
    store.close()
