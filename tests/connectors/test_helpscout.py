"""The Help Scout connector against the fake Help Scout: times derived from threads and ratings
worked out by hand, the OAuth2 token (one per run, refreshed on expiry and on 401), newest-first
paging, rate limits, a plan without reports, and check()."""

from __future__ import annotations

import json
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


def read_pass(conn, clock, name, cursor=None, *, days=30):
    """One pass of stream ``name`` from ``cursor``: its records and the cursor after it."""
    stream = next(s for s in conn.streams() if s.name == name)
    now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
    pages = list(stream.pages(cursor, SyncOptions(since=now - timedelta(days=days), now=now)))
    return [r for p in pages for r in p.records], pages[-1].cursor


def test_chat_and_phone_replies_count_and_a_chat_is_read_in_full(fake, account, clock):
    ada = account.add_user("Ada", "Admin", [])
    chat = account.add_conversation(
        created=T0, user=ada, replies=[T0 + 4 * MIN, T0 + 9 * MIN], closes=[T0 + 20 * MIN], kind="chat"
    )
    phone = account.add_conversation(created=T0, user=ada, replies=[T0 + 15 * MIN], kind="phone")
    email = account.add_conversation(created=T0, user=ada, replies=[T0 + 30 * MIN])
    tickets = {r.id: r for r in pull(connector(fake, account, clock), clock, "tickets")}
    # The chat: two agent messages, the first 4 minutes after the customer's; closed at 20.
    c = tickets[str(chat)]
    assert (c.first_reply_minutes, c.replies, c.full_resolution_minutes, c.channel) == (4, 2, 20, "chat")
    # The call the agent logged 15 minutes after the customer's message is their reply.
    p = tickets[str(phone)]
    assert (p.first_reply_minutes, p.replies) == (15, 1)
    assert (tickets[str(email)].first_reply_minutes, tickets[str(email)].replies) == (30, 1)
    # The list truncates a chat's threads: its own thread list is read (two pages of 3 threads
    # for its 5), and only for the chat.
    assert [(r.path, r.params["page"]) for r in fake.requests_to("/threads")] == [
        (f"/v2/conversations/{chat}/threads", ["1"]),
        (f"/v2/conversations/{chat}/threads", ["2"]),
    ]


def test_conversation_pages_hold_25_and_every_one_is_read(account, clock):
    ada = account.add_user("Ada", "Admin", [])
    ids = {str(account.add_conversation(created=T0 + i * MIN, user=ada)) for i in range(60)}
    with FakeHelpScout(account, clock) as fake:  # Help Scout's own page sizes
        records, _ = read_pass(connector(fake, account, clock), clock, "tickets")
        listed = [r for r in fake.requests_to("/v2/conversations") if r.params["status"] == ["all"]]
    assert {r.id for r in records} == ids
    assert len(listed) == 3  # 25 + 25 + 10


def test_a_conversation_moved_to_spam_is_read_by_its_own_pass(fake, account, clock):
    ada = account.add_user("Ada", "Admin", [])
    cid = account.add_conversation(created=T0, user=ada)
    conn = connector(fake, account, clock)
    first, cursor = read_pass(conn, clock, "tickets")
    assert [(t.id, t.is_spam) for t in first] == [(str(cid), False)]
    clock.advance(3600)
    account.spam(cid)  # no longer among status=all
    second, _ = read_pass(conn, clock, "tickets", cursor)
    assert [(t.id, t.is_spam, t.status_raw) for t in second] == [(str(cid), True, "spam")]


def test_a_rating_changed_days_after_it_was_given_is_read_again(fake, account, clock):
    ada = account.add_user("Ada", "Admin", [])
    cid = account.add_conversation(created=T0, user=ada, replies=[T0 + MIN], closes=[T0 + 2 * MIN])
    given = clock.epoch() - 3600
    account.rate(cid, 3, at=given)
    conn = connector(fake, account, clock)
    first, cursor = read_pass(conn, clock, "ratings")
    assert [(r.score_raw, r.comment) for r in first] == [("not good", None)]
    clock.advance(3 * 86400)  # three days later the customer changes their mind
    account.rerate(cid, 1, comment="Sorted after all, thanks")
    second, _ = read_pass(conn, clock, "ratings", cursor)
    assert [(r.id, r.score_raw, r.positive, r.comment) for r in second] == [
        (first[0].id, "great", True, "Sorted after all, thanks")
    ]


