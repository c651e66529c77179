"""Changes read right: the catalogue's direction decides the word, volume is neither better nor
worse, and a change on too few is not shown as a number."""

from __future__ import annotations

from kpis.format import change_text, direction_word, is_worse
from kpis.results import MetricValue
from notifiers.kpi_blocks import change_sentence


def test_fewer_tickets_created_is_neither_better_nor_worse():
    fewer = MetricValue("tickets_created", 81, previous=84, change=-3.6, n=81, insufficient_data=False)
    assert is_worse(fewer) is None
    assert change_sentence(fewer) == "-3.6% vs 84, fewer"
    more = MetricValue("tickets_created", 90, previous=84, change=7.1, n=90, insufficient_data=False)
    assert direction_word(more) == ", more"


def test_direction_follows_the_catalogue():
    backlog_up = MetricValue("backlog", 12, previous=10, change=20.0, n=12, insufficient_data=False)
    assert change_sentence(backlog_up) == "+20.0% vs 10, worse"
    csat_up = MetricValue("csat", 90.0, previous=85.0, change=5.0, n=120, insufficient_data=False)
    assert change_sentence(csat_up) == "+5.0 pp vs 85.0%, better"


def test_a_change_on_a_sample_below_min_sample_is_too_few_to_compare():
    one_rating = MetricValue("csat", 100.0, previous=0.0, change=100.0, n=1, insufficient_data=True)
    assert change_text(one_rating) == "too few to compare"
    assert change_text(one_rating, compact=True) == "too few"
    assert change_sentence(one_rating) == "too few to compare"
    assert is_worse(one_rating) is None
