"""Explaining a change by groups; every expected effect is worked out by hand in the test."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kpis.engine import KpiConfig
from kpis.errors import ConfigError
from kpis.explain import explain_change
from kpis.records import Agent
from tests.kpis.builders import from_records
from tests.kpis.test_kpis import IN_PREV, IN_W, NOW, TEAMS, W, rating, t

AGENTS = [Agent("zendesk", "acme", a, name) for a, name in (("a1", "Ann"), ("a2", "Bob"), ("a3", "Cy"))]


def rated(prefix, good, total, at, **ticket_fields):
    """``total`` tickets (each with a rating), the first ``good`` rated good."""
    tickets, ratings = [], []
    for i in range(total):
        key = f"{prefix}-{i}"
        tickets.append(t(key, created=at - timedelta(hours=2), **ticket_fields))
        ratings.append(rating(f"r{key}", key, "good" if i < good else "bad", at=at))
    return tickets, ratings


def explain(groups, kpi="csat", by="agent", min_sample=10, team=None):
    tickets, ratings = [], []
    for made_tickets, made_ratings in groups:
        tickets += made_tickets
        ratings += made_ratings
    data = from_records(tickets, ratings, (), TEAMS, AGENTS)
    return explain_change(data, W, now=NOW, kpi=kpi, by=by, team=team, config=KpiConfig(min_sample=min_sample))


def effects(explanation):
    return {c["id"]: c for c in explanation.as_json()["contributions"]}


def test_three_agents_term_by_term_and_the_effects_add_up_to_the_change():
    # Before: Ann 9/10 (90%), Bob 8/10 (80%), Cy 14/20 (70%): 31/40 = 77.5%.
    # Now:    Ann 10/20 (50%), Bob 8/10 (80%), Cy 7/10 (70%): 25/40 = 62.5%. Change -15 pp.
    result = explain([
        rated("a-old", 9, 10, IN_PREV, assignee_id="a1"), rated("b-old", 8, 10, IN_PREV, assignee_id="a2"),
        rated("c-old", 14, 20, IN_PREV, assignee_id="a3"),
        rated("a-new", 10, 20, IN_W, assignee_id="a1"), rated("b-new", 8, 10, IN_W, assignee_id="a2"),
        rated("c-new", 7, 10, IN_W, assignee_id="a3"),
    ])
    out = result.as_json()
    assert (out["value"], out["previous"], out["change"], out["additive"]) == (62.5, 77.5, -15.0, True)
    assert out["dimension"] == "agent"
    ann, bob, cy = (effects(result)[f"zendesk:acme:{a}"] for a in ("a1", "a2", "a3"))
    # Ann: shares 0.25 -> 0.5. rate (50 - 90) * 0.75 / 2 = -15; mix 0.25 * 140 / 2 = +17.5.
    assert (ann["rate_effect"], ann["mix_effect"], ann["effect"]) == (-15.0, 17.5, 2.5)
    assert (ann["name"], ann["n"], ann["previous_n"], ann["value"], ann["previous"]) == ("Ann", 20, 10, 50.0, 90.0)
    # Bob: unchanged share and rate. Cy: share 0.5 -> 0.25 at 70%: mix -0.25 * 140 / 2 = -17.5.
    assert (bob["rate_effect"], bob["mix_effect"], bob["effect"]) == (0.0, 0.0, 0.0)
    assert (cy["rate_effect"], cy["mix_effect"], cy["effect"]) == (0.0, -17.5, -17.5)
    assert [c["name"] for c in out["contributions"]] == ["Cy", "Ann", "Bob"]  # by |effect|
    # Ann's 90% of 10 vs 50% of 20: pooled 19/30, z = 0.4 / sqrt(19/30 * 11/30 * 0.15) = 2.14 > 1.96.
    assert (ann["significant"], bob["significant"], cy["significant"]) == (True, False, False)


def test_zero_overall_change_with_two_channels_moving_in_opposite_directions():
    # Email 8/10 -> 6/10, chat 6/10 -> 8/10: 70% both times, each share stays 0.5.
    result = explain([
        rated("e-old", 8, 10, IN_PREV, channel="email"), rated("c-old", 6, 10, IN_PREV, channel="chat"),
        rated("e-new", 6, 10, IN_W, channel="email"), rated("c-new", 8, 10, IN_W, channel="chat"),
    ], by="channel")
    assert result.as_json()["change"] == 0.0
    email, chat = effects(result)["email"], effects(result)["chat"]
    assert (email["rate_effect"], email["mix_effect"], email["effect"]) == (-10.0, 0.0, -10.0)
    assert (chat["rate_effect"], chat["mix_effect"], chat["effect"]) == (10.0, 0.0, 10.0)


def test_mix_only_change_when_one_channels_volume_doubles_at_an_unchanged_rate():
    # Before: email 8/10 (80%), chat 4/10 (40%): 60%. Now: email 16/20, chat 4/10: 20/30 = 66.7%.
    result = explain([
        rated("e-old", 8, 10, IN_PREV, channel="email"), rated("c-old", 4, 10, IN_PREV, channel="chat"),
        rated("e-new", 16, 20, IN_W, channel="email"), rated("c-new", 4, 10, IN_W, channel="chat"),
    ], by="channel")
    assert result.as_json()["change"] == pytest.approx(6.7)
    email, chat = effects(result)["email"], effects(result)["chat"]
    # email share 1/2 -> 2/3: mix 1/6 * 160 / 2 = 13.3; chat 1/2 -> 1/3: mix -1/6 * 80 / 2 = -6.7.
    assert (email["rate_effect"], email["mix_effect"]) == (0.0, 13.3)
    assert (chat["rate_effect"], chat["mix_effect"]) == (0.0, -6.7)


def test_median_effects_are_counterfactual_and_not_additive():
    # First reply now: Ann 10, 20, 30; Bob 40, 50 -> median 30. Before: Ann 60, 70, 80; Bob 40, 50 -> 60.
    def replied(prefix, minutes, at, agent):
        return [t(f"{prefix}{i}", created=at, assignee_id=agent, first_reply_minutes=m) for i, m in enumerate(minutes)], []

    result = explain([
        replied("an", [10, 20, 30], IN_W, "a1"), replied("bn", [40, 50], IN_W, "a2"),
        replied("ao", [60, 70, 80], IN_PREV, "a1"), replied("bo", [40, 50], IN_PREV, "a2"),
    ], kpi="frt", min_sample=1)
    out = result.as_json()
    assert (out["kpi"], out["value"], out["previous"], out["change"], out["additive"]) == (
        "first_reply_time_median", 30.0, 60.0, -30.0, False)
    ann, bob = effects(result)["zendesk:acme:a1"], effects(result)["zendesk:acme:a2"]
    # Ann's values swapped for her previous ones: 40, 50, 60, 70, 80 -> median 60; effect 30 - 60.
    assert (ann["effect"], ann["rate_effect"], ann["mix_effect"]) == (-30.0, None, None)
    assert bob["effect"] == 0.0


def test_tags_overlap_so_their_effects_are_not_additive_and_the_value_is_the_real_csat():
    # One ticket tagged twice, rated bad now and good before.
    tickets = [t("n", created=IN_W, tags=("refund", "vip")), t("o", created=IN_PREV, tags=("refund", "vip"))]
    data = from_records(tickets, [rating("rn", "n", "bad", at=IN_W), rating("ro", "o", "good", at=IN_PREV)],
                        (), TEAMS, AGENTS)
    out = explain_change(data, W, now=NOW, kpi="csat", by="tag", config=KpiConfig(min_sample=1)).as_json()
    assert (out["value"], out["previous"], out["change"], out["additive"]) == (0.0, 100.0, -100.0, False)
    # Shares are of the whole population: each tag is on every rated ticket (share 1 both times), so
    # each carries the whole -100 pp, and the effects (-200 together) do not add up to the change.
    assert {c["id"]: c["effect"] for c in out["contributions"]} == {"refund": -100.0, "vip": -100.0}


def test_counts_split_into_each_groups_own_change_and_thin_groups_are_flagged():
    tickets = [t(f"e{i}", created=IN_W, channel="email") for i in range(3)] + [t("p", created=IN_PREV, channel="voice")]
    data = from_records(tickets, (), (), TEAMS, AGENTS)
    out = explain_change(data, W, now=NOW, kpi="created", by="channel", config=KpiConfig(min_sample=2)).as_json()
    assert (out["value"], out["previous"], out["change"]) == (3.0, 1.0, 2.0)
    assert [(c["id"], c["effect"], c["insufficient_data"]) for c in out["contributions"]] == [
        ("email", 3.0, True), ("phone", -1.0, True)]


def test_low_rated_cannot_be_decomposed_and_no_previous_data_is_nothing_to_explain():
    with pytest.raises(ConfigError, match="low_rated cannot be decomposed"):
        explain([], kpi="low_rated")
    with pytest.raises(ConfigError, match="unknown KPI"):
        explain([], kpi="happiness")
    with pytest.raises(ConfigError, match="unknown dimension"):
        explain([], by="colour")
    result = explain([rated("n", 5, 10, IN_W, assignee_id="a1")])
    assert result.nothing == "no CSAT in the previous window (2026-11-01 to 2026-11-07)"
    assert result.as_json()["contributions"] == []
