"""The Help Scout connector against the fake Help Scout: times derived from threads and ratings
worked out by hand, the OAuth2 token (one per run, refreshed on expiry and on 401), newest-first
paging, rate limits, a plan without reports, and check()."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from connectors.base import SyncOptions
from connectors.helpscout import HelpScoutConnector, HelpScoutSettings
from kpis.errors import CredentialError
from kpis.records import AgentReply, Membership, Rating, RatingScale, Team, Ticket, TicketStatus
from tests.fakes.helpscout import FakeHelpScout, HelpScoutAccount
from tests.fakes.zendesk import CompressedClock

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc).timestamp()
MIN = 60


@pytest.fixture
def clock() -> CompressedClock:
    return CompressedClock()


@pytest.fixture
def account(clock) -> HelpScoutAccount:
    return HelpScoutAccount(clock)


@pytest.fixture
def fake(account, clock):
    with FakeHelpScout(account, clock, page_size=3) as server:
        yield server


def connector(fake, account, clock, secret=None) -> HelpScoutConnector:
    settings = HelpScoutSettings(url=fake.url, app_id=account.app_id, app_secret=secret or account.app_secret)
    return HelpScoutConnector("default", settings, clock=clock)


def pull(conn, clock, only=None):
    now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
    options = SyncOptions(since=now - timedelta(days=30), now=now)
    return [r for s in conn.streams() if only in (None, s.name) for p in s.pages(None, options) for r in p.records]


def test_first_reply_resolution_and_reopens_come_from_the_threads(fake, account, clock):
    billing = account.add_team("Billing")
    ada = account.add_user("Ada", "Admin", [billing])
    cid = account.add_conversation(
        created=T0,
        user=ada,
        team=billing,
        replies=[T0 + 30 * MIN],
        closes=[T0 + 90 * MIN, T0 + 200 * MIN],
        reopens=[T0 + 100 * MIN],
    )
    waiting = account.add_conversation(created=T0, user=None)
    records = pull(connector(fake, account, clock), clock)
    tickets = {r.id: r for r in records if isinstance(r, Ticket)}
    t = tickets[str(cid)]
    assert (t.status, t.solved_at) == (TicketStatus.CLOSED, datetime.fromtimestamp(T0 + 200 * MIN, timezone.utc))
    assert (t.first_reply_minutes, t.first_resolution_minutes, t.full_resolution_minutes) == (30, 90, 200)
    assert (t.replies, t.reopens) == (1, 1)
    assert (t.assignee_id, t.group_id) == (str(ada), str(billing))
    assert t.url == f"https://secure.helpscout.net/conversation/{cid}/{10000 + cid}"
    w = tickets[str(waiting)]
    assert (w.status, w.first_reply_minutes, w.replies, w.reopens, w.assignee_id) == (
        TicketStatus.OPEN,
        None,
        0,
        0,
        None,
    )
    assert {(m.agent_id, m.team_id) for m in records if isinstance(m, Membership)} == {(str(ada), str(billing))}
    assert {t.name for t in records if isinstance(t, Team)} == {"Billing"}
    # Ada's one public reply, with its author and time (a working day for solved_per_agent_day).
    replies = [r for r in records if isinstance(r, AgentReply)]
    assert [(r.ticket_id, r.agent_id, r.replied_at) for r in replies] == [
        (str(cid), str(ada), datetime.fromtimestamp(T0 + 30 * MIN, timezone.utc))]


def test_happiness_ratings_great_okay_not_good(fake, account, clock):
    ada = account.add_user("Ada", "Admin", [])
    cids = [account.add_conversation(created=T0, user=ada, replies=[T0 + MIN], closes=[T0 + 2 * MIN]) for _ in range(3)]
    for cid, rating_id in zip(cids, (1, 2, 3), strict=True):
        account.rate(cid, rating_id, at=T0 + 10 * MIN, comment="Well done!" if rating_id == 1 else "")
    ratings = {r.ticket_id: r for r in pull(connector(fake, account, clock), clock, "ratings") if isinstance(r, Rating)}
    great, okay, bad = (ratings[str(c)] for c in cids)
    assert (great.scale, great.score_raw, great.positive, great.score) == (RatingScale.HELPSCOUT_3, "great", True, 1.0)
    assert (okay.score_raw, okay.positive, okay.score) == ("okay", False, 0.5)
    assert (bad.score_raw, bad.positive, bad.score) == ("not good", False, 0.0)
    assert great.comment == "Well done!" and great.agent_id == str(ada)
    assert great.offered_at == datetime.fromtimestamp(T0 + MIN, timezone.utc)  # the rated reply went out then
    assert great.rated_at == datetime.fromtimestamp(T0 + 10 * MIN, timezone.utc)


def test_one_token_per_run_refreshed_before_expiry_and_after_a_401(account, clock):
    ada = account.add_user("Ada", "Admin", [])
    for i in range(7):
        account.add_conversation(created=T0 + i, user=ada)
    with FakeHelpScout(account, clock, page_size=3, token_lifetime=3600) as fake:
        conn = connector(fake, account, clock)
        pull(conn, clock)
        assert len(fake.requests_to("/oauth2/token")) == 1
        clock.advance(3600 - 30)  # the token's last minute: fetch a new one before using it
        pull(conn, clock, "agents")
        assert len(fake.requests_to("/oauth2/token")) == 2
        fake.revoke_tokens()  # refused with 401: a new token, and the request once more
        assert len([r for r in pull(conn, clock, "tickets") if isinstance(r, Ticket)]) == 7
        assert len(fake.requests_to("/oauth2/token")) == 3
        with pytest.raises(CredentialError, match="check HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET"):
            pull(connector(fake, account, clock, secret="wrong"), clock, "agents")


def test_newest_first_paging_skips_nothing_when_a_conversation_changes_midway(account, clock):
    ada = account.add_user("Ada", "Admin", [])
    ids = [account.add_conversation(created=T0 + i * MIN, user=ada) for i in range(9)]

    class Busy(FakeHelpScout):
        def route(self, request):
            reply = super().route(request)
            if request.path == "/v2/conversations" and len(self.requests_to("/v2/conversations")) == 1:
                clock.advance(60)
                account.touch(ids[0], subject="changed")  # on the last page; now it sorts first
            return reply

    with Busy(account, clock, page_size=3) as fake:
        stream = next(s for s in connector(fake, account, clock).streams() if s.name == "tickets")
        now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
        first = list(stream.pages(None, SyncOptions(since=now - timedelta(days=30), now=now)))
        assert fake.requests_to("/v2/conversations")[0].params["sortOrder"] == ["desc"]
        # The pages after the change shifted towards the ones read: one conversation came twice,
        # none was skipped; the changed one itself is read by the next pass.
        assert {r.id for p in first for r in p.records} == {str(i) for i in ids[1:]}
        later = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
        second = list(stream.pages(first[-1].cursor, SyncOptions(since=now - timedelta(days=30), now=later)))
    assert [r.subject for p in second for r in p.records if r.id == str(ids[0])] == ["changed"]


def test_a_429_waits_x_ratelimit_retry_after(fake, account, clock):
    account.add_user("Ada", "Admin", [])
    fake.fail("429", "GET /v2/users", retry_after=11)
    pull(connector(fake, account, clock), clock, "agents")
    assert 11 in clock.slept and not fake.violations


def test_a_plan_without_reports_syncs_no_ratings_and_check_says_why(account, clock, caplog):
    ada = account.add_user("Ada", "Admin", [])
    cid = account.add_conversation(created=T0, user=ada, replies=[T0 + MIN], closes=[T0 + 2 * MIN])
    account.rate(cid, 1, at=T0 + 3 * MIN)
    with FakeHelpScout(account, clock, reports=False) as fake:
        conn = connector(fake, account, clock)
        with caplog.at_level(logging.WARNING):
            assert pull(conn, clock, "ratings") == []
        assert any("Plus or Pro plan" in m for m in caplog.messages)
        results = {r.name: r for r in conn.check()}
        assert results["helpscout:default app credentials"].ok
        assert results["helpscout:default conversations"].ok and results["helpscout:default users and teams"].ok
        ratings = results["helpscout:default ratings"]
        assert ratings.skipped and not ratings.failed and "Plus or Pro" in ratings.detail
        wrong = connector(fake, account, clock, secret="wrong").check()
        assert len(wrong) == 1 and wrong[0].failed and wrong[0].fix == "check HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET"
        assert "wrong" not in wrong[0].detail
