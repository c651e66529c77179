"""Days of blocks kept in the reading process's memory: the same report as the records give, and
never a day's old blocks once a write touched it (SQLite and PostgreSQL, as the block cache)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from kpis.columnar.memo import DayMemo
from kpis.engine import compute_report
from kpis.query import load_kpi_data
from kpis.records import TicketStatus
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
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_tolerant_memo_gives_a_rewritten_day_as_read_until_its_time_is_up(store):  # noqa: F811
    records = base_records()
    write(store, *DIRECTORY, *records.values())
    timer = Timer()
    memo = DayMemo(tolerate_seconds=60, timer=timer)
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
