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


def test_a_refresh_whose_new_codes_another_process_took_meanwhile_tries_again(store_url, monkeypatch):
    """A sync's refresh of its days and a server's read storing the days it packed both give new
    keys their codes; when the other took the codes this one chose, the refresh reads them again
    and stores its days rather than failing the sync."""
    from sqlalchemy import insert

    from kpis.columnar import cache
    from kpis.columnar.keys import KeyCodes

    store = Store.open(store_url)
    store.write_page("zendesk", "acme", "all", [*TEAMS, *AGENTS, t(1, tags=("refund",))], None)
    original, clashes = KeyCodes.store_new, []

    class Racing:
        """The refresh's connection; right before it stores its new codes, another process stores
        a key of the same kind with the first of them."""

        def __init__(self, connection) -> None:  # noqa: ANN001
            self.connection = connection

        def execute(self, statement, rows=None):  # noqa: ANN001, ANN202
            if isinstance(rows, list) and not clashes:
                with store.engine.begin() as other:
                    other.execute(insert(kpi_keys), [{"kind": rows[0]["kind"], "key": "zendesk:acme:other",
                                                      "code": rows[0]["code"]}])
                clashes.append((rows[0]["kind"], rows[0]["code"]))
            return self.connection.execute(statement) if rows is None else self.connection.execute(statement, rows)

    def after_another_writer(self, connection):  # noqa: ANN001, ANN202
        return original(self, Racing(connection))

    monkeypatch.setattr(KeyCodes, "store_new", after_another_writer)
    assert cache.refresh(store) > 0
    [(kind, code)] = clashes
    with store.engine.connect() as connection:
        stored = [(k, key, c) for k, key, c in connection.execute(select(kpi_keys.c.kind, kpi_keys.c.key, kpi_keys.c.code))]
    assert (kind, "zendesk:acme:other", code) in stored  # the other process's code stands
    for each in ("team", "agent", "tag"):
        codes = [c for k, _, c in stored if k == each]
        assert len(codes) == len(set(codes))  # and none is given twice
    assert created(by_tag(store)) == {"refund": (1, 0)}