def test_open_conversations_deleted_or_merged_away_leave_the_backlog(fake, account, clock):
    ada = account.add_user("Ada", "Admin", [])
    deleted, merged, into, quiet = (account.add_conversation(created=T0 + i, user=ada) for i in range(4))
    conn = connector(fake, account, clock)
    _, cursor = read_pass(conn, clock, "tickets")
    account.delete(deleted)  # both leave the lists; nothing in them says so
    account.merge(merged, into=into)

    def read_alone():
        return sorted(r.path for r in fake.requests_to("/v2/conversations/") if not r.path.endswith("/threads"))

    clock.advance(4 * 86400)  # within reconcile_after_days (7): nobody is read on their own yet
    records, cursor = read_pass(conn, clock, "tickets", cursor)
    assert [r.id for r in records] == [str(into)] and read_alone() == []
    clock.advance(4 * 86400)  # 8 days since the three were last listed
    records, cursor = read_pass(conn, clock, "tickets", cursor)
    tickets = {r.id: r for r in records}
    assert read_alone() == sorted(f"/v2/conversations/{c}" for c in (deleted, merged, quiet))
    assert (tickets[str(deleted)].is_deleted, tickets[str(deleted)].status_raw) == (True, "deleted")
    assert (tickets[str(merged)].is_merged, tickets[str(merged)].status_raw) == (True, "merged")
    assert tickets[str(deleted)].excluded and tickets[str(merged)].excluded
    assert tickets[str(merged)].created_at == datetime.fromtimestamp(T0 + 1, timezone.utc)
    assert (tickets[str(quiet)].status, tickets[str(quiet)].excluded) == (TicketStatus.OPEN, False)
    # The quiet one was just read: the next pass leaves it alone, and the gone ones are forgotten.
    read_pass(conn, clock, "tickets", cursor)
    assert len(read_alone()) == 3


def test_a_pass_stopped_while_reading_quiet_conversations_resumes_where_it_stopped(fake, account, clock, monkeypatch):
    from connectors.helpscout import reconcile

    monkeypatch.setattr(reconcile, "BATCH", 2)  # several pages of conversations read on their own
    ada = account.add_user("Ada", "Admin", [])
    ids = [account.add_conversation(created=T0 + i, user=ada) for i in range(7)]
    _, start = read_pass(connector(fake, account, clock), clock, "tickets")
    for cid in ids[:3]:
        account.delete(cid)
    clock.advance(8 * 86400)
    now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
    options = SyncOptions(since=now - timedelta(days=30), now=now)

    def stream():
        return next(s for s in connector(fake, account, clock).streams() if s.name == "tickets")

    whole = list(stream().pages(start, options))
    assert len(whole) == 6  # the two empty lists (all, spam), then 7 conversations two at a time
    expected = {r.id: r for p in whole for r in p.records}
    assert {cid for cid, r in expected.items() if r.is_deleted} == {str(c) for c in ids[:3]}
    for stop in range(1, len(whole)):
        got: dict[str, Ticket] = {}
        cursor = start
        for page in list(stream().pages(cursor, options))[:stop]:
            got.update((r.id, r) for r in page.records)
            cursor = page.cursor
        rest = list(stream().pages(cursor, options))  # a new process, from the stored cursor
        got.update((r.id, r) for p in rest for r in p.records)
        assert (got, rest[-1].cursor) == (expected, whole[-1].cursor), f"stopped after page {stop}"


def test_a_pass_resumed_after_its_quiet_conversations_became_recent_enough_ends(fake, account, clock):
    ada = account.add_user("Ada", "Admin", [])
    account.add_conversation(created=T0, user=ada)
    _, cursor = read_pass(connector(fake, account, clock), clock, "tickets")
    clock.advance(8 * 86400)
    now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
    options = SyncOptions(since=now - timedelta(days=30), now=now)
    pages = list(
        next(s for s in connector(fake, account, clock).streams() if s.name == "tickets").pages(cursor, options)
    )
    stopped = pages[-2].cursor  # the lists read; the quiet conversation not yet read on its own
    assert json.loads(stopped)["listing"] == 2
    # Meanwhile reconcile_after_days grew: nothing is left to read, and the pass ends.
    patient = HelpScoutSettings(
        url=fake.url, app_id=account.app_id, app_secret=account.app_secret, reconcile_after_days=30
    )
    stream = next(s for s in HelpScoutConnector("default", patient, clock=clock).streams() if s.name == "tickets")
    rest = list(stream.pages(stopped, options))
    assert [len(p.records) for p in rest] == [0] and "pass_now" not in json.loads(rest[-1].cursor)
