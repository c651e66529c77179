"""Support and churn on a small set of accounts whose every group is worked out by hand below."""

from __future__ import annotations

import math
from datetime import datetime, timezone

import pytest

from kpis.engine import KpiConfig
from kpis.outcomes import AccountSupport, SupportTicket, support_outcomes
from kpis.stats import newcombe_difference

START, END = datetime(2026, 10, 1, tzinfo=timezone.utc), datetime(2026, 11, 1, tzinfo=timezone.utc)
NOW = datetime(2026, 11, 5, tzinfo=timezone.utc)
JAN = datetime(2026, 1, 1, tzinfo=timezone.utc)
CONFIG = KpiConfig(sla_minutes={"urgent": 60})


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=timezone.utc)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def ticket(created: datetime, *, frt: float | None = 30, solved: datetime | None = None, priority: str = "normal",
           ratings: tuple = (), nps: tuple = ()) -> SupportTicket:
    return SupportTicket(epoch(created), priority, frt, None if solved is None else epoch(solved),
                         tuple((epoch(at), *rest) for at, *rest in ratings), tuple((epoch(at), v) for at, v in nps))


GOOD, BAD = (1.0, True), (0.0, False)


def accounts() -> list[AccountSupport]:
    return [
        # a1: churned 10-10; one bad rating; reply in 30m (met); NPS 3 (an answer in the window does not count).
        AccountSupport("sample:t:a1", JAN, at(10, 10), 100.0, tickets=(
            ticket(at(9, 1), ratings=((at(9, 2), *BAD),), nps=((at(9, 3), 3.0), (at(10, 2), 10.0))),)),
        # a2: churned 10-20; 3 good and 1 bad (CSAT 75%); reply in 2000m (missed); NPS 8.
        AccountSupport("sample:t:a2", JAN, at(10, 20), 200.0, tickets=(
            ticket(at(9, 5), frt=2000, ratings=((at(9, 6), *GOOD), (at(9, 6), *GOOD), (at(9, 7), *GOOD),
                                                (at(9, 8), *BAD)), nps=((at(9, 9), 8.0),)),)),
        # a3: a customer; good; met; NPS 2 then 10 (the latest counts).
        AccountSupport("sample:t:a3", JAN, None, 50.0, tickets=(
            ticket(at(8, 1), frt=60, ratings=((at(8, 2), *GOOD),), nps=((at(8, 2), 2.0), (at(9, 1), 10.0))),)),
        # a4: a customer without revenue; good; met, plus an unreplied ticket 14 h before the window's
        # start, not yet past its 24 h target then (unsettled); NPS 9.
        AccountSupport("sample:t:a4", JAN, None, None, tickets=(
            ticket(at(9, 15), frt=100, ratings=((at(9, 16), *GOOD),), nps=((at(9, 17), 9.0),)),
            ticket(at(9, 30, 10), frt=None))),
        # a5: churned 10-15; its only rating came in the window, its later ticket too; a ticket solved
        # without a reply settles no SLA: no bad rating, in no other group.
        AccountSupport("sample:t:a5", JAN, at(10, 15), 120.0, tickets=(
            ticket(at(6, 1), frt=None, solved=at(6, 2), ratings=((at(10, 2), *BAD),)),
            ticket(at(10, 3), ratings=((at(10, 4), *BAD),)))),
        # a6 started in the window, a7 ended before it: not in the cohort.
        AccountSupport("sample:t:a6", at(10, 5), None, 10.0, tickets=(ticket(at(10, 6), ratings=((at(10, 7), *BAD),)),)),
        AccountSupport("sample:t:a7", JAN, at(9, 1), 10.0, tickets=(ticket(at(8, 1)),)),
        # a8: its organisation is on no ticket; a9: a file account naming no helpdesk, churned.
        AccountSupport("sample:t:a8", JAN, None, 10.0, known=False),
        AccountSupport("file:crm:a9", JAN, at(10, 3), 10.0, linked=False, known=False),
        # a10: its organisation's tickets all came in the window: no support before it.
        AccountSupport("sample:t:a10", JAN, None, 10.0, tickets=(ticket(at(10, 5), ratings=((at(10, 6), *BAD),)),)),
        # a11: a customer; a bad rating (2 of 5); urgent reply in 90m against a 60m target, and a
        # ticket unanswered for a month: missed; NPS 6.
        AccountSupport("sample:t:a11", JAN, None, 80.0, tickets=(
            ticket(at(7, 1), frt=90, priority="urgent", ratings=((at(7, 2), 0.25, False),), nps=((at(7, 3), 6.0),)),
            ticket(at(9, 1), frt=None))),
    ]


@pytest.fixture(scope="module")
def outcomes():
    return support_outcomes(accounts(), START, END, now=NOW, config=CONFIG, organisations_without_account=4)


