"""The digest's "what moved" line and its channel/priority thread breakdowns, worked out by hand."""

from __future__ import annotations

from datetime import timedelta

from helpdesk_kpis.jobs.digest_drivers import driver_lines, thread_breakdowns
from kpis.catalogue import HEADLINE
from kpis.engine import KpiConfig
from kpis.records import Priority
from notifiers.digest import breakdown_message, digest_message
from tests.kpis.builders import from_records
from tests.notifiers import desk
from tests.notifiers.test_digest_blocks import WINDOW, billing_digest, texts


def _rated(prefix, agent, channel, good, total, day):
    tickets = [desk.ticket(f"{prefix}{i}", desk.at(day), desk.at(day) + timedelta(hours=3), assignee_id=agent,
                           channel=channel) for i in range(total)]
    ratings = [desk.rating(f"r{prefix}{i}", f"{prefix}{i}", i < good, desk.at(day + 1)) for i in range(total)]
    return tickets, ratings


def moved_desk():
    # Before (2-8 Nov): Ann (email) 19/20, Bob (chat) 9/10: 28/30. Now (9-15 Nov): Ann 5/20, Bob 7/10: 12/30.
    tickets, ratings = [], []
    for made in (_rated("ao", "a1", "email", 19, 20, 3), _rated("bo", "a2", "chat", 9, 10, 3),
                 _rated("an", "a1", "email", 5, 20, 10), _rated("bn", "a2", "chat", 7, 10, 10)):
        tickets += made[0]
        ratings += made[1]
    return from_records(tickets, ratings, (), desk.TEAMS, desk.AGENTS, desk.MEMBERSHIPS)


def test_a_move_beyond_noise_gets_a_line_naming_what_drove_it():
    lines = driver_lines(moved_desk(), WINDOW, now=desk.NOW, config=KpiConfig(), team="Billing", keys=["csat"])
    # CSAT 93.3% -> 40.0%: -53.3 pp. Ann's share stays 2/3: (25 - 95) x 2/3 = -46.7 pp; Bob's 1/3:
    # (70 - 90) x 1/3 = -6.7 pp. Agents and channels explain it alike; agents come first. "Ann <Lee>" escaped.
    assert lines == ["CSAT -53.3 pp: Ann &lt;Lee&gt; -46.7 pp (25% on 20 ratings), Bob Stone -6.7 pp"]


def test_the_leads_digest_names_no_agent():
    lines = driver_lines(moved_desk(), WINDOW, now=desk.NOW, config=KpiConfig(), team=None, keys=["csat"])
    # Every rating is Billing's: the team dimension carries the whole change.
    assert lines == ["CSAT -53.3 pp: Billing -53.3 pp (40% on 30 ratings)"]


def test_a_move_within_noise_gets_no_line():
    # The desk's Billing CSAT: 90.0% of 10 -> 75.0% of 12; z = 0.15 / sqrt(18/22 * 4/22 * (1/12 + 1/10)) = 0.91.
    data = from_records(**desk.records())
    assert driver_lines(data, WINDOW, now=desk.NOW, config=KpiConfig(), team="Billing", keys=HEADLINE) == []


def test_the_lines_sit_in_the_message_and_the_channel_breakdown_in_the_thread():
    data = moved_desk()
    lines = driver_lines(data, WINDOW, now=desk.NOW, config=KpiConfig(), team="Billing", keys=["csat"])
    facets = thread_breakdowns(data, WINDOW, now=desk.NOW, config=KpiConfig(), team="Billing")
    digest = billing_digest(drivers=lines, facet_breakdowns=facets)
    assert "*What moved*\\nCSAT -53.3 pp: Ann &lt;Lee&gt; -46.7 pp" in texts(digest_message(digest))
    thread = texts(breakdown_message(digest))
    assert "*By channel*" in thread and "*Email* · CSAT 25.0%" in thread and "*Chat* · CSAT 70.0%" in thread


def test_the_digest_shows_backlog_by_priority_and_age():
    # Two urgent tickets open at the end of 15 Nov: created 15 Nov 09:00 (<1d) and 1 Nov (>7d).
    data = from_records([desk.ticket("u1", desk.at(15), priority=Priority.URGENT),
                         desk.ticket("u2", desk.at(1), priority=Priority.URGENT)], (), (), desk.TEAMS, desk.AGENTS)
    facets = thread_breakdowns(data, WINDOW, now=desk.NOW, config=KpiConfig(), team="Billing")
    message = texts(digest_message(billing_digest(facet_breakdowns=facets)))
    assert "*Backlog by priority and age*\\n```         &lt;1d  1-3d  3-7d   &gt;7d\\nUrgent     1     0     0     1```" in message
