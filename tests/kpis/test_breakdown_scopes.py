"""`by` channel, priority and tag on hand-built cases; every expected value is worked out by hand."""

from __future__ import annotations

import pytest

from kpis.engine import KpiConfig, compute_report
from kpis.errors import ConfigError
from kpis.records import Priority
from tests.kpis.builders import from_records
from tests.kpis.test_kpis import AGENTS, IN_PREV, NOW, TEAMS, W, rating, t


def rows(tickets, ratings=(), by="channel", team=None, fold=False, min_sample=10):
    data = from_records(tickets, ratings, (), TEAMS, AGENTS)
    rep = compute_report(data, W, now=NOW, by=by, team=team, config=KpiConfig(min_sample=min_sample),
                         fold_small_tags=fold)
    return {row.id: row for row in rep.rows}


def test_channels_are_normalised_across_helpdesks_and_ratings_follow_their_ticket():
    tickets = [
        t(1, channel="web_widget"),  # Zendesk messaging widget: chat
        t(2, channel="email"),
        t(3, channel="email"),
        t(4, created=IN_PREV, channel="email"),
    ]
    ratings = [rating(11, 1, "good"), rating(12, 2, "bad"), rating(13, 3, "good")]
    by_channel = rows(tickets, ratings)
    assert set(by_channel) == {"chat", "email"}
    assert by_channel["email"].name == "Email"
    assert by_channel["email"].scope == "channel"
    # Email: tickets 2 and 3 created in W (1 before), 1 good of 2 ratings.
    assert by_channel["email"].metrics["tickets_created"].value == 2
    assert by_channel["email"].metrics["tickets_created"].previous == 1
    assert by_channel["email"].metrics["csat"].value == 50.0
    assert by_channel["chat"].metrics["csat"].value == 100.0


def test_priority_rows_and_team_narrows_them():
    tickets = [
        t(1, priority=Priority.URGENT, group_id="g1"),
        t(2, priority=Priority.URGENT, group_id="g2"),
        t(3, priority=Priority.LOW, group_id="g2"),
    ]
    everyone = rows(tickets, by="priority")
    assert everyone["urgent"].metrics["tickets_created"].value == 2
    assert everyone["low"].metrics["tickets_created"].value == 1
    billing = rows(tickets, by="priority", team="Billing")
    assert set(billing) == {"urgent"}
    assert billing["urgent"].metrics["tickets_created"].value == 1


def test_a_multi_tag_ticket_counts_in_each_of_its_tags_and_tags_compare_lower_cased():
    tickets = [
        t(1, tags=("Refund", "VIP", "refund")),  # two distinct tags: refund, vip
        t(2, tags=("refund",)),
        t(3, tags=()),  # no tag: in no tag row
    ]
    ratings = [rating(11, 1, "bad"), rating(12, 2, "good")]
    by_tag = rows(tickets, ratings, by="tag")
    assert set(by_tag) == {"refund", "vip"}
    assert by_tag["refund"].metrics["tickets_created"].value == 2
    assert by_tag["vip"].metrics["tickets_created"].value == 1
    # refund: tickets 1 (bad) and 2 (good) -> 50%; vip: ticket 1 only -> 0%.
    assert by_tag["refund"].metrics["csat"].value == 50.0
    assert by_tag["vip"].metrics["csat"].value == 0.0


def test_small_tags_fold_into_other_tags_in_tables_only():
    # min_sample 2: "refund" is on 2 tickets, "vip" and "late" on 1 each.
    tickets = [t(1, tags=("refund", "vip", "late")), t(2, tags=("refund",)), t(3, tags=("late",))]
    folded = rows(tickets, by="tag", fold=True, min_sample=2)
    assert set(folded) == {"refund", "late", "other tags"}
    # "late" is on 2 tickets (1 and 3) and stays; "vip" alone folds.
    assert folded["other tags"].metrics["tickets_created"].value == 1
    tickets = [t(1, tags=("refund", "vip", "late")), t(2, tags=("refund",))]
    folded = rows(tickets, by="tag", fold=True, min_sample=2)
    # vip and late are both on ticket 1 only: the folded row counts that ticket once.
    assert folded["other tags"].metrics["tickets_created"].value == 1
    assert set(rows(tickets, by="tag", min_sample=2)) == {"refund", "vip", "late"}


def test_a_ticket_whose_small_tags_are_apart_counts_once_in_other_tags_and_its_rating_too():
    # min_sample 2: refund is on tickets 1 and 2; vip and late on ticket 1 only, with refund between.
    tickets = [t(1, tags=("vip", "refund", "late")), t(2, tags=("refund",))]
    ratings = [rating(11, 1, "bad"), rating(12, 2, "good")]
    folded = rows(tickets, ratings, by="tag", fold=True, min_sample=2)
    assert set(folded) == {"refund", "other tags"}
    assert folded["other tags"].metrics["tickets_created"].value == 1
    # other tags: ticket 1's one bad rating -> 0% of 1; refund: bad and good -> 50% of 2.
    assert folded["other tags"].metrics["csat"].value == 0.0
    assert folded["other tags"].metrics["csat"].n == 1
    assert folded["refund"].metrics["csat"].value == 50.0
    assert folded["refund"].metrics["csat"].n == 2


def test_unknown_scope_is_a_usage_error():
    with pytest.raises(ConfigError, match="unknown scope"):
        rows([t(1)], by="colour")


def test_the_store_reads_tags_only_when_asked_and_nothing_else_changes(store_url):
    from kpis.query import load_kpi_data
    from kpis.store import Store

    store = Store.open(store_url)
    store.write_page("zendesk", "acme", "all", [*TEAMS, *AGENTS, t(1, tags=("Refund", "vip")), t(2, tags=("refund",)),
                                                  t(3, channel="email")], None)
    with_tags = load_kpi_data(store, W.previous().start, W.end)
    without = load_kpi_data(store, W.previous().start, W.end, tags=False)
    assert sorted(with_tags.facets.tagsets) == [("refund",), ("refund", "vip")]
    assert without.facets.tagsets == () and set(without.facets.tickets.tagset.tolist()) == {-1}
    for by in ("team", "channel"):
        assert (compute_report(with_tags, W, now=NOW, by=by).as_json()
                == compute_report(without, W, now=NOW, by=by).as_json())
    tag_rows = {row.id: row for row in compute_report(with_tags, W, now=NOW, by="tag").rows}
    assert tag_rows["refund"].metrics["tickets_created"].value == 2
