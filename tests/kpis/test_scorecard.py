"""The agent scorecard's composite on hand-built reports; every expected value is worked out by hand."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from kpis.format import sparkline
from kpis.results import MetricValue, Report, ScopeRow
from kpis.scorecard import ScorecardConfig, most_moved, scorecards
from kpis.windows import window_between

W = window_between(date(2026, 11, 8), date(2026, 11, 14), ZoneInfo("UTC"))
CONFIG = ScorecardConfig(min_sample=10)  # defaults: csat .30, qa .30, fcr .15, reopen .10 (inverted), sla .15


def row(agent: str, **values: tuple[float | None, int]) -> ScopeRow:
    metrics = {key: MetricValue(key, value, n=n) for key, (value, n) in values.items()}
    return ScopeRow("agent", f"zendesk:acme:{agent}", agent, "Billing", metrics)


ANN = row("Ann", csat=(90, 20), qa_score=(80, 12), fcr_rate=(60, 30), reopen_rate=(10, 30),
          first_reply_sla_rate=(70, 30))
BOB = row("Bob", csat=(70, 15), qa_score=(None, 0), fcr_rate=(50, 25), reopen_rate=(20, 25),
          first_reply_sla_rate=(80, 25))
CAT = row("Cat", csat=(50, 5), qa_score=(60, 10), fcr_rate=(40, 20), reopen_rate=(30, 20),
          first_reply_sla_rate=(60, 20))


def report(*rows: ScopeRow) -> Report:
    return Report(W, W.previous(), rows)


def cards_of(*reports: Report) -> dict:
    return {card.name: card for card in scorecards(list(reports), CONFIG)}


def test_the_composite_is_the_weighted_mean_with_reopens_inverted():
    ann = cards_of(report(ANN, BOB, CAT))["Ann"]
    # .30 * 90 + .30 * 80 + .15 * 60 + .10 * (100 - 10) + .15 * 70 = 27 + 24 + 9 + 9 + 10.5 = 79.5
    assert ann.score == pytest.approx(79.5) and ann.partial is False
    reopen = next(c for c in ann.components if c.key == "reopen_rate")
    assert reopen.value == 10 and reopen.points == 90


def test_a_component_with_too_little_data_is_left_out_and_the_weights_renormalised():
    cards = cards_of(report(ANN, BOB, CAT))
    bob, cat = cards["Bob"], cards["Cat"]
    # Bob has no reviews: (.30 * 70 + .15 * 50 + .10 * 80 + .15 * 80) / .70 = 48.5 / .70 = 69.29.
    assert bob.score == pytest.approx(48.5 / 0.7) and bob.partial is True
    qa = next(c for c in bob.components if c.key == "qa_score")
    assert qa.left_out and qa.used_weight == 0
    assert next(c for c in bob.components if c.key == "csat").used_weight == pytest.approx(0.3 / 0.7)
    # Cat's CSAT rests on 5 ratings (< 10): (.30 * 60 + .15 * 40 + .10 * 70 + .15 * 60) / .70 = 40 / .70.
    assert cat.score == pytest.approx(40 / 0.7) and cat.partial is True
    assert [card.name for card in scorecards([report(ANN, BOB, CAT)], CONFIG)] == ["Ann", "Bob", "Cat"]


def test_each_component_carries_the_teams_median_over_agents_with_enough_data():
    ann = cards_of(report(ANN, BOB, CAT))["Ann"]
    medians = {c.key: c.team_median for c in ann.components}
    # CSAT: Ann 90, Bob 70 (Cat's 5 ratings do not count) -> 80; QA: Ann 80, Cat 60 -> 70;
    # FCR 60, 50, 40 -> 50; reopens 10, 20, 30 -> 20; SLA 70, 80, 60 -> 70.
    assert medians == {"csat": 80, "qa_score": 70, "fcr_rate": 50, "reopen_rate": 20, "first_reply_sla_rate": 70}


def test_the_trend_is_the_composite_of_each_window_and_the_most_moved_come_first():
    earlier = row("Ann", csat=(70, 20), qa_score=(80, 12), fcr_rate=(60, 30), reopen_rate=(10, 30),
                  first_reply_sla_rate=(70, 30))
    cards = cards_of(report(CAT), report(CAT), report(earlier, CAT), report(ANN, BOB, CAT))
    # Ann's previous window: 79.5 - .30 * (90 - 70) = 73.5; two windows before she had no row.
    assert cards["Ann"].trend == (None, None, pytest.approx(73.5), pytest.approx(79.5))
    assert cards["Ann"].moved == pytest.approx(6.0)
    assert cards["Bob"].moved is None  # no previous window to compare with
    assert [card.name for card in most_moved(list(cards.values()))] == ["Ann", "Cat"]  # +6, then Cat's 0


def test_weights_are_configurable():
    config = ScorecardConfig(weights={"csat": 1.0, "fcr_rate": 1.0}, min_sample=10)
    ann = {c.name: c for c in scorecards([report(ANN)], config)}["Ann"]
    assert ann.score == pytest.approx(75.0)  # (90 + 60) / 2
    assert [c.key for c in ann.components] == ["csat", "fcr_rate"]


def test_sparkline_spans_at_least_ten_points():
    assert sparkline((70.0, 80.0, None, 75.0)) == "▁█ ▅"  # 70 lowest, 80 top, 75 halfway: round(3.5) = 4
    assert sparkline((70.0, 71.0)) == "▁▂"  # one point of ten: one step of seven, rounded
    assert sparkline((None, None)) == "  "
