"""A report asked for a few KPIs (a table's, a `/kpi` answer's) computes those and the cheap ones,
with the same figures and the same rows as the report of every KPI."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kpis.catalogue import HEADLINE, KPIS
from kpis.engine import SCOPES, compute_report
from kpis.errors import ConfigError
from kpis.records import Priority
from tests.kpis.builders import from_records
from tests.kpis.test_kpis import AGENTS, IN_PREV, NOW, TEAMS, W, rating
from tests.kpis.test_quality_kpis import REPLIES, REVIEWS, TICKETS

# In W: 2 good of 4 (the bad ones with a comment, for the low-rated lists); one more in the previous window.
RATINGS = [rating(1, 1, "good"), rating(2, 2, "bad", comment="slow"), rating(3, 4, "good"),
           rating(4, 3, "bad", comment="rude"), rating(5, 1, "good", at=IN_PREV)]
# Every scope has rows: tickets 1 and 3 are urgent, the others have no priority.
PRIORITISED = [replace(t, priority=Priority.URGENT) if t.id in ("1", "3") else t for t in TICKETS]
DATA = from_records(PRIORITISED, RATINGS, teams=TEAMS, agents=AGENTS, reviews=REVIEWS, replies=REPLIES)


@pytest.mark.parametrize("by", SCOPES)
def test_every_kpi_asked_alone_has_the_rows_and_figures_of_the_report_of_every_kpi(by):
    full = compute_report(DATA, W, now=NOW, by=by)
    assert full.rows
    for key in KPIS:
        alone = compute_report(DATA, W, now=NOW, by=by, kpis=[key])
        assert [row.id for row in alone.rows] == [row.id for row in full.rows], key
        for mine, every in zip(alone.rows, full.rows):
            assert mine.metrics[key] == every.metrics[key], (by, key)


def test_the_headline_kpis_alone_are_worked_out_as_by_hand_and_leave_the_dear_families_out():
    [row] = compute_report(DATA, W, now=NOW, by="overall", kpis=HEADLINE).rows
    m = row.metrics
    # Ratings in W: 2 good of 4; solved in W: tickets 1-4 (6 is spam), created: 1-5.
    assert m["csat"].value == 50.0 and m["csat"].n == 4
    assert m["tickets_solved"].value == 4 and m["tickets_created"].value == 5
    # The row holds what was asked and SLA achievement (a table shows it where the helpdesk's
    # policies measured some); the quality KPIs (every reply), the p90s and business-hour twins,
    # the low-rated list were not computed.
    assert sorted(m) == sorted({*HEADLINE, "sla_achievement_rate"})


def test_the_success_score_brings_the_kpis_it_combines_and_a_quality_kpi_its_sets():
    every = compute_report(DATA, W, now=NOW, by="team").rows
    score = compute_report(DATA, W, now=NOW, by="team", kpis=["customer_success_score"]).rows
    assert [r.metrics["customer_success_score"] for r in score] == [r.metrics["customer_success_score"] for r in every]
    [overall] = compute_report(DATA, W, now=NOW, by="overall", kpis=["qa_score"]).rows
    assert overall.metrics["qa_score"].value == pytest.approx(55.0)  # (75 + 80 + 25 + 40) / 4, test_quality_kpis
    [tagged] = [r for r in compute_report(DATA, W, now=NOW, by="tag", kpis=["qa_score"]).rows if r.id == "refund"]
    assert tagged.metrics["qa_score"].value == pytest.approx(77.5)  # tickets 1 and 2: (75 + 80) / 2


def test_an_unknown_kpi_is_a_clear_error():
    with pytest.raises(ConfigError, match="unknown KPI 'speed'"):
        compute_report(DATA, W, now=NOW, by="team", kpis=["speed"])
