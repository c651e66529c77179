"""The Freshdesk connector against the fake Freshdesk: what the records say (worked out by hand
from the payloads), re-anchoring on updated_since, rate limits, malformed pages and check()."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from connectors.base import SyncOptions
from connectors.errors import MalformedResponse, RetriesExhausted
from connectors.freshdesk import FreshdeskConnector, FreshdeskSettings
from connectors.freshdesk import streams as freshdesk_streams
from kpis.errors import RunFailed
from kpis.records import Agent, Membership, Priority, Rating, RatingScale, Team, Ticket, TicketStatus
from tests.fakes.freshdesk import FakeFreshdesk, FreshdeskAccount, iso
from tests.fakes.freshdesk.data import CLASSIC, FIVE_POINT, SEVEN_POINT, THREE_POINT, TWO_POINT
from tests.fakes.http_fake import Reply
from tests.fakes.zendesk import CompressedClock

T0 = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)


def at(minutes: float) -> float:
    return (T0 + timedelta(minutes=minutes)).timestamp()


@pytest.fixture
def clock() -> CompressedClock:
    return CompressedClock()


@pytest.fixture
def account(clock) -> FreshdeskAccount:
    return FreshdeskAccount(clock)


@pytest.fixture
def fake(account, clock):
    with FakeFreshdesk(account, clock) as server:
        yield server


def connector(fake, account, clock, **options) -> FreshdeskConnector:
    return FreshdeskConnector("acme", FreshdeskSettings(url=fake.url, api_key=account.api_key, **options), clock=clock)


def pull(conn, clock, only: str | None = None, cursors: dict[str, str | None] | None = None):
    """Every record of one sync; ``cursors`` (by stream) are where it starts, and are left where
    it ended, as the store keeps them between syncs."""
    now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
    options = SyncOptions(since=now - timedelta(days=60), now=now)
    cursors = {} if cursors is None else cursors
    records = []
    for stream in conn.streams():
        if only is None or stream.name == only:
            for page in stream.pages(cursors.get(stream.name), options):
                records.extend(page.records)
                cursors[stream.name] = page.cursor
    return records


def test_tickets_carry_first_reply_and_resolution_from_their_stats(fake, account, clock):
    billing = account.add_group("Billing")
    ada = account.add_agent("Ada Admin", [billing])
    solved = account.add_ticket(
        created=at(0), agent=ada, group=billing, status=4, first_reply=at(45), resolved=at(240), priority=3
    )
    reopened = account.add_ticket(
        created=at(0),
        agent=ada,
        group=billing,
        status=2,
        first_reply=at(10),
        resolved=at(60),
        reopened=at(90),
        priority=2,
    )
    closed_again = account.add_ticket(
        created=at(0), agent=None, group=None, status=5, resolved=at(600), reopened=at(300)
    )
    waiting = account.add_ticket(created=at(0), agent=ada, group=billing, status=6)
    tickets = {t.id: t for t in pull(connector(fake, account, clock), clock, "tickets")}

    t = tickets[str(solved)]
    assert (t.status, t.status_raw, t.priority) == (TicketStatus.SOLVED, "resolved", Priority.HIGH)
    assert t.solved_at == T0 + timedelta(minutes=240)
    assert (t.first_reply_minutes, t.first_resolution_minutes, t.full_resolution_minutes) == (45, 240, 240)
    assert (t.reopens, t.replies) == (0, None)  # Freshdesk does not count replies: left out of FCR
    assert (t.assignee_id, t.group_id) == (str(ada), str(billing))
    assert t.url == f"{fake.url}/a/tickets/{solved}"
    # Reopened and open again: unsolved, one reopen; its first solve time is unknown.
    t = tickets[str(reopened)]
    assert (t.status, t.solved_at, t.reopens, t.first_resolution_minutes) == (TicketStatus.OPEN, None, 1, None)
    # Closed after a reopen: the full resolution (latest resolve) is known, the first one not.
    t = tickets[str(closed_again)]
    assert (t.status, t.full_resolution_minutes, t.first_resolution_minutes) == (TicketStatus.CLOSED, 600, None)
    assert (t.assignee_id, t.group_id, t.first_reply_minutes) == (None, None, None)
    t = tickets[str(waiting)]
    assert (t.status, t.status_raw, t.solved_at) == (TicketStatus.PENDING, "status 6", None)


def test_deleted_and_spam_tickets_are_stored_marked(fake, account, clock):
    kept = account.add_ticket(created=at(0), agent=None, group=None)
    deleted = account.add_ticket(created=at(0), agent=None, group=None)
    spam = account.add_ticket(created=at(0), agent=None, group=None)
    account.delete(deleted)
    account.touch(spam, spam=True)
    tickets = {t.id: t for t in pull(connector(fake, account, clock), clock) if isinstance(t, Ticket)}
    assert not tickets[str(kept)].excluded
    assert tickets[str(deleted)].is_deleted and tickets[str(deleted)].status is TicketStatus.DELETED
    assert tickets[str(spam)].is_spam and tickets[str(spam)].excluded


def test_ratings_read_each_surveys_scale_and_the_default_question_only(fake, account, clock):
    billing = account.add_group("Billing")
    ada = account.add_agent("Ada Admin", [billing])
    seven, three = account.add_survey(SEVEN_POINT), account.add_survey(THREE_POINT)
    tid = account.add_ticket(created=at(0), agent=ada, group=billing, status=4, resolved=at(30))
    very_happy = account.rate(tid, 102, survey=seven, feedback="Thank you", at=at(60))
    unhappy = account.rate(tid, -101, survey=seven, at=at(61))
    neutral = account.rate(tid, 100, survey=three, at=at(62))
    extra_only = account.rate(tid, 103, survey=seven, at=at(63))
    account.ratings[extra_only]["ratings"] = {"question_2": 103}
    # The vendor's own docs print three-digit hours; read as the hour they mean.
    account.ratings[unhappy]["updated_at"] = "2026-11-10T010:05:00Z"
    ratings = {r.id: r for r in pull(connector(fake, account, clock), clock, "ratings")}

    assert set(ratings) == {str(very_happy), str(unhappy), str(neutral)}
    r = ratings[str(very_happy)]
    assert (r.scale, r.score_raw, r.positive, r.score) == (RatingScale.FRESHDESK_7, "102", True, pytest.approx(5 / 6))
    assert (r.agent_id, r.team_id, r.ticket_id, r.comment) == (str(ada), str(billing), str(tid), "Thank you")
    r = ratings[str(unhappy)]
    assert (r.positive, r.score) == (False, pytest.approx(2 / 6))
    assert r.rated_at == datetime(2026, 11, 10, 10, 5, tzinfo=timezone.utc)
    r = ratings[str(neutral)]
    assert (r.scale, r.positive, r.score) == (RatingScale.FRESHDESK_3, False, 0.5)  # neutral is not positive


def test_groups_give_teams_and_memberships_and_agents_their_contact(fake, account, clock):
    # No agent has a ticket: their teams come from the groups alone. The group list carries no
    # agent_ids; each group's own answer does.
    billing, tech = account.add_group("Billing"), account.add_group("Technical")
    ada = account.add_agent("Ada Admin", [billing, tech])
    gone = account.add_agent("Gus Gone", [tech], active=False)
    records = pull(connector(fake, account, clock), clock)
    assert {(t.id, t.name) for t in records if isinstance(t, Team)} == {
        (str(billing), "Billing"),
        (str(tech), "Technical"),
    }
    assert {(m.agent_id, m.team_id) for m in records if isinstance(m, Membership)} == {
        (str(ada), str(billing)),
        (str(ada), str(tech)),
        (str(gone), str(tech)),
    }
    agents = {a.id: a for a in records if isinstance(a, Agent)}
    assert (agents[str(ada)].email, agents[str(ada)].active) == ("ada@acme.test", True)
    assert agents[str(gone)].active is False


def _tickets(account, count: int, *, same_second: bool = False) -> list[int]:
    return [
        account.add_ticket(created=at(i), agent=None, group=None, updated=at(0 if same_second else i))
        for i in range(count)
    ]


def test_every_page_re_anchors_on_the_last_ticket_read(account, clock):
    ids = _tickets(account, 10)
    with FakeFreshdesk(account, clock, page_size=3) as fake:
        records = pull(connector(fake, account, clock), clock, "tickets")
        calls = fake.requests_to("/tickets")
    assert {r.id for r in records} == {str(i) for i in ids}
    # Always page 1, each from one second before the last ticket of the page before:
    # tickets 0-2, then 2-4 (from ticket 2's second), 4-6, 6-8, 8-9.
    assert [c.params["page"] for c in calls] == [["1"]] * 5
    expected = [iso(at(m) - 1) for m in (2, 4, 6)]
    assert [c.params["updated_since"][0] for c in calls[1:4]] == expected
    assert all(c.params["order_by"] == ["updated_at"] and c.params["order_type"] == ["asc"] for c in calls)
    assert all(c.params["include"] == ["stats"] for c in calls)


def test_a_ticket_updated_while_paging_moves_to_the_end_and_nothing_is_skipped(account, clock):
    ids = _tickets(account, 9)

    class Busy(FakeFreshdesk):
        def route(self, request):
            reply = super().route(request)
            if request.path.endswith("/tickets") and len(self.requests_to("/tickets")) == 1:
                clock.advance(60)
                account.touch(ids[0], subject="changed")  # read on page 1; now it sorts last
            return reply

    with Busy(account, clock, page_size=3) as fake:
        records = pull(connector(fake, account, clock), clock, "tickets")
    # Following page numbers would have skipped ids[3] (it slid onto page 1); re-anchoring does not.
    assert {r.id for r in records} == {str(i) for i in ids}
    assert any(r.id == str(ids[0]) and r.subject == "changed" for r in records)


def test_tickets_sharing_one_second_page_on_by_number_up_to_the_cap(account, clock, monkeypatch):
    ids = _tickets(account, 7, same_second=True)
    with FakeFreshdesk(account, clock, page_size=3) as fake:
        records = pull(connector(fake, account, clock), clock, "tickets")
        # From the sync's start, re-anchored on the shared second, then pages 2 and 3 of it.
        calls = fake.requests_to("/tickets")
        assert [(c.params["updated_since"][0], c.params["page"][0]) for c in calls[1:]] == [
            (iso(at(0) - 1), "1"),
            (iso(at(0) - 1), "2"),
            (iso(at(0) - 1), "3"),
        ]
        assert {r.id for r in records} == {str(i) for i in ids}
        monkeypatch.setattr(freshdesk_streams, "PAGE_CAP", 2)
        with pytest.raises(RunFailed, match=r"updated in the second after .* stops paging at page 2"):
            pull(connector(fake, account, clock), clock, "tickets")


def test_a_429_waits_its_retry_after_and_few_remaining_requests_pace_the_sync(account, clock):
    _tickets(account, 12)
    with FakeFreshdesk(account, clock, page_size=3, per_minute=5) as fake:
        fake.fail("429", "GET /api/v2/tickets", retry_after=13, skip=1)
        records = pull(connector(fake, account, clock), clock, "tickets")
        assert len({r.id for r in records}) == 12
        assert 13 in clock.slept
        assert not fake.violations
        # 5 a minute: once X-RateLimit-Remaining fell to 2 the sync waited for the next minute
        # instead of being refused; the one 429 is the scripted one.
        assert [c.status for c in fake.log].count(429) == 1
        assert 60 in clock.slept


def test_a_page_that_is_not_a_list_or_links_to_itself_is_malformed(fake, account, clock):
    account.add_group("Billing")
    fake.fail("reply", "GET /api/v2/groups", reply=Reply(200, {"groups": []}))
    with pytest.raises(MalformedResponse, match="Freshdesk acme sent a group page without a JSON list"):
        pull(connector(fake, account, clock), clock, "teams")
    loop = Reply(
        200, [{"id": 1, "contact": {"name": "A"}}], {"Link": f'<{fake.url}/api/v2/agents?per_page=100>; rel="next"'}
    )
    fake.fail("reply", "GET /api/v2/agents", reply=loop)
    with pytest.raises(MalformedResponse, match="points at itself"):
        pull(connector(fake, account, clock), clock, "agents")


def test_check_reports_the_key_the_role_and_an_unreachable_account(account, clock):
    billing = account.add_group("Billing")
    account.add_agent("Ada Admin", [billing])
    with FakeFreshdesk(account, clock) as fake:
        good = connector(fake, account, clock).check()
        assert [(r.name, r.ok) for r in good] == [
            ("freshdesk:acme API key", True),
            ("freshdesk:acme tickets", True),
            ("freshdesk:acme satisfaction ratings", True),
            ("freshdesk:acme groups and agents", True),
        ]
        assert good[0].detail == "signed in as ada@acme.test"
        wrong = FreshdeskConnector("acme", FreshdeskSettings(url=fake.url, api_key="nope"), clock=clock).check()
        assert len(wrong) == 1 and not wrong[0].ok and wrong[0].fix == "check FRESHDESK_API_KEY"
        assert "nope" not in wrong[0].detail
        fake.admin = False
        limited = {r.name: r for r in connector(fake, account, clock).check()}
        assert limited["freshdesk:acme tickets"].ok
        assert not limited["freshdesk:acme satisfaction ratings"].ok
        assert "Administrator or Supervisor" in limited["freshdesk:acme groups and agents"].fix
        url = fake.url
    gone = FreshdeskConnector("acme", FreshdeskSettings(url=url, api_key="k", timeout_seconds=2), clock=clock).check()
    assert not gone[0].ok and f"check that {url} (FRESHDESK_URL) is right and reachable" in gone[0].fix


def test_an_account_refusing_the_deleted_filter_warns_and_the_sync_goes_on(fake, account, clock, caplog):
    kept = account.add_ticket(created=at(0), agent=None, group=None)
    fake.fail(
        "reply",
        "filter=deleted",
        reply=Reply(
            400,
            {
                "description": "Validation failed",
                "errors": [{"field": "filter", "message": "not allowed with updated_since", "code": "invalid_value"}],
            },
        ),
    )
    with caplog.at_level("WARNING"):
        tickets = [r for r in pull(connector(fake, account, clock), clock) if isinstance(r, Ticket)]
    assert {t.id for t in tickets} == {str(kept)}
    assert any("refused the deleted ticket list" in m for m in caplog.messages)
    # The filtered lists ask for no stats: their tickets count for no KPI.
    assert all("include" not in c.params for c in fake.requests_to("/tickets") if "filter" in c.params)


def ratings_by_id(fake, account, clock, **options) -> dict[str, Rating]:
    return {r.id: r for r in pull(connector(fake, account, clock, **options), clock, "ratings")}


def test_classic_survey_ratings_answer_1_2_3_and_are_read_as_happy_neutral_unhappy(fake, account, clock):
    classic = account.add_survey(CLASSIC)  # listed with no questions
    tid = account.add_ticket(created=at(0), agent=None, group=None, status=4, resolved=at(30))
    happy, neutral, unhappy = (account.rate(tid, code, survey=classic, at=at(60 + code)) for code in CLASSIC)
    ratings = ratings_by_id(fake, account, clock)
    # 1 Happy, 2 Neutral, 3 Unhappy: positive only for Happy; spread 1, 0.5, 0 like the 3-point survey.
    assert {k: (r.scale, r.positive, r.score) for k, r in ratings.items()} == {
        str(happy): (RatingScale.FRESHDESK_CLASSIC, True, 1.0),
        str(neutral): (RatingScale.FRESHDESK_CLASSIC, False, 0.5),
        str(unhappy): (RatingScale.FRESHDESK_CLASSIC, False, 0.0),
    }


def test_a_survey_no_longer_listed_is_read_as_classic_for_1_2_3_and_on_seven_points_otherwise(fake, account, clock):
    tid = account.add_ticket(created=at(0), agent=None, group=None, status=4, resolved=at(30))
    gone = 999  # a survey the account deleted: GET /surveys no longer lists it
    neutral, happy = account.rate(tid, 2, survey=gone, at=at(60)), account.rate(tid, 102, survey=gone, at=at(61))
    ratings = ratings_by_id(fake, account, clock)
    assert (ratings[str(neutral)].scale, ratings[str(neutral)].score) == (RatingScale.FRESHDESK_CLASSIC, 0.5)
    assert (ratings[str(happy)].scale, ratings[str(happy)].score) == (RatingScale.FRESHDESK_7, pytest.approx(5 / 6))


def test_custom_surveys_on_two_and_five_points_score_on_their_own_scale(fake, account, clock):
    five, two = account.add_survey(FIVE_POINT), account.add_survey(TWO_POINT)
    tid = account.add_ticket(created=at(0), agent=None, group=None, status=4, resolved=at(30))
    on_five = {str(account.rate(tid, code, survey=five, at=at(60))): code for code in (102, -102, 100)}
    on_two = {str(account.rate(tid, code, survey=two, at=at(61))): code for code in (103, -103)}
    ratings = ratings_by_id(fake, account, clock)
    # Five points -103, -102, 100, 102, 103 spread 0, 1/4, 2/4, 3/4, 1 (not 5/6 and 1/6 as on seven).
    assert {on_five[k]: (ratings[k].scale, ratings[k].positive, ratings[k].score) for k in on_five} == {
        102: (RatingScale.FRESHDESK_5, True, 0.75),
        -102: (RatingScale.FRESHDESK_5, False, 0.25),
        100: (RatingScale.FRESHDESK_5, False, 0.5),
    }
    assert {on_two[k]: (ratings[k].scale, ratings[k].positive, ratings[k].score) for k in on_two} == {
        103: (RatingScale.FRESHDESK_2, True, 1.0),
        -103: (RatingScale.FRESHDESK_2, False, 0.0),
    }


def test_feedback_sent_days_after_the_click_reaches_the_next_sync(fake, account, clock):
    seven = account.add_survey(SEVEN_POINT)
    tid = account.add_ticket(created=at(0), agent=None, group=None, status=4, resolved=at(30))
    began = clock.epoch()
    rid = account.rate(tid, 101, survey=seven)  # the click in the email
    cursors: dict[str, str | None] = {}
    conn = connector(fake, account, clock)
    first = {r.id: r for r in pull(conn, clock, "ratings", cursors)}
    assert (first[str(rid)].score_raw, first[str(rid)].comment) == ("101", None)
    clock.advance(3 * 86400)
    account.send_feedback(rid, "Slow in the end", code=-101)  # the form, three days later
    second = {r.id: r for r in pull(conn, clock, "ratings", cursors)}
    assert (second[str(rid)].score_raw, second[str(rid)].positive, second[str(rid)].comment) == (
        "-101",
        False,
        "Slow in the end",
    )
    # The second pass asked for ratings created since 14 days (the default look-back) before the
    # first pass began.
    asked = [c.params["created_since"][0] for c in fake.requests_to("/surveys/satisfaction_ratings")]
    assert asked[-1] == iso(began - 14 * 86400)


def test_a_shorter_look_back_is_honoured(fake, account, clock):
    account.add_survey(SEVEN_POINT)
    began = clock.epoch()
    cursors: dict[str, str | None] = {}
    conn = connector(fake, account, clock, ratings_lookback_days=2)
    pull(conn, clock, "ratings", cursors)
    clock.advance(86400)
    pull(conn, clock, "ratings", cursors)
    asked = [c.params["created_since"][0] for c in fake.requests_to("/surveys/satisfaction_ratings")]
    assert asked[-1] == iso(began - 2 * 86400)


def test_a_growth_accounts_backfill_paces_to_the_ticket_lists_own_limit(account, clock):
    _tickets(account, 130)
    # Growth: 200 requests a minute for the account, 20 for the ticket list. A wait budget that
    # two 429s would use up: pacing waits are not retries and do not count.
    with FakeFreshdesk(account, clock, page_size=3, per_minute=200) as fake:
        conn = connector(fake, account, clock, wait_budget_seconds=100)
        tickets = pull(conn, clock)
        list_calls = fake.requests_to("/tickets")
        assert len({t.id for t in tickets if isinstance(t, Ticket)}) == 130
        assert len(list_calls) > 20  # more than a minute's worth of ticket pages
        assert [c.status for c in fake.log].count(429) == 0
        assert not fake.violations
        # Never more than 20 ticket-list requests in any 60 seconds.
        times = [c.at for c in list_calls]
        assert all(later - earlier >= 60 for earlier, later in zip(times, times[20:]))


def test_an_account_limited_per_hour_is_told_so(fake, account, clock):
    _tickets(account, 3)
    fake.fail("429", "GET /api/v2/tickets", retry_after=2400)
    with pytest.raises(RetriesExhausted, match="per hour") as stopped:
        pull(connector(fake, account, clock), clock, "tickets")
    assert "2400s" in str(stopped.value) and "wait budget" in str(stopped.value)


def test_outbound_tickets_have_no_first_reply_time(fake, account, clock):
    # Source 10, Outbound Email: the agent wrote first; Freshdesk's first-response clock starts
    # with the customer's answer, which the stats do not give.
    outbound = account.add_ticket(created=at(0), agent=None, group=None, first_reply=at(1), source=10)
    inbound = account.add_ticket(created=at(0), agent=None, group=None, first_reply=at(30))
    # Created closed and never answered: no resolution time either. Answered, then resolved: kept.
    unanswered = account.add_ticket(created=at(0), agent=None, group=None, status=5, resolved=at(0), source=10)
    answered = account.add_ticket(created=at(0), agent=None, group=None, status=4, resolved=at(90), source=10)
    account.tickets[answered]["stats"]["requester_responded_at"] = iso(at(60))
    tickets = {t.id: t for t in pull(connector(fake, account, clock), clock, "tickets")}
    assert (tickets[str(outbound)].channel, tickets[str(outbound)].first_reply_minutes) == ("outbound_email", None)
    assert tickets[str(inbound)].first_reply_minutes == 30
    t = tickets[str(unanswered)]
    assert (t.status, t.first_reply_minutes, t.full_resolution_minutes, t.first_resolution_minutes) == (
        TicketStatus.CLOSED,
        None,
        None,
        None,
    )
    assert tickets[str(answered)].full_resolution_minutes == 90


def test_a_change_the_list_shows_late_is_read_by_the_next_sync(fake, account, clock):
    early, late = _tickets(account, 2)
    account.touch(early, subject="changed at minute 10", lag=120)  # listed two minutes later
    changed = clock.epoch()
    clock.advance(60)
    account.touch(late, subject="changed at minute 11")
    cursors: dict[str, str | None] = {}
    conn = connector(fake, account, clock)
    first = {t.id: t for t in pull(conn, clock, "tickets", cursors)}
    assert first[str(early)].subject == "Help" and first[str(late)].subject == "changed at minute 11"
    clock.advance(600)
    second = {t.id: t for t in pull(conn, clock, "tickets", cursors)}
    # The second sync went back overlap_minutes (10) before the newest change it had read.
    assert second[str(early)].subject == "changed at minute 10"
    asked = fake.requests_to("/tickets")[-1].params["updated_since"][0]
    assert asked == iso(changed + 60 - 600)
