"""The store, on SQLite and on PostgreSQL: migrations, idempotent upserts, atomic pages, bad stores."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text

from kpis.errors import ConfigError, StoreBusy, StoreVersionError
from kpis.imported_records import SurveyAnswer
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
from kpis.store import store as store_module

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)


def ticket(vendor_id: str, **changes) -> Ticket:
    base = Ticket(
        source="zendesk", instance="acme", id=vendor_id, created_at=T0, updated_at=T0,
        status=TicketStatus.OPEN, status_raw="open", priority=Priority.HIGH, assignee_id="7", group_id="3",
        tags=("vip", "billing"), first_reply_minutes=42.0, replies=1, reopens=0, subject="Refund?",
    )
    return replace(base, **changes)


def rating(vendor_id: str, **changes) -> Rating:
    base = Rating(
        source="zendesk", instance="acme", id=vendor_id, ticket_id="1", state=RatingState.RECEIVED,
        scale=RatingScale.GOOD_BAD, offered_at=T0, rated_at=T0 + timedelta(hours=1), score_raw="good",
        positive=True, score=1.0, agent_id="7", team_id="3", updated_at=T0 + timedelta(hours=1),
    )
    return replace(base, **changes)


def test_first_open_creates_every_table_and_reopening_changes_nothing(store_url):
    store = Store.open(store_url)
    names = set(inspect(store.engine).get_table_names())
    assert {"tickets", "ratings", "survey_answers", "agents", "teams", "memberships", "sync_state",
            "sent_messages", "alert_states", "alembic_version"} <= names
    store.write_page("zendesk", "acme", "tickets", [ticket("1")], '{"after": "a"}')
    store.close()
    again = Store.open(store_url)
    assert again.count(Ticket) == 1
    assert again.cursor("zendesk", "acme", "tickets") == '{"after": "a"}'


def test_every_record_kind_round_trips_unchanged(store_url):
    store = Store.open(store_url)
    records = [
        Team("zendesk", "acme", "3", "Billing"),
        Agent("zendesk", "acme", "7", "Ann Lee", email="ann@example.com"),
        Membership("zendesk", "acme", "7", "3"),
        ticket("1", solved_at=T0 + timedelta(days=1), status=TicketStatus.SOLVED, status_raw="solved"),
        rating("r1", comment="Quick!", reason="Fast"),
        SurveyAnswer("zendesk", "acme", "n1", SurveyKind.NPS, 9, T0, 0, 10, ticket_id="1"),
    ]
    store.write_page("zendesk", "acme", "mixed", records, None)
    for record in records:
        stored = list(store.iter_records(type(record)))
        assert stored == [record]


def test_writing_the_same_page_twice_duplicates_nothing(store_url):
    store = Store.open(store_url)
    page = [ticket(str(i)) for i in range(50)] + [ticket("7")]  # a page may repeat a record
    store.write_page("zendesk", "acme", "tickets", page, "c1")
    store.write_page("zendesk", "acme", "tickets", page, "c1")
    assert store.count(Ticket) == 50


def test_a_changed_record_replaces_its_row_and_an_older_one_does_not(store_url):
    store = Store.open(store_url)
    store.write_page("zendesk", "acme", "tickets", [ticket("1")], "c1")
    solved = ticket("1", updated_at=T0 + timedelta(hours=5), solved_at=T0 + timedelta(hours=5),
                    status=TicketStatus.SOLVED, status_raw="solved", assignee_id="8")
    store.write_page("zendesk", "acme", "tickets", [solved], "c2")
    assert list(store.iter_records(Ticket)) == [solved]
    # A stale copy (replayed page, racing sync) must not roll the ticket back.
    store.write_page("zendesk", "acme", "tickets", [ticket("1")], "c3")
    assert list(store.iter_records(Ticket)) == [solved]


def test_same_vendor_id_from_two_instances_are_two_records(store_url):
    store = Store.open(store_url)
    store.write_page("zendesk", "acme", "tickets", [ticket("1")], None)
    store.write_page("zendesk", "globex", "tickets", [replace(ticket("1"), instance="globex")], None)
    assert store.count(Ticket) == 2


def test_a_page_and_its_cursor_commit_together_or_not_at_all(store_url, monkeypatch):
    store = Store.open(store_url)
    store.write_page("zendesk", "acme", "tickets", [ticket("1")], "before")
    real = store_module.upsert_rows

    def fail_on_cursor(connection, table, rows):
        if table.name == "sync_state":
            raise RuntimeError("killed between the records and the cursor")
        real(connection, table, rows)

    monkeypatch.setattr(store_module, "upsert_rows", fail_on_cursor)
    with pytest.raises(RuntimeError):
        store.write_page("zendesk", "acme", "tickets", [ticket("2"), ticket("3")], "after")
    assert store.count(Ticket) == 1
    assert store.cursor("zendesk", "acme", "tickets") == "before"


def test_full_resync_forgets_cursors_but_keeps_records(store_url):
    store = Store.open(store_url)
    store.write_page("zendesk", "acme", "tickets", [ticket("1")], "c9")
    store.write_page("zendesk", "other", "tickets", [], "keep")
    store.reset_cursors("zendesk", "acme")
    assert store.cursor("zendesk", "acme", "tickets") is None
    assert store.cursor("zendesk", "other", "tickets") == "keep"
    assert store.count(Ticket) == 1


def test_a_store_from_a_newer_release_is_refused_untouched(store_url):
    store = Store.open(store_url)
    store.write_page("zendesk", "acme", "tickets", [ticket("1")], None)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    store.close()
    with pytest.raises(StoreVersionError, match="newer helpdesk-kpis"):
        Store.open(store_url)
    with store.engine.connect() as connection:  # raw access: the refused store is as it was
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "9999_future"
        assert connection.execute(text("SELECT count(*) FROM tickets")).scalar_one() == 1


def test_a_locked_sqlite_store_fails_with_one_line_and_keeps_its_data(tmp_path):
    path = tmp_path / "store.db"
    store = Store.open(f"sqlite:///{path}", lock_timeout=0.2)
    store.write_page("zendesk", "acme", "tickets", [ticket("1")], "c1")
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")  # another process mid-write
    try:
        with pytest.raises(StoreBusy, match="locked by another process"):
            store.write_page("zendesk", "acme", "tickets", [ticket("2")], "c2")
    finally:
        holder.rollback()
        holder.close()
    assert store.count(Ticket) == 1
    assert store.cursor("zendesk", "acme", "tickets") == "c1"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "DATABASE_URL is not a database URL"),
        ("mysql://root@localhost/x", "SQLite"),
        ("sqlite:////no/such/folder/x.db", "does not exist"),
    ],
)
def test_an_unusable_database_url_is_a_config_error(url, message):
    with pytest.raises(ConfigError, match=message):
        Store.open(url)


def test_sqlite_store_runs_in_wal_mode(sqlite_url):
    store = Store.open(sqlite_url)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
