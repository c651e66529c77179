"""The sample helpdesk's accounts: one per organisation its tickets name, some churned during the
history, so that `demo` has an outcomes table."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from connectors.base import SyncOptions
from connectors.sample import SampleConnector, SampleSettings
from kpis.imported_records import Account
from kpis.records import Ticket

ANCHOR = datetime(2026, 11, 8, 14, 30, tzinfo=timezone.utc)


def records(settings: SampleSettings) -> dict[str, list]:
    options = SyncOptions(since=ANCHOR - timedelta(days=90), now=ANCHOR)
    return {s.name: [r for page in s.pages(None, options) for r in page.records]
            for s in SampleConnector("demo", settings).streams()}


def test_every_organisation_on_a_ticket_is_one_account_and_a_share_churned():
    settings = SampleSettings(tickets=3000, days=42, anchor=ANCHOR)
    data = records(settings)
    accounts: list[Account] = data["accounts"]
    named = {t.organization_id for t in data["tickets"] if isinstance(t, Ticket) and t.organization_id}
    assert {a.id for a in accounts} == named and len(accounts) == len(named)
    assert all((a.source, a.instance) == ("sample", "demo") for a in accounts)
    history = ANCHOR - timedelta(days=42)
    churned = [a for a in accounts if a.ended_at is not None]
    assert 0.1 < len(churned) / len(accounts) < 0.5  # a quarter, give or take the draw (31 of 80 here)
    assert all(max(a.started_at, history) <= a.ended_at <= ANCHOR for a in churned)
    assert sum(a.started_at < history for a in accounts) > 0.8 * len(accounts)  # most were customers before
    assert records(settings)["accounts"] == accounts  # the same every time
