"""`/kpi why` and `/kpi KPI by DIMENSION` over signed HTTP requests, with and without agent access.

Now is 2026-11-20 12:00 UTC: ``7d`` is 13-19 November, the previous window 6-12 November.
Billing: Ann Lee answers email (tagged ``<b>&co``), Bob Roy chat. Before: Ann 9 good of 10,
Bob 9 of 10 (90%). Now: Ann 3 of 10, Bob 9 of 10 (60%). CSAT -30 pp; both shares stay 0.5, so
Ann's (and email's, and the tag's) effect is (30 - 90) x 0.5 = -30 pp, all of it her own score.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from kpis.records import Agent, Membership, Priority, Team, Ticket, TicketStatus
from kpis.store import Store
from tests.notifiers.slash.conftest import INSTANCE, S, _rating, _ticket
from tests.notifiers.slash.test_commands import assert_valid_block_kit, ask, everything


OPENED = datetime(2026, 11, 19, 10, tzinfo=timezone.utc)  # open at the window's end (20 Nov 00:00): <1d


def _group(prefix: str, agent: str, channel: str, good: int, created: datetime, tags=()) -> list:
    out = []
    for i in range(10):
        ticket_id = f"{prefix}{i}"
        ticket = _ticket(ticket_id, agent, "1", created)
        out.append(ticket.__class__(**{**{f: getattr(ticket, f) for f in ticket.__slots__}, "channel": channel,
                                       "tags": tuple(tags)}))
        out.append(_rating(ticket_id, i < good, created + timedelta(days=1)))
    return out


@pytest.fixture
def store(sqlite_url) -> Iterator[Store]:
    before, now = datetime(2026, 11, 8, 10, tzinfo=timezone.utc), datetime(2026, 11, 16, 10, tzinfo=timezone.utc)
    store = Store.open(sqlite_url)
    store.write_page(S, INSTANCE, "all", [
        Team(S, INSTANCE, "1", "Billing"), Team(S, INSTANCE, "2", "Returns"),
        Agent(S, INSTANCE, "11", "Ann Lee", "ann@acme.test"), Agent(S, INSTANCE, "12", "Bob Roy", "bob@acme.test"),
        Membership(S, INSTANCE, "11", "1"), Membership(S, INSTANCE, "12", "1"),
        *_group("ao", "11", "email", 9, before, ("<b>&co",)), *_group("bo", "12", "chat", 9, before),
        *_group("an", "11", "email", 3, now, ("<b>&co",)), *_group("bn", "12", "chat", 9, now),
        Ticket(S, INSTANCE, "open1", OPENED, OPENED, TicketStatus.OPEN, "open", assignee_id="11", group_id="1",
               priority=Priority.URGENT),
    ], None)
    yield store
    store.close()


def test_a_lead_sees_the_agent_that_drove_the_change(client, slack):
    reply = ask(client, slack, "why csat", "U0LENA")  # Lena leads Billing: her own team
    text = everything(reply)
    assert "CSAT 60.0% (was 90.0%): -30.0 pp" in text and "by agent" in text
    assert "*Ann Lee* -30.0 pp · 30% on 10 ratings, was 90% on 10 ratings · own score -30.0 pp, share +0.0 pp" in text
    assert "`/kpi why csat by channel`" in text  # the other views, on request
    assert_valid_block_kit(reply)


def test_without_agent_access_the_answer_uses_the_other_dimensions(client, slack):
    reply = ask(client, slack, "why csat team billing", "U0OTTO", "C0BILLING")
    text = everything(reply)
    assert "by channel" in text and "*email* -30.0 pp" in text
    assert "Ann Lee" not in text and "by agent" not in text
    denied = everything(ask(client, slack, "why csat team billing by agent", "U0OTTO", "C0BILLING"))
    assert "agent-level lines are for Billing's leads and the admins" in denied
    assert "Ann Lee" not in denied


def test_tags_with_slack_markup_are_escaped(client, slack):
    text = everything(ask(client, slack, "why csat team billing by tag", "U0ADA"))
    assert "*&lt;b&gt;&amp;co* -30.0 pp" in text
    assert "<b>" not in text


def test_kpi_by_channel_lists_the_breakdown(client, slack):
    reply = ask(client, slack, "csat by channel team billing", "U0LENA")
    text = everything(reply)
    assert "CSAT by channel · Billing" in text
    assert "*Email* · CSAT 30.0%" in text and "*Chat* · CSAT 90.0%" in text
    assert_valid_block_kit(reply)


def test_why_does_not_take_one_agent_or_an_unknown_dimension(client, slack):
    assert "not one agent" in everything(ask(client, slack, "why csat me", "U0ANN"))
    assert "`by` takes one of team, agent, channel, priority, tag" in everything(
        ask(client, slack, "csat by colour", "U0LENA"))


def test_backlog_alone_adds_the_priority_by_age_grid(client, slack):
    text = everything(ask(client, slack, "backlog team billing", "U0LENA"))
    assert "*Backlog by priority and age*" in text
    grid = text.split("```", 2)[1].splitlines()
    assert grid[0].split() == ["&lt;1d", "1-3d", "3-7d", "&gt;7d"]
    assert grid[1].split() == ["Urgent", "1", "0", "0", "0"]
