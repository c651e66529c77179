"""Agent replies, reviews and reviewed tickets read through the block cache follow later changes.

The replies, reviews and reviewed tickets of a report's span come from the cached blocks (kinds
``replies``, ``reviews``, ``reviewed``); a ticket that moves to another team, gets tagged,
solved again or deleted after those days were cached, and a review arriving later, must change the
figures exactly as the records say (SQLite, and PostgreSQL when configured).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from kpis.engine import compute_report
from kpis.imported_records import Review, SurveyAnswer
from kpis.query import load_kpi_data
from kpis.records import AgentReply, Rating, Ticket
from kpis.store import Store
from kpis.store.schema import kpi_block_days
from tests.kpis.builders import from_records
from tests.kpis.test_block_cache import DIRECTORY, NOW, W, at, base_records, write

SCOPES = ("overall", "team", "agent", "tag")


def reply(vendor_id: str, ticket_id: str, agent_id: str, when) -> AgentReply:  # noqa: ANN001
    return AgentReply("zendesk", "acme", vendor_id, ticket_id, agent_id, when)


def records_with_replies() -> dict[str, object]:
    records = base_records()
    for vendor_id, ticket_id, agent_id, when in [
        ("p1", "t3", "a3", at(8, 11)), ("p2", "t3", "a3", at(8, 15)),  # one working day of Cy's
        ("p3", "t4", "a1", at(9, 12)), ("p4", "t7", "a1", at(13, 10)), ("p5", "t6", "a2", at(11, 12)),
        ("p6", "t1", "a2", at(3, 9)),  # the previous window
    ]:
        records[vendor_id] = reply(vendor_id, ticket_id, agent_id, when)
    return records


def working_days(store: Store, records: dict[str, object]) -> dict[str, dict[str, int]]:
    """Working days (the n of solved_per_agent_day) per scope and row, after checking that the
    cached read equals the uncached one and the records' own report."""
    start, end = W.previous().start, W.end
    cached = {scope: compute_report(load_kpi_data(store, start, end), W, now=NOW, by=scope) for scope in SCOPES}
    again = {scope: compute_report(load_kpi_data(store, start, end), W, now=NOW, by=scope) for scope in SCOPES}
    uncached = {scope: compute_report(load_kpi_data(store, start, end, cached=False), W, now=NOW, by=scope)
                for scope in SCOPES}
    kinds = {kind: [r for r in records.values() if isinstance(r, kind)]
             for kind in (Ticket, Rating, SurveyAnswer, AgentReply, Review)}
    data = from_records(kinds[Ticket], kinds[Rating], kinds[SurveyAnswer], DIRECTORY[:2], DIRECTORY[2:5],
                        DIRECTORY[5:], replies=kinds[AgentReply], reviews=kinds[Review])
    expected = {scope: compute_report(data, W, now=NOW, by=scope) for scope in SCOPES}
    out = {}
    for scope in SCOPES:
        assert cached[scope] == again[scope] == uncached[scope], scope
        assert {r.id: r for r in cached[scope].rows} == {r.id: r for r in expected[scope].rows}, scope
        out[scope] = {row.name: row.metrics["solved_per_agent_day"].n for row in cached[scope].rows}
    return out


def stored(url: str, records: dict[str, object]) -> Store:
    store = Store.open(url)
    write(store, *DIRECTORY, *records.values())
    return store


def test_replies_are_cached_in_blocks_and_count_distinct_agent_days(store_url):
    records = records_with_replies()
    store = stored(store_url, records)
    days = working_days(store, records)
    # (Cy, Nov 8) twice, (Ann, Nov 9), (Ann, Nov 13), (Bob, Nov 11): four working days in W.
    assert days["overall"] == {"Overall": 4}
    assert days["team"] == {"Billing": 2, "Returns": 2}
    assert days["agent"] == {"Ann": 2, "Bob": 1, "Cy": 1}
    with store.engine.connect() as connection:
        built = connection.execute(select(kpi_block_days).where(kpi_block_days.c.kind == "replies")).all()
    # Every day of the span read is stored as built (a day without replies too), so later reads use blocks.
    assert {int(at(d).timestamp()) // 86_400 for d in (3, 8, 9, 11, 13)} <= {row.day for row in built}
    assert all(row.built == row.generation for row in built)


def test_working_days_follow_their_tickets_team_tags_and_deletion_after_caching(store_url):
    records = records_with_replies()
    store = stored(store_url, records)
    working_days(store, records)
    # Ann's reply on t4 moves with t4 to Returns; t7 (Ann's Nov 13 reply) is deleted; t3 gets tagged.
    records["t4"] = replace(records["t4"], group_id="g2", updated_at=at(15))
    records["t7"] = replace(records["t7"], is_deleted=True, updated_at=at(15))
    records["t3"] = replace(records["t3"], tags=("VIP", "refund"), updated_at=at(15))
    write(store, records["t4"], records["t7"], records["t3"])
    days = working_days(store, records)
    assert days["overall"] == {"Overall": 3}
    assert days["team"] == {"Billing": 0, "Returns": 3}
    assert days["tag"] == {"refund": 1, "vip": 1}


def review(vendor_id: str, ticket_id: str, score: float, when, **categories) -> Review:  # noqa: ANN001
    return Review("zendesk", "acme", vendor_id, ticket_id, "qa1", when, score, 1, 5, categories=categories)


def review_figures(store: Store, records: dict[str, object]) -> dict[str, tuple]:
    working_days(store, records)  # the cached, uncached and records' reports agree
    start, end = W.previous().start, W.end
    report = compute_report(load_kpi_data(store, start, end), W, now=NOW, by="team")
    return {row.name: (row.metrics["qa_score"].value, row.metrics["qa_accuracy"].value,
                       row.metrics["review_coverage"].value) for row in report.rows}


def test_reviews_and_reviewed_tickets_follow_later_reviews_and_solves(store_url):
    records = records_with_replies()
    # t3 (Cy, Returns; solved Nov 8) reviewed 4 of 1..5 (75) on Nov 9; t4 (Ann, Billing) 2 of 1..5 (25).
    records["v1"] = review("v1", "t3", 4, at(9, 9), accuracy=5)
    records["v2"] = review("v2", "t4", 2, at(10, 9))
    store = stored(store_url, records)
    figures = review_figures(store, records)
    # Solved in W: Billing t4, t7; Returns t1, t3, t6. Reviewed: t4 of 2, t3 of 3.
    assert figures["Billing"][0] == 25.0 and figures["Billing"][2] == 50.0
    assert figures["Returns"][:3] == (75.0, 100.0, pytest.approx(100 / 3))
    # After caching: t7 gets a review (dated in the previous window: coverage counts any date) and
    # t6 is solved again on Nov 20, after W; v1's accuracy is corrected.
    records["v3"] = review("v3", "t7", 5, at(6, 9))
    records["t6"] = replace(records["t6"], solved_at=at(20), updated_at=at(20))
    records["v1"] = replace(records["v1"], categories={"accuracy": 3})
    write(store, records["v3"], records["t6"], records["v1"])
    figures = review_figures(store, records)
    assert figures["Billing"][2] == 100.0  # t4 and t7 reviewed
    assert figures["Returns"][:3] == (75.0, 50.0, 50.0)  # t1 and t3 solved in W, t3 reviewed; accuracy 3 of 1..5
