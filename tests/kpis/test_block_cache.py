"""The store's KPI block cache gives exactly the report the records give, on SQLite and PostgreSQL.

Each case stores records, reads a report (which builds and stores the blocks), changes records
the way a later sync would, and checks that the report read through the cache equals the one read
with the cache ignored (``cached=False``) and the one computed from the records themselves
(``from_records``, which never touches the store).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text, update

from connectors import registry
from connectors.base import SyncOptions
from kpis.columnar.cache import refresh
from kpis.columnar.layout import FORMAT
from kpis.engine import compute_report
from kpis.imported_records import SurveyAnswer
from kpis.query import load_kpi_data
from kpis.records import (
    Agent,
    Membership,
    Priority,
    Rating,
    RatingScale,
    RatingState,
    SurveyKind,
    Team,
    Ticket,
    TicketStatus,
)
from kpis.store import Store
from kpis.store.schema import kpi_block_days
from kpis.windows import window_between
from tests.kpis.builders import from_records

UTC = ZoneInfo("UTC")
W = window_between(date(2026, 11, 8), date(2026, 11, 14), UTC)  # previous: Nov 1-7
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
SCOPES = ("overall", "team", "agent")
DIRECTORY = [
    Team("zendesk", "acme", "g1", "Billing"), Team("zendesk", "acme", "g2", "Returns"),
    Agent("zendesk", "acme", "a1", "Ann"), Agent("zendesk", "acme", "a2", "Bob"), Agent("zendesk", "acme", "a3", "Cy"),
    Membership("zendesk", "acme", "a1", "g1"), Membership("zendesk", "acme", "a2", "g2"),
    Membership("zendesk", "acme", "a3", "g2"),
]


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=timezone.utc)


def ticket(vendor_id: str, created: datetime, solved: datetime | None = None, **kw) -> Ticket:
    updated = kw.pop("updated_at", created)
    status = TicketStatus.SOLVED if solved else TicketStatus.OPEN
    fields = dict(status=status, status_raw=status.value, assignee_id="a1", group_id="g1", replies=1, reopens=0,
                  priority=Priority.NORMAL, first_reply_minutes=30.0, first_reply_minutes_business=20.0,
                  url=f"https://acme.example.com/tickets/{vendor_id}", subject=f"Ticket {vendor_id}")
    if solved:
        minutes = (solved - created).total_seconds() / 60
        fields.update(first_resolution_minutes=minutes, full_resolution_minutes=minutes,
                      first_resolution_minutes_business=minutes // 2, full_resolution_minutes_business=minutes // 2)
    fields.update(kw)
    return Ticket("zendesk", "acme", vendor_id, created, updated, solved_at=solved, **fields)


def rating(vendor_id: str, ticket_id: str, good: bool, rated: datetime, **kw) -> Rating:
    offered = kw.pop("offered", rated - timedelta(hours=2))
    fields = dict(agent_id="a1", team_id="g1", comment=None if good else "Too slow")
    fields.update(kw)
    return Rating("zendesk", "acme", vendor_id, ticket_id, RatingState.RECEIVED, RatingScale.GOOD_BAD, offered,
                  rated_at=rated, score_raw="good" if good else "bad", positive=good, score=1.0 if good else 0.0,
                  updated_at=rated, **fields)


def answer(vendor_id: str, ticket_id: str, value: float, when: datetime, kind: SurveyKind = SurveyKind.NPS,
           **kw) -> SurveyAnswer:
    low, high = (0.0, 10.0) if kind is SurveyKind.NPS else (1.0, 7.0)
    return SurveyAnswer("zendesk", "acme", vendor_id, kind, value, when, low, high, ticket_id=ticket_id, **kw)


def base_records() -> dict[str, object]:
    """Tickets on several days of W and its previous window, with ratings and survey answers."""
    records = {}
    for i, (created, solved, agent, team) in enumerate([
        (at(2), at(2, 15), "a1", "g1"), (at(3), at(9), "a2", "g2"), (at(5), None, "a1", "g1"),
        (at(8), at(8, 12), "a3", "g2"), (at(9), at(10), "a1", "g1"), (at(9, 14), None, "a2", "g2"),
        (at(11), at(12), "a2", "g2"), (at(13), at(13, 11), "a1", "g1"), (at(14, 23), None, None, None),
    ]):
        records[f"t{i}"] = ticket(f"t{i}", created, solved, assignee_id=agent, group_id=team,
                                  first_reply_minutes=10.0 * (i + 1), replies=1 + i % 3, reopens=i % 2)
    records["r1"] = rating("r1", "t1", True, at(9, 16), agent_id="a2", team_id="g2")
    records["r4"] = rating("r4", "t4", False, at(10, 13))
    records["r6"] = rating("r6", "t6", True, at(12, 18), agent_id=None, team_id=None)  # follows the ticket
    records["r7"] = rating("r7", "t7", False, at(13, 15), comment="Still broken", reason="The issue was not resolved")
    records["n4"] = answer("n4", "t4", 9, at(10, 18))
    records["n6"] = answer("n6", "t6", 3, at(12, 20), agent_id=None)
    records["c7"] = answer("c7", "t7", 6, at(13, 19), SurveyKind.CES)
    return records


def write(store: Store, *records: object) -> None:
    store.write_page("zendesk", "acme", "test", list(records), None)


def reports(data) -> dict:  # noqa: ANN001
    return {scope: compute_report(data, W, now=NOW, by=scope) for scope in SCOPES}


def rows_by_id(report) -> dict:  # noqa: ANN001
    return {row.id: row for row in report.rows}


def assert_cache_matches_records(store: Store, records: dict[str, object]) -> dict:
    start, end = W.previous().start, W.end
    cached = reports(load_kpi_data(store, start, end))
    assert cached == reports(load_kpi_data(store, start, end, cached=False))
    assert cached == reports(load_kpi_data(store, start, end))  # now from the blocks stored by the first read
    expected = reports(from_records(
        [r for r in records.values() if isinstance(r, Ticket)], [r for r in records.values() if isinstance(r, Rating)],
        [r for r in records.values() if isinstance(r, SurveyAnswer)],
        DIRECTORY[:2], DIRECTORY[2:5], DIRECTORY[5:],
    ))
    for scope in SCOPES:
        assert rows_by_id(cached[scope]) == rows_by_id(expected[scope]), scope
    return cached


@pytest.fixture
def store(store_url) -> Store:
    store = Store.open(store_url)
    write(store, *DIRECTORY)
    return store


def test_cached_report_equals_the_records_report_and_later_reads_use_stored_blocks(store):
    records = base_records()
    write(store, *records.values())
    report = assert_cache_matches_records(store, records)
    assert rows_by_id(report["overall"])["overall"].metrics["tickets_created"].value == 6  # t3..t8
    with store.engine.connect() as connection:
        days = connection.execute(select(kpi_block_days)).all()
    assert days and all(day.built == day.generation and day.format == FORMAT for day in days)


def test_ticket_changed_after_caching_is_reported_as_changed(store):
    records = base_records()
    write(store, *records.values())
    assert_cache_matches_records(store, records)
    # t5 gets solved, t4 moves to Bob in Returns, t6 (whose rating has no agent of its own) to Cy.
    records["t5"] = replace(records["t5"], solved_at=at(12), status=TicketStatus.SOLVED, updated_at=at(12),
                            full_resolution_minutes=4200.0, first_resolution_minutes=4200.0)
    records["t4"] = replace(records["t4"], assignee_id="a2", group_id="g2", updated_at=at(15))
    records["t6"] = replace(records["t6"], assignee_id="a3", updated_at=at(15))
    write(store, records["t5"], records["t4"], records["t6"])
    report = assert_cache_matches_records(store, records)
    agents = {row.name: row for row in report["agent"].rows}
    assert agents["Cy"].metrics["csat"].n == 1  # r6 follows its ticket's new assignee
    assert agents["Ann"].metrics["csat"].n == 2  # r4 stays with Ann, who had t4 when it was rated


def test_new_tickets_in_an_already_cached_day(store):
    records = base_records()
    write(store, *records.values())
    assert_cache_matches_records(store, records)
    records["t20"] = ticket("t20", at(9, 17), at(9, 18), assignee_id="a3", group_id="g2", first_reply_minutes=5.0)
    records["t21"] = ticket("t21", at(2, 8), None, assignee_id="a2", group_id="g2")
    write(store, records["t20"], records["t21"])
    report = assert_cache_matches_records(store, records)
    assert rows_by_id(report["overall"])["overall"].metrics["tickets_created"].value == 7  # t3..t8 and t20


def test_deleted_and_merged_tickets_leave_with_their_ratings_and_answers(store):
    records = base_records()
    write(store, *records.values())
    assert_cache_matches_records(store, records)
    records["t4"] = replace(records["t4"], is_deleted=True, status=TicketStatus.DELETED, status_raw="deleted",
                            updated_at=at(15))
    records["t7"] = replace(records["t7"], is_merged=True, tags=("closed_by_merge",), updated_at=at(15))
    write(store, records["t4"], records["t7"])
    report = assert_cache_matches_records(store, records)
    overall = rows_by_id(report["overall"])["overall"].metrics
    assert overall["csat"].n == 2 and overall["low_rated"].n == 0  # r4 and r7 went with their tickets
    assert overall["nps"].n == 1 and overall["ces"].n == 0


def test_rating_changed_from_good_to_bad_later_is_dated_by_its_change(store):
    records = base_records()
    write(store, *records.values())
    assert_cache_matches_records(store, records)
    # r1 (offered Nov 9) changed on Nov 13; r7 changed from bad to good.
    records["r1"] = replace(records["r1"], rated_at=at(13, 9), positive=False, score=0.0, score_raw="bad",
                            comment="Broke again", updated_at=at(13, 9))
    records["r7"] = replace(records["r7"], positive=True, score=1.0, score_raw="good", comment=None,
                            updated_at=at(14, 9), rated_at=at(14, 9))
    write(store, records["r1"], records["r7"])
    report = assert_cache_matches_records(store, records)
    low = rows_by_id(report["overall"])["overall"].metrics["low_rated"]
    assert [item["comment"] for item in low.items] == ["Broke again", "Too slow"]


def test_ticket_whose_creation_time_moves_leaves_its_old_day(store):
    records = base_records()
    write(store, *records.values())
    assert_cache_matches_records(store, records)
    records["t4"] = replace(records["t4"], created_at=at(3), updated_at=at(16))  # a corrected import
    write(store, records["t4"])
    assert_cache_matches_records(store, records)


def test_long_open_tickets_and_late_rating_changes_from_before_the_blocks(store):
    records = base_records()
    # Created two months before W: still open, or solved inside W; a rating changed a month after its offer.
    records["old_open"] = ticket("old_open", datetime(2026, 9, 1, tzinfo=timezone.utc), None, priority=Priority.HIGH)
    records["old_solved"] = ticket("old_solved", datetime(2026, 9, 2, tzinfo=timezone.utc), at(10), assignee_id="a3",
                                   group_id="g2")
    records["late"] = rating("late", "old_solved", False, at(11), offered=datetime(2026, 9, 20, tzinfo=timezone.utc),
                             agent_id="a3", team_id="g2", comment="Months later, still broken")
    records["old_deleted"] = ticket("old_deleted", datetime(2026, 9, 3, tzinfo=timezone.utc), None, is_deleted=True)
    write(store, *records.values())
    report = assert_cache_matches_records(store, {k: v for k, v in records.items() if k != "old_deleted"})
    overall = rows_by_id(report["overall"])["overall"].metrics
    assert overall["backlog"].splits["by_age"][">7d"] == 2  # old_open and t2 (Nov 5) at W.end
    assert overall["tickets_solved"].value == 6  # t1, t3, t4, t6, t7 and old_solved
    assert [i["comment"] for i in overall["low_rated"].items] == ["Still broken", "Months later, still broken",
                                                                  "Too slow"]


def test_one_teams_read_gives_that_teams_row_of_the_full_read(store):
    records = base_records()
    write(store, *records.values())
    full = reports(load_kpi_data(store, W.previous().start, W.end))
    for name in ("Returns", "zendesk:acme:g1"):
        narrowed = load_kpi_data(store, W.previous().start, W.end, team=name)
        team_row = compute_report(narrowed, W, now=NOW, by="team", team=name).rows
        assert team_row == compute_report(load_kpi_data(store, W.previous().start, W.end), W, now=NOW, by="team",
                                          team=name).rows
        assert team_row[0] in full["team"].rows


def test_blocks_of_another_format_are_rebuilt_not_misread(store):
    records = base_records()
    write(store, *records.values())
    before = reports(load_kpi_data(store, W.previous().start, W.end))
    with store.engine.begin() as connection:
        connection.execute(update(kpi_block_days).values(format=FORMAT + 1))
        connection.execute(text("UPDATE kpi_blocks SET data = :junk"), {"junk": b"\x00" * 8})
    assert reports(load_kpi_data(store, W.previous().start, W.end)) == before


def test_a_write_racing_a_rebuild_leaves_the_day_stale(store, monkeypatch):
    records = base_records()
    write(store, *records.values())
    from kpis.columnar import day_blocks as blocks

    real_rebuild = blocks.rebuild

    def rebuild_then_sync_writes(connection, kind, days, codes, generations):  # noqa: ANN001
        rebuilt = list(real_rebuild(connection, kind, days, codes, generations))
        if kind == "tickets" and days:  # a sync stores a new ticket while the read packs the old ones
            write(store, ticket("late_arrival", at(9, 20), None, assignee_id="a2", group_id="g2"))
        return iter(rebuilt)

    monkeypatch.setattr(blocks, "rebuild", rebuild_then_sync_writes)
    load_kpi_data(store, W.previous().start, W.end)
    monkeypatch.undo()
    records["late_arrival"] = ticket("late_arrival", at(9, 20), None, assignee_id="a2", group_id="g2")
    assert_cache_matches_records(store, records)


def test_a_synced_sample_helpdesk_reads_the_same_through_the_cache(store_url):
    store = Store.open(store_url)
    connector = registry.build("sample", "s", {"tickets": 3000, "days": 30, "teams": 4, "agents": 12,
                                               "anchor": NOW, "page_size": 500})
    options = SyncOptions(since=NOW - timedelta(days=30), now=NOW)
    for stream in connector.streams():
        for page in stream.pages(None, options):
            store.write_page("sample", "s", stream.name, page.records, page.cursor)
    assert refresh(store) > 0
    window = window_between(date(2026, 11, 6), date(2026, 11, 19), UTC)
    span = (window.previous().start, window.end)
    cached = {scope: compute_report(load_kpi_data(store, *span), window, now=NOW, by=scope) for scope in SCOPES}
    uncached = {scope: compute_report(load_kpi_data(store, *span, cached=False), window, now=NOW, by=scope)
                for scope in SCOPES}
    assert cached == uncached
    assert cached["overall"].rows[0].metrics["tickets_created"].value > 1000
    assert refresh(store) == 0  # nothing stale after reading


def test_sqlite_finds_long_open_tickets_through_the_partial_index(sqlite_url):
    store = Store.open(sqlite_url)
    from kpis.columnar.assemble import _older_rows  # noqa: PLC2701 - the query whose plan matters
    from kpis.columnar.keys import KeyCodes

    statements = []
    with store.engine.connect() as connection:
        from sqlalchemy import event

        @event.listens_for(connection, "before_cursor_execute")
        def remember(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
            statements.append((statement, parameters))

        _older_rows(connection, "tickets", 1_800_000_000, 1_800_600_000, 20_817, KeyCodes.load(connection), None)
        statement, parameters = next(s for s in statements if "FROM tickets" in s[0])
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    assert all("ix_tickets_long_lived" in step[-1] for step in plan if "tickets" in step[-1])
