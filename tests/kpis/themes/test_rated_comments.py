"""The comments themes read from the store, on SQLite and PostgreSQL: received ratings with a
comment in the span, attributed like CSAT, none from deleted tickets, one team's when asked."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from kpis.rated_comments import load_rated_comments
from kpis.records import Agent, Rating, RatingScale, RatingState, Team
from kpis.store import Store
from tests.kpis.themes.seeding import rated_ticket

DAY = datetime(2026, 11, 16, tzinfo=timezone.utc)


def test_received_comments_of_the_span_with_ticket_agent_team_and_tags(store_url):
    store = Store.open(store_url)
    deleted_ticket, deleted_rating = rated_ticket(3, "refund on a deleted ticket", DAY, low=True)
    offered = Rating("zendesk", "acme", "r5", "5", RatingState.OFFERED, RatingScale.GOOD_BAD,
                     offered_at=DAY, comment="never answered")
    records = [
        Team("zendesk", "acme", "billing", "Billing"), Agent("zendesk", "acme", "ana", "Ana"),
        *rated_ticket(1, "refund not processed", DAY + timedelta(hours=2), low=True, tags=("refunds", "vip")),
        *rated_ticket(2, "friendly agent", DAY + timedelta(hours=1), low=False, team="tech", agent="bo"),
        replace(deleted_ticket, is_deleted=True), deleted_rating,
        *rated_ticket(4, "", DAY, low=True),  # no comment
        *rated_ticket(6, "last week", DAY - timedelta(days=7), low=True),  # before the span
        offered,
    ]
    store.write_page("zendesk", "acme", "seed", records, None)
    found = load_rated_comments(store, DAY, DAY + timedelta(days=1))
    assert [(c.id, c.text, c.low, c.positive) for c in found] == [
        ("zendesk:acme:r2", "friendly agent", False, True), ("zendesk:acme:r1", "refund not processed", True, False)]
    refund = found[1]
    assert (refund.ticket_id, refund.url, refund.score_raw) == ("1", "https://acme.zendesk.test/agent/tickets/1", "bad")
    assert (refund.agent_id, refund.agent_name, refund.team_id) == ("zendesk:acme:ana", "Ana", "zendesk:acme:billing")
    assert refund.tags == ("refunds", "vip") and refund.rated_at == DAY + timedelta(hours=2)
    assert found[0].agent_name is None  # an agent never synced: id only
    only = load_rated_comments(store, DAY, DAY + timedelta(days=1), team_ids={"zendesk:acme:tech"})
    assert [c.id for c in only] == ["zendesk:acme:r2"]
    store.close()
