"""Days of blocks kept in the reading process's memory: the same report as the records give, and
never a day's old blocks once a write touched it (SQLite and PostgreSQL, as the block cache)."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone
from types import SimpleNamespace

from sqlalchemy import update

from kpis.columnar import day_blocks
from kpis.columnar.cache import refresh
from kpis.columnar.memo import DayMemo
from kpis.engine import compute_report
from kpis.query import load_kpi_data
from kpis.records import TicketStatus
from kpis.store import staleness
from kpis.store.schema import kpi_block_days
from tests.kpis.test_block_cache import (  # noqa: F401 - store: the fixture
    DIRECTORY,
    NOW,
    W,
    at,
    base_records,
    reports,
    store,
    ticket,
    write,
)

START, END = W.previous().start, W.end


def created(report, team: str) -> float:  # noqa: ANN001
    return next(row for row in report.rows if row.name == team).metrics["tickets_created"].value


def test_remembered_days_give_the_records_report_and_follow_a_write(store):  # noqa: F811 - the fixture
    records = base_records()
    write(store, *DIRECTORY, *records.values())
    memo = DayMemo()
    first = reports(load_kpi_data(store, START, END, memo=memo))  # rebuilt from the records, remembered
    assert memo.size > 0
    assert first == reports(load_kpi_data(store, START, END, cached=False))
    assert reports(load_kpi_data(store, START, END, memo=memo)) == first  # from memory

    # Created in W (Nov 8-14): Billing t4 and t7, Returns t3, t5 and t6. A later sync moves t4 to Returns.
    assert (created(first["team"], "Billing"), created(first["team"], "Returns")) == (2, 3)
    write(store, replace(records["t4"], group_id="g2", assignee_id="a2", updated_at=at(15)))
    again = reports(load_kpi_data(store, START, END, memo=memo))
    assert (created(again["team"], "Billing"), created(again["team"], "Returns")) == (1, 4)
    assert again == reports(load_kpi_data(store, START, END, cached=False))


def test_a_memory_smaller_than_a_day_keeps_nothing_and_reads_the_store(store):  # noqa: F811
    write(store, *DIRECTORY, *base_records().values())
    memo = DayMemo(max_bytes=16)
    assert reports(load_kpi_data(store, START, END, memo=memo)) == reports(load_kpi_data(store, START, END,
                                                                                         cached=False))
    assert memo.size <= 16


class Timer:
    """Both clocks of a memo: ``timer`` (how long ago a day was read) and ``clock`` (the epoch
    seconds stored blocks' build times compare with), moved forward together by the test."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.epoch = time.time() - self.now

    def __call__(self) -> float:
        return self.now

    def clock(self) -> float:
        return self.epoch + self.now


def test_a_tolerant_memo_gives_a_rewritten_day_as_read_until_its_time_is_up(store):  # noqa: F811
    records = base_records()
    write(store, *DIRECTORY, *records.values())
    timer = Timer()
    memo = DayMemo(tolerate_seconds=60, timer=timer, clock=timer.clock)
    load_kpi_data(store, START, END)  # builds and stores the blocks (and the teams' and agents' codes)
    first = reports(load_kpi_data(store, START, END, memo=memo))
    assert (created(first["team"], "Billing"), created(first["team"], "Returns")) == (2, 3)
    write(store, replace(records["t4"], group_id="g2", assignee_id="a2", updated_at=at(15)))  # t4 to Returns
    timer.now += 59  # a sync keeps rewriting: its days are not packed again within the minute
    kept = reports(load_kpi_data(store, START, END, memo=memo))
    assert (created(kept["team"], "Billing"), created(kept["team"], "Returns")) == (2, 3)
    timer.now += 2  # the minute is up: the day is read anew, the move shows
    again = reports(load_kpi_data(store, START, END, memo=memo))
    assert (created(again["team"], "Billing"), created(again["team"], "Returns")) == (1, 4)
    assert again == reports(load_kpi_data(store, START, END, cached=False))


def solved(report, team: str) -> float:  # noqa: ANN001
    return next(row for row in report.rows if row.name == team).metrics["tickets_solved"].value


def test_tickets_open_since_before_the_lookback_come_from_memory_and_follow_their_solve(store):  # noqa: F811
    records = base_records()
    # Created five weeks before W: older than any block day a read of W and its previous week reads.
    old = ticket("t-old", datetime(2026, 10, 1, 9, tzinfo=timezone.utc), tags=("legacy",))
    write(store, *DIRECTORY, *records.values(), old)
    memo = DayMemo()
    first = reports(load_kpi_data(store, START, END, memo=memo))
    assert first == reports(load_kpi_data(store, START, END, cached=False))
    by_tag = compute_report(load_kpi_data(store, START, END, memo=memo), W, now=NOW, by="tag")
    assert by_tag == compute_report(load_kpi_data(store, START, END, cached=False), W, now=NOW, by="tag")
    solved_before = solved(first["team"], "Billing")

    write(store, replace(old, status=TicketStatus.SOLVED, status_raw="solved", solved_at=at(12), updated_at=at(12)))
    again = reports(load_kpi_data(store, START, END, memo=memo))  # its kind's generations moved: read anew
    assert solved(again["team"], "Billing") == solved_before + 1
    assert again == reports(load_kpi_data(store, START, END, cached=False))


def packed_from_records(monkeypatch) -> list[int]:  # noqa: ANN001
    """The days every read packs from their records from now on (``day_blocks.rebuild`` spied on)."""
    packed: list[int] = []
    rebuild = day_blocks.rebuild

    def spy(connection, kind, days, codes, generations):  # noqa: ANN001, ANN202
        packed.extend(days)
        return rebuild(connection, kind, days, codes, generations)

    monkeypatch.setattr(day_blocks, "rebuild", spy)
    return packed


def stored_span(kpi_store):  # noqa: ANN001, ANN201
    """The base records written and every day of the span stored: those with records (as a sync's
    end, or a sync storing its days as it goes, stores them) and those without (as a first read does)."""
    records = base_records()
    write(kpi_store, *DIRECTORY, *records.values())
    refresh(kpi_store)
    load_kpi_data(kpi_store, START, END)
    return records


def test_a_day_a_sync_rewrites_is_read_from_the_blocks_it_stored_lately_not_packed_again(store, monkeypatch):  # noqa: F811
    records = stored_span(store)
    timer = Timer()
    write(store, replace(records["t4"], group_id="g2", assignee_id="a2", updated_at=at(15)))  # t4 to Returns
    packed = packed_from_records(monkeypatch)

    # A memo that never read these days: the stale day comes from its blocks stored a moment ago.
    memo = DayMemo(tolerate_seconds=60, timer=timer, clock=timer.clock)
    lagging = reports(load_kpi_data(store, START, END, memo=memo))
    assert (created(lagging["team"], "Billing"), created(lagging["team"], "Returns")) == (2, 3)
    assert packed == []

    refresh(store)  # the sync stores its days again a moment later: the next read after the
    packed.clear()  # tolerance takes those blocks (the move shows), still packing nothing itself
    timer.now += 61
    published = reports(load_kpi_data(store, START, END, memo=memo))
    assert (created(published["team"], "Billing"), created(published["team"], "Returns")) == (1, 4)
    assert packed == []
    assert published == reports(load_kpi_data(store, START, END, cached=False))


def test_a_stale_days_blocks_older_than_the_tolerance_are_not_taken_its_records_are(store, monkeypatch):  # noqa: F811
    records = stored_span(store)
    timer = Timer()
    write(store, replace(records["t4"], group_id="g2", assignee_id="a2", updated_at=at(15)))
    timer.now += 61  # nothing stored the days again for over a minute (a sync stopped, or an old release's)
    packed = packed_from_records(monkeypatch)
    memo = DayMemo(tolerate_seconds=60, timer=timer, clock=timer.clock)
    again = reports(load_kpi_data(store, START, END, memo=memo))
    assert (created(again["team"], "Billing"), created(again["team"], "Returns")) == (1, 4)
    assert packed  # the stale days, packed from their records

    # A memo tolerating nothing (a report, a digest) never takes a stale day's blocks, however young.
    write(store, replace(records["t4"], group_id="g1", assignee_id="a1", updated_at=at(16)))  # back to Billing
    refresh(store)
    write(store, replace(records["t4"], group_id="g2", assignee_id="a2", updated_at=at(17)))
    exact = reports(load_kpi_data(store, START, END, memo=DayMemo()))
    assert (created(exact["team"], "Billing"), created(exact["team"], "Returns")) == (1, 4)


def built_an_hour_ago(kpi_store) -> None:  # noqa: ANN001
    """Every stored day as if its blocks were built an hour ago (a quiet store a sync now rewrites)."""
    with kpi_store.engine.begin() as connection:
        connection.execute(update(kpi_block_days).values(built_at=kpi_block_days.c.built_at - 3600))


def test_a_day_a_sync_has_just_begun_rewriting_is_answered_from_its_old_blocks_until_the_tolerance_is_up(
        store, monkeypatch):  # noqa: F811
    records = stored_span(store)
    built_an_hour_ago(store)
    timer = Timer()  # its epoch clock is this machine's, as the writes' is
    memo = DayMemo(tolerate_seconds=60, timer=timer, clock=timer.clock)
    kept = reports(load_kpi_data(store, START, END, memo=memo))  # current days: read and kept
    timer.now += 3600  # an hour later by the memo's clock, and a sync's first page moves t4 to Returns:
    timer.epoch -= 3600  # the epoch clock stays this machine's, the writes' clock
    write(store, replace(records["t4"], group_id="g2", assignee_id="a2", updated_at=at(15)))
    packed = packed_from_records(monkeypatch)

    # The blocks were built an hour ago but matched the records until a moment ago: the memo's
    # copy of them answers (as it would from the store), nothing is packed.
    lagging = reports(load_kpi_data(store, START, END, memo=memo))
    assert lagging == kept
    assert (created(lagging["team"], "Billing"), created(lagging["team"], "Returns")) == (2, 3)
    fresh_memo = DayMemo(tolerate_seconds=60, timer=timer, clock=timer.clock)  # a memo that never read them
    assert reports(load_kpi_data(store, START, END, memo=fresh_memo)) == kept
    assert packed == []

    timer.now += 61  # the sync stored nothing within the minute: the day is packed from its records
    again = reports(load_kpi_data(store, START, END, memo=memo))
    assert (created(again["team"], "Billing"), created(again["team"], "Returns")) == (1, 4)
    assert packed
    assert again == reports(load_kpi_data(store, START, END, cached=False))


def test_a_day_stale_before_it_was_known_when_is_never_taken_from_old_blocks(store, monkeypatch):  # noqa: F811
    records = stored_span(store)
    built_an_hour_ago(store)
    write(store, replace(records["t4"], group_id="g2", assignee_id="a2", updated_at=at(15)))
    with store.engine.begin() as connection:  # as a store migrated from 0012 holds it: when is unknown
        connection.execute(update(kpi_block_days).values(stale_since=None))
    packed = packed_from_records(monkeypatch)
    memo = DayMemo(tolerate_seconds=60, timer=Timer(), clock=time.time)
    again = reports(load_kpi_data(store, START, END, memo=memo))
    assert (created(again["team"], "Billing"), created(again["team"], "Returns")) == (1, 4)
    assert packed


def test_a_days_stale_since_is_the_first_write_after_its_blocks_were_stored(store, monkeypatch):  # noqa: F811
    clock = SimpleNamespace(time=lambda: moments[-1])
    moments = [1_800_000_000]
    monkeypatch.setattr(staleness, "time", clock)
    records = base_records()
    write(store, *DIRECTORY, *records.values())
    refresh(store)
    day = records["t4"].created_at.timestamp() // 86_400

    def stale_since() -> int | None:
        with store.engine.connect() as connection:
            return day_blocks.states(connection, "tickets", day, day + 1)[day].stale_since

    moments.append(moments[-1] + 100)
    write(store, replace(records["t4"], group_id="g2", updated_at=at(15)))
    assert stale_since() == 1_800_000_100
    moments.append(moments[-1] + 100)  # a later page of the same sync: the blocks stopped matching earlier
    write(store, replace(records["t4"], group_id="g1", updated_at=at(16)))
    assert stale_since() == 1_800_000_100
    refresh(store)  # stored anew; the next write is the first over these blocks
    moments.append(moments[-1] + 100)
    write(store, replace(records["t4"], group_id="g2", updated_at=at(17)))
    assert stale_since() == 1_800_000_300
