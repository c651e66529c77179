"""Quality and productivity KPIs on a small hand-built helpdesk; every expected value is worked out
by hand in the comments."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from kpis.engine import compute_report
from kpis.imported_records import Review
from kpis.records import AgentReply
from kpis.windows import window_between
from tests.kpis.builders import from_records
from tests.kpis.test_kpis import AGENTS, IN_PREV, IN_W, NOW, TEAMS, W, t


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=timezone.utc)


def review(ticket, reviewer, score, low=0, high=100, when=IN_W, agent=None, **categories) -> Review:
    return Review("zendesk", "acme", f"{ticket}:{reviewer}", str(ticket), reviewer, when, score, low, high,
                  categories=categories, agent_id=agent, agent_named=agent is not None)


def reply(n, ticket, agent, when) -> AgentReply:
    return AgentReply("zendesk", "acme", f"r{n}", str(ticket), agent, when)


# Solved in W: 1, 2, 4 (Ann, Billing) and 3 (Bob, Returns); 5 is open; 6 is spam (counts for nothing).
TICKETS = [
    t(1, solved=IN_W, replies=1, channel="email", tags=("VIP", "refund")),
    t(2, solved=IN_W, replies=3, channel="email", tags=("refund",)),
    t(3, solved=IN_W, replies=2, channel="chat", assignee_id="a2", group_id="g2"),
    t(4, solved=IN_W, replies=4, channel="email"),
    t(5, channel="email"),
    t(6, solved=IN_W, replies=9, is_spam=True),
]
REVIEWS = [
    review(1, "qa1", 4, 1, 5, accuracy=5, tone=3),  # 75; accuracy 100, tone 50
    review(2, "qa1", 80, accuracy=60),  # 80; accuracy 60
    review(3, "qa2", 2, 1, 5),  # 25, Bob's through his ticket
    review(5, "qa3", 40, agent="a2"),  # 40: names Bob although the ticket is Ann's
    review(5, "qa1", 100, when=IN_PREV),  # previous window
    review(1, "qa2", 50, when=IN_PREV),  # previous window
    review(6, "qa1", 0),  # spam ticket: left out
]
REPLIES = [
    reply(1, 1, "a1", at(9, 10)), reply(2, 2, "a1", at(9, 15)), reply(3, 2, "a1", at(10, 9)),  # Ann: 2 days
    reply(4, 3, "a2", at(12, 12)), reply(5, 3, "a2", at(12, 23, 30)),  # Bob: 1 UTC day (2 in Berlin)
    reply(6, 6, "a1", at(13, 9)),  # spam ticket: no working day
]


def rows(by="overall", window=W, team=None):
    data = from_records(TICKETS, teams=TEAMS, agents=AGENTS, reviews=REVIEWS, replies=REPLIES)
    return {row.id: row.metrics for row in compute_report(data, window, now=NOW, by=by, team=team).rows}


def test_qa_score_is_the_mean_of_reviews_scaled_to_100_with_a_t_interval():
    m = rows()["overall"]
    qa = m["qa_score"]
    # (75 + 80 + 25 + 40) / 4 = 55; previous (100 + 50) / 2 = 75.
    assert qa.value == pytest.approx(55.0)
    assert qa.n == 4 and qa.previous == pytest.approx(75.0) and qa.change == pytest.approx(-20.0)
    # sd = sqrt((20² + 25² + 30² + 15²) / 3) = 26.77; t(3) = 3.182; half width 3.182 * 26.77 / 2 = 42.59.
    assert qa.ci_low == pytest.approx(12.41, abs=0.05) and qa.ci_high == pytest.approx(97.59, abs=0.05)
    assert qa.insufficient_data is True  # 4 reviews < min_sample 10
    # Categories: accuracy (100 + 60) / 2; tone 50 from one review; nobody scored solution.
    assert m["qa_accuracy"].value == pytest.approx(80.0) and m["qa_accuracy"].n == 2
    assert m["qa_tone"].value == pytest.approx(50.0) and m["qa_tone"].n == 1
    assert m["qa_solution"].value is None and m["qa_solution"].n == 0


def test_review_coverage_counts_solved_tickets_reviewed_at_any_date():
    m = rows()["overall"]
    # Of the 4 solved live tickets, 1, 2 and 3 have a review (1 also one from the previous window).
    assert m["review_coverage"].value == pytest.approx(75.0) and m["review_coverage"].n == 4


def test_reviews_follow_the_named_agent_else_the_tickets():
    by_agent = rows("agent")
    ann, bob = by_agent["zendesk:acme:a1"], by_agent["zendesk:acme:a2"]
    assert ann["qa_score"].value == pytest.approx(77.5)  # (75 + 80) / 2
    assert bob["qa_score"].value == pytest.approx(32.5)  # (25 + 40) / 2: his ticket and the review naming him
    # Coverage follows the solved tickets: Ann solved 1, 2, 4, two of them reviewed; Bob 3, reviewed.
    assert ann["review_coverage"].value == pytest.approx(200 / 3)
    assert bob["review_coverage"].value == pytest.approx(100.0)


def test_productivity_replies_per_solved_and_solved_per_agent_day():
    m = rows()["overall"]
    # (1 + 3 + 2 + 4) replies / 4 solved tickets = 2.5.
    assert m["replies_per_solved"].value == pytest.approx(2.5) and m["replies_per_solved"].n == 4
    # Working days: Ann Nov 9 and 10, Bob Nov 12: 3 agent days for 4 solved tickets.
    assert m["solved_per_agent_day"].value == pytest.approx(4 / 3) and m["solved_per_agent_day"].n == 3
    by_agent = rows("agent")
    assert by_agent["zendesk:acme:a1"]["solved_per_agent_day"].value == pytest.approx(1.5)  # 3 solved / 2 days
    assert by_agent["zendesk:acme:a1"]["replies_per_solved"].value == pytest.approx(8 / 3)  # (1 + 3 + 4) / 3
    assert by_agent["zendesk:acme:a2"]["solved_per_agent_day"].value == pytest.approx(1.0)  # 1 solved / 1 day
    by_team = rows("team")
    assert by_team["zendesk:acme:g1"]["solved_per_agent_day"].value == pytest.approx(1.5)
    assert by_team["zendesk:acme:g2"]["solved_per_agent_day"].value == pytest.approx(1.0)


def test_a_working_day_is_a_day_in_the_reporting_time_zone():
    berlin = window_between(date(2026, 11, 8), date(2026, 11, 14), ZoneInfo("Europe/Berlin"))
    bob = rows("agent", window=berlin)["zendesk:acme:a2"]
    # Bob replied at 13:00 and 00:30 Berlin time (UTC+1): Nov 12 and Nov 13, two working days.
    assert bob["solved_per_agent_day"].n == 2 and bob["solved_per_agent_day"].value == pytest.approx(0.5)


def test_quality_kpis_by_channel_and_tag_follow_the_ticket():
    by_channel = rows("channel")
    assert by_channel["email"]["qa_score"].value == pytest.approx(65.0)  # 75, 80 and 40 (ticket 5)
    assert by_channel["chat"]["qa_score"].value == pytest.approx(25.0)
    assert by_channel["email"]["review_coverage"].value == pytest.approx(200 / 3)  # 1, 2 of 1, 2, 4
    by_tag = rows("tag")
    assert by_tag["refund"]["qa_score"].value == pytest.approx(77.5)  # tickets 1 and 2
    assert by_tag["vip"]["qa_score"].value == pytest.approx(75.0)
    assert by_tag["refund"]["review_coverage"].value == pytest.approx(100.0)


def test_team_narrows_the_quality_kpis():
    returns = rows("overall", team="Returns")["zendesk:acme:g2"]
    # Ticket 3 only (the review naming Bob is on Ann's Billing ticket 5: Billing's).
    assert returns["qa_score"].value == pytest.approx(25.0) and returns["qa_score"].n == 1


@pytest.mark.parametrize("marked", [True, False], ids=["marked pairs", "sorted pairs"])
def test_working_days_per_tag_count_each_agent_day_once_per_tag(monkeypatch, marked):
    from kpis.compute import quality

    if not marked:  # the path of stores with too many (group, agent, day) pairs to mark one by one
        monkeypatch.setattr(quality, "_MARKED_PAIRS", 0)
    by_tag = rows("tag")
    # refund: Ann on ticket 1 (Nov 9) and ticket 2 (Nov 9 and 10): 2 days; vip: ticket 1 only, 1 day.
    assert by_tag["refund"]["solved_per_agent_day"].n == 2 and by_tag["vip"]["solved_per_agent_day"].n == 1
    by_agent = rows("agent")
    assert by_agent["zendesk:acme:a1"]["solved_per_agent_day"].n == 2  # Nov 9 (twice) and Nov 10
    assert by_agent["zendesk:acme:a2"]["solved_per_agent_day"].n == 1  # Nov 12 (twice, UTC)
