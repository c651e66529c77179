"""The Intercom connector against the fake Intercom: conversations and ratings worked out by hand,
Fin's conversations, outbound messages, the search and its cursor (and its lagging index), the
10-second rate windows and check(); and, through `report`, that Fin's conversations count in
volume and in no human KPI, that outbound messages nobody answered count in none, and first
contact resolution and one-touch from Intercom's statistics."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from connectors.base import SyncOptions
from connectors.http import clock as clocks
from connectors.intercom import IntercomConnector, IntercomSettings
from helpdesk_kpis import cli
from helpdesk_kpis.cli import main
from kpis.records import Agent, Membership, Rating, RatingScale, RatingState, Team, Ticket, TicketStatus
from tests.fakes.intercom import FakeIntercom, IntercomWorkspace
from tests.fakes.zendesk import CompressedClock

T0 = int(datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc).timestamp())


@pytest.fixture
def clock() -> CompressedClock:
    return CompressedClock()


@pytest.fixture
def workspace(clock) -> IntercomWorkspace:
    return IntercomWorkspace(clock)


@pytest.fixture
def fake(workspace, clock):
    with FakeIntercom(workspace, clock, page_size=2) as server:
        yield server


def connector(fake, workspace, clock, token=None) -> IntercomConnector:
    settings = IntercomSettings(url=fake.url, access_token=token or workspace.token)
    return IntercomConnector("default", settings, clock=clock)


def pull(conn, clock):
    now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
    options = SyncOptions(since=now - timedelta(days=30), now=now)
    return [r for stream in conn.streams() for page in stream.pages(None, options) for r in page.records]


def test_a_conversation_with_statistics_and_rating(fake, workspace, clock):
    billing = workspace.add_team("Billing")
    ada = workspace.add_admin("Ada Admin", [billing])
    cid = workspace.add_conversation(
        created=T0,
        admin=ada,
        team=billing,
        state="closed",
        first_reply=T0 + 1800,
        business_reply_seconds=600,
        closed=T0 + 4 * 3600,
        reopens=1,
        rating=4,
        rated=T0 + 5 * 3600,
    )
    open_one = workspace.add_conversation(created=T0, admin=None, team=billing)
    records = pull(connector(fake, workspace, clock), clock)
    tickets = {r.id: r for r in records if isinstance(r, Ticket)}
    t = tickets[cid]
    assert (t.status, t.status_raw, t.solved_at) == (
        TicketStatus.SOLVED,
        "closed",
        datetime.fromtimestamp(T0 + 4 * 3600, timezone.utc),
    )
    assert (t.first_reply_minutes, t.first_reply_minutes_business) == (30, 10)
    assert (t.first_resolution_minutes, t.full_resolution_minutes, t.reopens, t.replies) == (240, 240, 1, 1)
    assert (t.assignee_id, t.group_id) == (ada, billing)
    assert t.url == f"https://app.intercom.com/a/apps/abc123/conversations/{cid}"
    assert (tickets[open_one].status, tickets[open_one].solved_at, tickets[open_one].assignee_id) == (
        TicketStatus.OPEN,
        None,
        None,
    )
    [rating] = [r for r in records if isinstance(r, Rating)]
    assert (rating.id, rating.ticket_id, rating.state, rating.scale) == (
        cid,
        cid,
        RatingState.RECEIVED,
        RatingScale.ONE_TO_FIVE,
    )
    assert (rating.score_raw, rating.positive, rating.score, rating.agent_id) == ("4", True, 0.75, ada)
    assert rating.rated_at == datetime.fromtimestamp(T0 + 5 * 3600, timezone.utc) and rating.comment == "thanks"
    assert {(m.agent_id, m.team_id) for m in records if isinstance(m, Membership)} == {(ada, billing)}
    assert {a.email for a in records if isinstance(a, Agent)} == {"ada@acme.test"}
    assert {t.name for t in records if isinstance(t, Team)} == {"Billing"}


def test_fin_alone_counts_as_volume_only_and_a_handed_over_conversation_is_human(fake, workspace, clock):
    billing = workspace.add_team("Billing")
    ada = workspace.add_admin("Ada Admin", [billing])
    alone = workspace.add_conversation(
        created=T0, admin=None, team=billing, state="closed", closed=T0 + 30, rating=5, rated=T0 + 60, fin="resolved"
    )
    routed = workspace.add_conversation(
        created=T0, admin=ada, team=billing, state="closed", first_reply=T0 + 600, closed=T0 + 1200, fin="routed"
    )
    records = pull(connector(fake, workspace, clock), clock)
    tickets = {r.id: r for r in records if isinstance(r, Ticket)}
    t = tickets[alone]
    assert t.status is TicketStatus.SOLVED and t.solved_at is not None  # volume: created and solved
    assert (t.assignee_id, t.group_id, t.first_reply_minutes, t.full_resolution_minutes, t.reopens) == (None,) * 5
    assert tickets[routed].first_reply_minutes == 10 and tickets[routed].group_id == billing
    assert [r.ticket_id for r in records if isinstance(r, Rating)] == []  # Fin's rating is not the team's CSAT


def test_search_asks_updated_at_ascending_and_follows_starting_after(fake, workspace, clock):
    for i in range(5):
        workspace.add_conversation(created=T0 + i, admin=None, team=None)
    conn = connector(fake, workspace, clock)
    now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
    since = now - timedelta(days=30)
    stream = next(s for s in conn.streams() if s.name == "tickets")
    pages = list(stream.pages(None, SyncOptions(since=since, now=now)))
    searches = fake.requests_to("/conversations/search", "POST")
    bodies = [json.loads(r.body) for r in searches]
    assert [len(p.records) for p in pages] == [2, 2, 1]
    assert bodies[0]["query"] == {
        "operator": "AND",
        "value": [{"field": "updated_at", "operator": ">", "value": int(since.timestamp()) - 1}],
    }
    assert bodies[0]["sort"] == {"field": "updated_at", "order": "ascending"}
    assert "starting_after" not in bodies[0]["pagination"]
    assert (
        bodies[1]["pagination"]["starting_after"]
        and bodies[1]["pagination"]["starting_after"] != bodies[2]["pagination"]["starting_after"]
    )
    # Cursors: one second before the newest updated_at read; the last one ends the pass.
    assert json.loads(pages[0].cursor) == {"after": T0 + 1 - 1, "high": T0 + 1}
    assert json.loads(pages[-1].cursor) == {"after": T0 + 4 - 1}


def test_a_429_waits_until_the_reset_intercom_announces(fake, workspace, clock):
    workspace.add_conversation(created=T0, admin=None, team=None)
    fake.fail("429", "POST /conversations/search", retry_after=9)
    tickets = [r for r in pull(connector(fake, workspace, clock), clock) if isinstance(r, Ticket)]
    assert len(tickets) == 1
    assert 9 in clock.slept and not fake.violations  # no Retry-After: X-RateLimit-Reset against Date


def test_check_reports_the_token_and_the_apps_permissions(fake, workspace, clock):
    workspace.add_admin("Ada Admin", [])
    good = connector(fake, workspace, clock).check()
    assert [(r.name, r.ok) for r in good] == [
        ("intercom:default access token", True),
        ("intercom:default admins and teams", True),
        ("intercom:default conversations", True),
    ]
    assert good[0].detail == "ada@acme.test in workspace Acme"
    wrong = connector(fake, workspace, clock, token="nope").check()
    assert len(wrong) == 1 and wrong[0].fix == "check INTERCOM_ACCESS_TOKEN" and "nope" not in wrong[0].detail
    fake.scopes = ("admins",)
    limited = {r.name: r for r in connector(fake, workspace, clock).check()}
    assert limited["intercom:default admins and teams"].ok
    assert not limited["intercom:default conversations"].ok
    assert "'Read conversations'" in limited["intercom:default conversations"].fix


def report(workspace, clock, tmp_path, monkeypatch, capsys, *, by: str = "overall", to: str = "2026-11-16") -> list[dict]:
    """`sync` against the fake, then `report` from 16 Nov 2026 to ``to`` as JSON: its rows."""
    monkeypatch.setattr(clocks, "default_clock", lambda: clock)
    monkeypatch.setattr(cli, "_now", lambda: datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc))
    with FakeIntercom(workspace, clock) as fake:
        monkeypatch.chdir(tmp_path)
        monkeypatch.delenv("HELPDESK_KPIS_CONFIG", raising=False)
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpis.db'}")
        monkeypatch.setenv("INTERCOM_URL", fake.url)
        monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", workspace.token)
        assert main(["sync", "--connector", "intercom"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(["report", "--from", "2026-11-16", "--to", to, "--by", by, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["rows"]


def test_report_counts_fin_in_volume_and_not_in_first_reply_or_csat(workspace, clock, tmp_path, monkeypatch, capsys):
    billing = workspace.add_team("Billing")
    ada = workspace.add_admin("Ada Admin", [billing])
    # 16 Nov 2026: two human conversations (replies after 20 and 40 minutes, one rated 5, one 2),
    # three Fin handled alone (one rated 5).
    workspace.add_conversation(
        created=T0,
        admin=ada,
        team=billing,
        state="closed",
        first_reply=T0 + 1200,
        closed=T0 + 3600,
        rating=5,
        rated=T0 + 4000,
    )
    workspace.add_conversation(
        created=T0,
        admin=ada,
        team=billing,
        state="closed",
        first_reply=T0 + 2400,
        closed=T0 + 7200,
        rating=2,
        rated=T0 + 8000,
    )
    for i in range(3):
        workspace.add_conversation(
            created=T0 + i,
            admin=None,
            team=None,
            state="closed",
            closed=T0 + 60,
            rating=5 if i == 0 else None,
            rated=T0 + 90 if i == 0 else None,
            fin="resolved",
        )
    metrics = report(workspace, clock, tmp_path, monkeypatch, capsys)[0]["metrics"]
    assert metrics["tickets_created"]["value"] == 5 and metrics["tickets_solved"]["value"] == 5
    assert metrics["first_reply_time_median"]["value"] == 30.0 and metrics["first_reply_time_median"]["n"] == 2
    assert metrics["csat"]["value"] == 50.0 and metrics["csat"]["n"] == 2


def _outbound_day(workspace) -> dict[str, str]:
    """16 Nov 2026: two conversations customers started (one answered and closed, one waiting),
    two Series messages nobody answered (one closed at once, one left open), and a message a
    teammate sent that the customer answered two hours later (answered 10 minutes after that,
    closed after 30)."""
    billing = workspace.add_team("Billing")
    ada = workspace.add_admin("Ada Admin", [billing])
    return {
        "answered": workspace.add_conversation(
            created=T0, admin=ada, team=billing, state="closed", first_reply=T0 + 600, closed=T0 + 3600
        ),
        "waiting": workspace.add_conversation(created=T0, admin=None, team=billing),
        "series closed": workspace.add_conversation(
            created=T0, admin=None, team=billing, state="closed", closed=T0 + 5, delivered_as="automated"
        ),
        "series open": workspace.add_conversation(created=T0, admin=None, team=billing, delivered_as="automated"),
        "replied to": workspace.add_conversation(
            created=T0,
            admin=ada,
            team=billing,
            state="closed",
            delivered_as="admin_initiated",
            contact_reply=T0 + 7200,
            first_reply=T0 + 7800,
            closed=T0 + 9000,
        ),
    }


def test_outbound_messages_nobody_answered_are_stored_flagged(fake, workspace, clock):
    ids = _outbound_day(workspace)
    tickets = {r.id: r for r in pull(connector(fake, workspace, clock), clock) if isinstance(r, Ticket)}
    assert len(tickets) == 5  # all kept in the store
    flagged = {name for name, cid in ids.items() if tickets[cid].is_outbound}
    assert flagged == {"series closed", "series open"}
    assert all(tickets[ids[name]].excluded for name in flagged)
    # Answered: a conversation from the customer's first message, measured from it.
    replied = tickets[ids["replied to"]]
    assert not replied.excluded and replied.created_at == datetime.fromtimestamp(T0 + 7200, timezone.utc)
    assert (replied.first_reply_minutes, replied.full_resolution_minutes) == (10, 30)


def test_report_leaves_outbound_messages_nobody_answered_out_of_volume_resolution_and_backlog(
    workspace, clock, tmp_path, monkeypatch, capsys
):
    _outbound_day(workspace)
    metrics = report(workspace, clock, tmp_path, monkeypatch, capsys)[0]["metrics"]
    # Created: answered, waiting, replied to; solved: answered and replied to; backlog: waiting.
    assert (metrics["tickets_created"]["value"], metrics["tickets_solved"]["value"]) == (3, 2)
    assert metrics["backlog"]["value"] == 1
    # Resolution: 60 minutes (answered) and 30 (replied to, from the customer's message).
    assert metrics["full_resolution_time_median"]["value"] == 45.0


def test_a_conversation_fin_could_not_answer_waits_for_its_team(workspace, clock, tmp_path, monkeypatch, capsys):
    billing = workspace.add_team("Billing")
    workspace.add_admin("Ada Admin", [billing])
    # Fin took part, gave no answer (Intercom leaves resolution_state null), the customer waits.
    cid = workspace.add_conversation(created=T0, admin=None, team=billing, fin="no_answer")
    with FakeIntercom(workspace, clock) as fake:
        [ticket] = [r for r in pull(connector(fake, workspace, clock), clock) if isinstance(r, Ticket)]
    assert (ticket.id, ticket.group_id) == (cid, billing)
    rows = report(workspace, clock, tmp_path, monkeypatch, capsys, by="team", to="2026-11-18")
    [row] = [r for r in rows if r["name"] == "Billing"]
    assert row["metrics"]["backlog"]["value"] == 1
    # No reply by the end of 18 Nov: a missed first reply (24 h target), not a ticket Fin answered.
    assert (row["metrics"]["first_reply_sla_rate"]["value"], row["metrics"]["first_reply_sla_rate"]["n"]) == (0.0, 1)


def test_fcr_and_one_touch_from_the_teammates_replies_and_the_reopens(workspace, clock, tmp_path, monkeypatch, capsys):
    billing = workspace.add_team("Billing")
    ada = workspace.add_admin("Ada Admin", [billing])
    ben = workspace.add_admin("Ben Bell", [billing])
    closed = dict(created=T0, admin=ada, team=billing, state="closed", closed=T0 + 7200)
    once = workspace.add_conversation(**closed, first_reply=T0 + 600)
    twice = workspace.add_conversation(**closed, first_reply=T0 + 600, last_reply=T0 + 3000, teammates=[ada, ben])
    reopened = workspace.add_conversation(**closed, first_reply=T0 + 600, reopens=1)
    unanswered = workspace.add_conversation(**closed)
    with FakeIntercom(workspace, clock) as fake:
        tickets = {r.id: r for r in pull(connector(fake, workspace, clock), clock) if isinstance(r, Ticket)}
    # Intercom counts no replies; its first and last teammate reply tell one from several.
    assert [tickets[c].replies for c in (once, twice, reopened, unanswered)] == [1, 2, 1, 0]
    metrics = report(workspace, clock, tmp_path, monkeypatch, capsys)[0]["metrics"]
    # One-touch: once, reopened, unanswered of 4; FCR: once and unanswered (reopened is out).
    assert (metrics["one_touch_rate"]["value"], metrics["one_touch_rate"]["n"]) == (75.0, 4)
    assert (metrics["fcr_rate"]["value"], metrics["fcr_rate"]["n"]) == (50.0, 4)


def test_a_change_the_search_index_had_not_taken_in_is_read_by_a_later_sync(fake, workspace, clock):
    cid = workspace.add_conversation(created=T0, admin=None, team=None)
    other = workspace.add_conversation(created=T0, admin=None, team=None)
    conn = connector(fake, workspace, clock)
    stream = next(s for s in conn.streams() if s.name == "tickets")

    def sync(cursor):
        now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
        pages = list(stream.pages(cursor, SyncOptions(since=now - timedelta(days=30), now=now)))
        return {r.id: r for p in pages for r in p.records if isinstance(r, Ticket)}, pages[-1].cursor

    _, cursor = sync(None)
    clock.advance(60)
    workspace.touch(cid, state="closed", open=False, index_lag=120)  # indexed two minutes later
    clock.advance(5)
    workspace.touch(other, title="Renamed")  # indexed at once
    seen, cursor = sync(cursor)
    assert seen[cid].status is TicketStatus.OPEN  # the search still serves it as it was
    clock.advance(300)
    seen, cursor = sync(cursor)
    assert seen[cid].status is TicketStatus.SOLVED


def test_requests_keep_within_intercoms_10_second_windows(workspace, clock):
    for i in range(30):
        workspace.add_conversation(created=T0 + i, admin=None, team=None)
    # 60 a minute: 10 in each 10-second window, as X-RateLimit-Limit says on every answer.
    with FakeIntercom(workspace, clock, page_size=1, per_minute=60) as fake:
        tickets = [r for r in pull(connector(fake, workspace, clock), clock) if isinstance(r, Ticket)]
        statuses = [entry.status for entry in fake.log]
    assert len(tickets) == 30
    assert set(statuses) == {200}  # never refused
    # 33 requests (me, teams, admins, 30 pages), at most 8 a window (2 kept in reserve): 5 windows.
    assert len(statuses) == 33 and sum(clock.slept) >= 30
