"""Tags kept as codes in the stored blocks: `--by tag` reads the same from stored blocks, from
rebuilt ones and from the records, and tags first seen later (or by another process) appear."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kpis.engine import compute_report
from kpis.query import load_kpi_data
from kpis.store import Store
from kpis.store.schema import kpi_keys
from tests.kpis.test_kpis import AGENTS, IN_PREV, IN_W, NOW, TEAMS, W, rating, t


def by_tag(store: Store, cached: bool = True) -> dict:
    data = load_kpi_data(store, W.previous().start, W.end, cached=cached)
    return {row.id: row for row in compute_report(data, W, now=NOW, by="tag").rows}


def created(rows: dict) -> dict[str, tuple]:
    return {tag: (row.metrics["tickets_created"].value, row.metrics["tickets_created"].previous)
            for tag, row in rows.items()}


def test_tags_read_from_stored_blocks_equal_the_records_across_days_and_teams(store_url):
    store = Store.open(store_url)
    records = [
        t(1, tags=("Refund", "vip")),
        t(2, created=IN_W + timedelta(days=1), group_id="g2", tags=("refund",)),
        t(3, created=IN_PREV, tags=("vip", "late")),
        t(4, tags=()),
        rating(11, 1, "bad"), rating(12, 2, "good"),
    ]
    store.write_page("zendesk", "acme", "all", [*TEAMS, *AGENTS, *records], None)
    first = by_tag(store)  # rebuilds the days' blocks and stores them
    stored = by_tag(store)  # reads the stored blocks
    # refund: tickets 1 and 2 in W; vip: 1 in W, 3 before; late: 3 before only.
    expected = {"refund": (2, 0), "vip": (1, 1), "late": (0, 1)}
    assert created(first) == created(stored) == created(by_tag(store, cached=False)) == expected
    # refund: ticket 1 rated bad, ticket 2 good -> 50%; vip: ticket 1 only -> 0%.
    assert stored["refund"].metrics["csat"].value == 50.0
    assert stored["vip"].metrics["csat"].value == 0.0
    with store.engine.connect() as connection:
        tags = {key for kind, key in connection.execute(select(kpi_keys.c.kind, kpi_keys.c.key)) if kind == "tag"}
    assert tags == {"refund", "vip", "late"}


def test_a_tag_stored_by_another_process_is_read_by_this_one(store_url):
    store = Store.open(store_url)
    store.write_page("zendesk", "acme", "all", [*TEAMS, *AGENTS, t(1, tags=("refund",))], None)
    assert created(by_tag(store)) == {"refund": (1, 0)}
    # Another process syncs a ticket with a new tag and stores its blocks (and the tag's code).
    other = Store.open(store_url)
    other.write_page("zendesk", "acme", "all", [t(2, created=IN_W + timedelta(days=2), tags=("Outage", "refund"))],
                     None)
    by_tag(other)
    assert created(by_tag(store)) == {"refund": (2, 0), "outage": (1, 0)}