def test_accounts_outside_the_groups_are_counted_by_reason(outcomes):
    c = outcomes.counts
    assert (c.accounts, c.cohort, c.churned, c.no_churn_date) == (11, 9, 4, 5)  # churned: a1 a2 a5 a9
    assert (c.not_linked, c.unknown_organisation, c.without_support, c.with_support) == (1, 1, 1, 6)
    assert c.organisations_without_account == 4


def _rates(outcomes, dimension):
    d = outcomes.dimension(dimension)
    return {g.key: (g.accounts, g.churned, None if g.churn_rate is None else round(g.churn_rate, 2)) for g in d.groups}


def test_churn_by_bad_rating(outcomes):
    # bad: a1 a2 a11 (a1, a2 churned); none: a3 a4 a5 (a5 churned).
    assert _rates(outcomes, "bad_rating") == {"bad": (3, 2, 66.67), "none": (3, 1, 33.33)}
    (difference,) = outcomes.dimension("bad_rating").differences
    assert (difference.group, difference.reference) == ("bad", "none")
    assert difference.value == pytest.approx(100 * (2 / 3 - 1 / 3))
    assert not difference.significant  # three accounts a side say nothing beyond noise


def test_churn_by_csat_bucket(outcomes):
    # excellent: a3 a4 (100%); acceptable: a2 (75%); action: a1 a11 (0%); a5 has no rating.
    d = outcomes.dimension("csat_bucket")
    assert _rates(outcomes, "csat_bucket") == {"excellent": (2, 0, 0.0), "acceptable": (1, 1, 100.0),
                                               "action": (2, 1, 50.0)}
    assert d.left_out == 1
    assert {x.group: x.value for x in d.differences} == {"acceptable": 100.0, "action": 50.0}


def test_churn_by_first_reply_sla(outcomes):
    # met: a1 a3 a4 (a1 churned); missed: a2 a11 (a2 churned); a5 settled no ticket.
    d = outcomes.dimension("first_reply_sla")
    assert _rates(outcomes, "first_reply_sla") == {"missed": (2, 1, 50.0), "met": (3, 1, 33.33)}
    assert d.left_out == 1
    assert d.differences[0].value == pytest.approx(50.0 - 100 / 3)


def test_churn_by_nps_group(outcomes):
    # promoters: a3 (latest 10) a4; passive: a2; detractors: a1 (3; its 10 came after churn) a11.
    d = outcomes.dimension("nps_group")
    assert _rates(outcomes, "nps_group") == {"promoter": (2, 0, 0.0), "passive": (1, 1, 100.0),
                                             "detractor": (2, 1, 50.0)}
    assert d.left_out == 1


def test_lifetime_value_by_group_with_its_interval(outcomes):
    # Revenue so far: monthly revenue x days from 1 January to churn or the window's end / 30.4375.
    month = 30.4375
    a1, a2, a11 = 100 * 282 / month, 200 * 292 / month, 80 * 304 / month
    bad = outcomes.dimension("bad_rating").group("bad")
    mean = (a1 + a2 + a11) / 3
    sd = math.sqrt(((a1 - mean) ** 2 + (a2 - mean) ** 2 + (a11 - mean) ** 2) / 2)
    half = 4.302652729911275 * sd / math.sqrt(3)  # t(0.975, 2 df)
    assert (bad.ltv_n, bad.ltv_mean) == (3, pytest.approx(mean))
    assert mean - half < 0  # three spread-out values: the interval reaches below zero, cut at zero
    assert (bad.ltv_low, bad.ltv_high) == (0.0, pytest.approx(mean + half))
    none = outcomes.dimension("bad_rating").group("none")  # a4 has no revenue: a3 and a5 only
    assert (none.ltv_n, none.ltv_mean) == (2, pytest.approx((50 * 304 / month + 120 * 287 / month) / 2))


def test_small_groups_are_flagged_and_an_empty_group_has_no_rate():
    flagged = support_outcomes(accounts(), START, END, now=NOW, config=CONFIG)
    assert all(g.insufficient_data for d in flagged.dimensions for g in d.groups)
    nobody = support_outcomes([], START, END, now=NOW, config=CONFIG)
    group = nobody.dimension("bad_rating").group("bad")
    assert (group.accounts, group.churn_rate, group.ci_low, group.ltv_mean) == (0, None, None, None)
    assert nobody.dimension("bad_rating").differences[0].value is None


def test_newcombe_interval_matches_the_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873, table II, example (a): 56/70 - 48/80,
    # method 10 gives 0.0524 to 0.3339.
    low, high = newcombe_difference(56, 70, 48, 80)
    assert (round(low / 100, 4), round(high / 100, 4)) == (0.0524, 0.3339)
    assert newcombe_difference(1, 2, 0, 0) is None
