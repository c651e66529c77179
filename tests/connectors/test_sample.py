"""The sample connector: a synthetic helpdesk that looks real, is reproducible and syncs like one."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from connectors import registry
from connectors.base import STREAM_ORDER, SyncOptions
from connectors.sample import SampleConnector, SampleSettings
from kpis.errors import ConfigError
from kpis.imported_records import SurveyAnswer
from kpis.records import Agent, Membership, Rating, RatingScale, RatingState, SurveyKind, Team, Ticket, TicketStatus
from kpis.store import Store

NOW = datetime(2026, 11, 8, 14, 30, 27, 123456, tzinfo=timezone.utc)
ANCHOR = NOW.replace(microsecond=0)
KINDS = {"teams": Team, "agents": Agent, "memberships": Membership, "tickets": Ticket, "ratings": Rating,
         "survey_answers": SurveyAnswer}


def options(now: datetime = NOW) -> SyncOptions:
    return SyncOptions(since=now - timedelta(days=90), now=now)


def sync(connector: SampleConnector, now: datetime = NOW, cursors: dict | None = None) -> dict[str, list]:
    """Every record of every stream, as a sync from ``cursors`` (fresh when None) would see them."""
    cursors = cursors or {}
    return {
        stream.name: [r for page in stream.pages(cursors.get(stream.name), options(now)) for r in page.records]
        for stream in connector.streams()
    }


@pytest.fixture(scope="module")
def data() -> dict[str, list]:
    return sync(SampleConnector("demo"))


def test_registered_with_its_settings_and_bad_settings_name_the_key():
    assert "sample" in registry.known_sources()
    assert registry.spec_for("sample").settings_model is SampleSettings
    connector = registry.build("sample", "demo", {"tickets": 500, "days": 7})
    assert isinstance(connector, SampleConnector) and connector.label == "sample:demo"
    assert [s.name for s in connector.streams()] == [*STREAM_ORDER, "accounts"]
    with pytest.raises(ConfigError, match="tickts"):
        registry.build("sample", "demo", {"tickts": 5})
    with pytest.raises(ConfigError, match="at least teams"):
        registry.build("sample", "demo", {"teams": 8, "agents": 4})


def test_two_runs_give_identical_records(data):
    assert sync(SampleConnector("demo")) == data


def test_directory_has_named_teams_and_distinct_agents_in_every_team(data):
    teams, agents, memberships = data["teams"], data["agents"], data["memberships"]
    assert [t.name for t in teams] == ["Billing", "Technical Support", "Onboarding", "Enterprise", "Returns"]
    assert len(agents) == 30
    assert len({a.name for a in agents}) == 30 and len({a.email for a in agents}) == 30
    assert all(a.email.endswith("@example.com") for a in agents)
    assert {m.team_id for m in memberships} == {t.id for t in teams}
    assert {m.agent_id for m in memberships} == {a.id for a in agents}


def test_volume_follows_weekdays_and_business_hours(data):
    tickets = data["tickets"]
    assert len(tickets) == 6000
    days = Counter(t.created_at.date() for t in tickets)
    weekday = [n for d, n in days.items() if d.weekday() < 5]
    weekend = [n for d, n in days.items() if d.weekday() >= 5]
    assert sum(weekday) / len(weekday) > 2 * sum(weekend) / len(weekend)
    daytime = sum(9 <= t.created_at.hour < 17 for t in tickets)
    assert daytime > 0.5 * len(tickets)  # a third of the day takes more than half the tickets
    assert [int(t.id) for t in tickets] == sorted(int(t.id) for t in tickets)
    assert [t.created_at for t in tickets] == sorted(t.created_at for t in tickets)


def test_tickets_cover_every_case_the_kpis_distinguish(data):
    tickets, ratings = data["tickets"], data["ratings"]
    by_id = {t.id: t for t in tickets}
    assert 0.03 < sum(t.assignee_id is None for t in tickets) / len(tickets) < 0.08
    assert any(t.assignee_id is None and t.group_id is None for t in tickets)
    assert 0.05 < sum(t.reopens > 0 for t in tickets) / len(tickets) < 0.11
    assert all(t.full_resolution_minutes > t.first_resolution_minutes for t in tickets if t.reopens and t.solved_at)
    assert all(t.status is TicketStatus.DELETED for t in tickets if t.is_deleted)
    merged = [t for t in tickets if t.is_merged]
    assert merged and all(t.status is TicketStatus.CLOSED and "closed_by_merge" in t.tags for t in merged)
    assert 0.005 < sum(t.is_deleted for t in tickets) / len(tickets) < 0.02
    assert any(t.is_spam for t in tickets)
    assert {t.priority.value for t in tickets} == {"low", "normal", "high", "urgent"}
    assert {t.channel for t in tickets} == {"email", "web", "chat", "api", "phone"}
    assert Counter(t.replies for t in tickets if t.solved_at).most_common(1)[0][0] == 1  # mostly one-touch
    assert any(t.solved_at and t.replies == 0 and not t.excluded for t in tickets)  # solved with no reply
    assert {TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.SOLVED} <= {
        t.status for t in tickets}
    reassigned = [r for r in ratings if r.agent_id != by_id[r.ticket_id].assignee_id]
    assert 0 < len(reassigned) < 0.15 * len(ratings)
    assert all(t.url == f"https://sample.example.com/tickets/{t.id}" and t.subject for t in tickets)


def test_ratings_and_surveys_look_like_customers_answered_them(data):
    ratings, answers = data["ratings"], data["survey_answers"]
    assert len({r.id for r in ratings}) == len(ratings)
    assert all(r.scale is RatingScale.GOOD_BAD for r in ratings)
    received = [r for r in ratings if r.state is RatingState.RECEIVED]
    offered = [r for r in ratings if r.state is RatingState.OFFERED]
    assert offered and all(r.rated_at is None and r.positive is None and r.score_raw == "offered" for r in offered)
    assert 0.5 < len(received) / len(ratings) < 0.7
    good = [r for r in received if r.positive]
    bad = [r for r in received if not r.positive]
    assert 0.78 < len(good) / len(received) < 0.92
    assert all(r.score_raw == "good" and r.score == 1.0 for r in good)
    assert all(r.score_raw == "bad" and r.score == 0.0 for r in bad)
    assert sum(r.comment is not None for r in bad) > 0.5 * len(bad) and any(r.reason for r in bad)
    assert any(r.comment for r in good) and not any(r.reason for r in good)
    assert all(r.rated_at > r.offered_at and r.updated_at == r.rated_at for r in received)
    nps = [a for a in answers if a.kind is SurveyKind.NPS]
    ces = [a for a in answers if a.kind is SurveyKind.CES]
    assert nps and all(a.value == int(a.value) and (a.scale_min, a.scale_max) == (0, 10) for a in nps)
    assert {a.value >= 9 for a in nps} == {True, False}
    assert ces and all(1 <= a.value <= 7 and a.higher_is_better for a in ces)
    assert any(a.comment for a in answers) and all(a.agent_id and a.team_id for a in answers)


def test_nothing_happens_after_now_and_times_are_whole_utc_seconds(data):
    stamps = [t for t in data["tickets"] for t in (t.created_at, t.updated_at, t.solved_at)]
    stamps += [r for r in data["ratings"] for r in (r.offered_at, r.rated_at, r.updated_at)]
    stamps += [a.answered_at for a in data["survey_answers"]]
    stamps = [s for s in stamps if s is not None]
    assert max(stamps) <= ANCHOR
    assert min(stamps) >= ANCHOR - timedelta(days=42)
    assert all(s.tzinfo is timezone.utc and s.microsecond == 0 for s in stamps)


def test_solved_tickets_carry_their_resolution_and_unsolved_ones_none(data):
    tickets = data["tickets"]
    solved = [t for t in tickets if t.status in (TicketStatus.SOLVED, TicketStatus.CLOSED)]
    unsolved = [t for t in tickets if t.status not in (TicketStatus.SOLVED, TicketStatus.CLOSED)]
    for t in solved:
        assert t.solved_at == t.created_at + timedelta(minutes=t.full_resolution_minutes)
        assert t.first_resolution_minutes <= t.full_resolution_minutes
        assert t.full_resolution_minutes_business <= t.full_resolution_minutes
        assert t.status is TicketStatus.CLOSED or ANCHOR - t.solved_at < timedelta(days=4)
    for t in unsolved:
        assert t.solved_at is None and t.full_resolution_minutes is None
        assert t.first_resolution_minutes is None or t.reopens > 0  # solved once, reopened since
    recent = [t for t in tickets if ANCHOR - t.created_at < timedelta(hours=6)]
    assert sum(t.solved_at is None for t in recent) > len(recent) / 2
    unreplied = [t for t in tickets if t.first_reply_minutes is None]
    assert unreplied and all(t.replies == 0 and t.first_reply_minutes_business is None for t in unreplied)
    replied = [t for t in tickets if t.first_reply_minutes is not None]
    assert all(t.first_reply_minutes_business <= t.first_reply_minutes for t in replied)


def test_resuming_from_a_mid_stream_cursor_continues_the_same_records():
    settings = SampleSettings(tickets=2500, page_size=500)
    pages = {}
    for stream in SampleConnector("demo", settings).streams():
        pages[stream.name] = list(stream.pages(None, options()))
    later = NOW + timedelta(days=3)  # the resumed sync runs days later: the data must not move
    for stream in SampleConnector("demo", settings).streams():
        if stream.name in ("tickets", "ratings", "survey_answers"):
            assert len(pages[stream.name]) == 5
            resumed = list(stream.pages(pages[stream.name][1].cursor, options(later)))
            assert [p.records for p in resumed] == [p.records for p in pages[stream.name][2:]]
            assert [p.cursor for p in resumed] == [p.cursor for p in pages[stream.name][2:]]
        assert list(stream.pages(pages[stream.name][-1].cursor, options(later))) == []
    assert json.loads(pages["tickets"][1].cursor)["next_page"] == 2
    assert json.loads(pages["tickets"][1].cursor)["anchor"] == ANCHOR.isoformat()


def test_stream_starting_after_an_interruption_keeps_the_first_syncs_now():
    settings = SampleSettings(tickets=1500, page_size=500)
    first = {s.name: list(s.pages(None, options())) for s in SampleConnector("demo", settings).streams()[:4]}
    cursors = {name: pages[-1].cursor for name, pages in first.items()}  # killed before the ratings
    resumed = sync(SampleConnector("demo", settings), NOW + timedelta(days=1), cursors)
    assert resumed["tickets"] == []
    assert resumed["ratings"] == sync(SampleConnector("demo", settings))["ratings"]


def test_explicit_anchor_and_changed_settings_start_the_streams_over():
    fixed = SampleSettings(tickets=300, anchor=datetime(2026, 1, 15, 12, 0, 0, 987))
    tickets = SampleConnector("demo", fixed).streams()[3]
    cursor = list(tickets.pages(None, options()))[-1].cursor
    assert json.loads(cursor)["anchor"] == "2026-01-15T12:00:00+00:00"
    assert list(tickets.pages(cursor, options())) == []
    bigger = SampleConnector("demo", fixed.model_copy(update={"tickets": 400})).streams()[3]
    assert sum(len(p.records) for p in bigger.pages(cursor, options())) == 400


def test_sync_into_the_store_then_again_writes_nothing_new(tmp_path, data):
    store = Store.open(f"sqlite:///{tmp_path}/s.db")
    connector = SampleConnector("demo")

    def run() -> int:
        written = 0
        for stream in connector.streams():
            for page in stream.pages(store.cursor("sample", "demo", stream.name), options()):
                store.write_page("sample", "demo", stream.name, page.records, page.cursor)
                written += len(page.records)
        return written

    assert run() == sum(len(records) for records in data.values())
    counts = {name: store.count(kind) for name, kind in KINDS.items()}
    assert counts == {name: len(data[name]) for name in KINDS}
    assert run() == 0
    assert {name: store.count(kind) for name, kind in KINDS.items()} == counts
    assert list(store.iter_records(Rating))[:50] == sorted(data["ratings"], key=lambda r: r.id)[:50]
    store.close()


def test_scale_knob_gives_that_many_tickets_and_about_a_quarter_as_many_ratings():
    big = sync(SampleConnector("big", SampleSettings(tickets=20_000, teams=8, agents=60)))
    assert len(big["tickets"]) == 20_000 and len({t.id for t in big["tickets"]}) == 20_000
    assert 0.2 < len(big["ratings"]) / 20_000 < 0.3
    assert len(big["teams"]) == 8 and len(big["agents"]) == 60
    assert len({t.name for t in big["teams"]}) == 8
