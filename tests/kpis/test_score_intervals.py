"""95% intervals of the scores (csss, nps, ces); every expected bound is worked out by hand below.

z = 1.959964 (the normal 97.5% quantile), z² = 3.841459; t quantiles from a printed t table.
"""

from __future__ import annotations

import pytest

from kpis import stats
from kpis.engine import KpiConfig
from kpis.imported_records import SurveyAnswer
from kpis.records import RatingScale, SurveyKind
from tests.kpis.test_kpis import IN_W, metric, rating, report, t


def answer(i, kind, value, lo, hi):
    return SurveyAnswer("file", "s", str(i), kind, value, IN_W, lo, hi)


def rated(raws, scale=RatingScale.GOOD_BAD):
    return [t(i, solved=IN_W) for i in range(len(raws))], [rating(i, i, raw, scale=scale) for i, raw in enumerate(raws)]


def test_csss_of_good_bad_ratings_is_a_proportion_with_a_wilson_interval():
    # 8 good (score 1) and 2 bad (score 0): csss = 80, and the sum of scores is k = 8 of n = 10.
    # Wilson: p = .8; denominator = 1 + z²/n = 1.384146;
    # centre = (.8 + z²/20) / 1.384146 = .992073 / 1.384146 = .716740;
    # half = z · sqrt(.8 · .2 / 10 + z²/400) / 1.384146 = 1.959964 · sqrt(.025604) / 1.384146 = .226578
    # -> [49.02, 94.33].
    csss = metric(report(*rated(["good"] * 8 + ["bad"] * 2)), "csss")
    assert (csss.value, csss.n) == (pytest.approx(80.0), 10)
    assert csss.ci_low == pytest.approx(49.02, abs=0.01) and csss.ci_high == pytest.approx(94.33, abs=0.01)


def test_csss_of_graded_scores_has_a_t_interval_clipped_to_the_scale():
    # 1..5 ratings 5, 4, 3, 3, 1 -> scores ×100: 100, 75, 50, 50, 0; mean 55, n = 5.
    # Deviations 45, 20, -5, -5, -55; squares 2025 + 400 + 25 + 25 + 3025 = 5500;
    # sd = sqrt(5500 / 4) = 37.0810; standard error 37.0810 / sqrt(5) = 16.5831;
    # t(.975, 4 df) = 2.7764; half = 2.7764 · 16.5831 = 46.042 -> [8.96, 101.04], high clipped to 100.
    csss = metric(report(*rated([5, 4, 3, 3, 1], RatingScale.ONE_TO_FIVE)), "csss")
    assert (csss.value, csss.n) == (pytest.approx(55.0), 5)
    assert csss.ci_low == pytest.approx(8.96, abs=0.01)
    assert csss.ci_high == 100.0


def test_nps_has_the_interval_of_a_difference_of_two_shares():
    # 7 answers: 10, 10, 9 (3 promoters), 8, 7 (passives), 6, 0 (2 detractors).
    # NPS = (3 - 2) / 7 · 100 = 14.29. p_P = 3/7, p_D = 2/7;
    # var = (p_P + p_D - (p_P - p_D)²) / n = (5/7 - 1/49) / 7 = (34/49) / 7 = 34/343 = .099125;
    # half = z · sqrt(.099125) · 100 = 1.959964 · .314842 · 100 = 61.708 -> [-47.42, 75.99].
    values = [10, 10, 9, 8, 7, 6, 0]
    nps = metric(report(surveys=[answer(i, SurveyKind.NPS, v, 0, 10) for i, v in enumerate(values)]), "nps")
    assert (nps.value, nps.n) == (pytest.approx(100 / 7), 7)
    assert nps.ci_low == pytest.approx(-47.42, abs=0.01) and nps.ci_high == pytest.approx(75.99, abs=0.01)


def test_nps_interval_stays_within_minus_100_and_100():
    # 9 promoters, 1 passive: NPS 90; var = (.9 + 0 - .81) / 10 = .009;
    # half = z · sqrt(.009) · 100 = 1.959964 · .094868 · 100 = 18.59 -> [71.41, 108.59], high clipped to 100.
    values = [10] * 9 + [8]
    nps = metric(report(surveys=[answer(i, SurveyKind.NPS, v, 0, 10) for i, v in enumerate(values)]), "nps")
    assert nps.value == pytest.approx(90.0)
    assert nps.ci_low == pytest.approx(71.41, abs=0.01) and nps.ci_high == 100.0


def test_ces_has_a_t_interval_of_its_mean():
    # 7, 6, 5, 1 on 1..7: mean 4.75; deviations 2.25, 1.25, .25, -3.75;
    # squares 5.0625 + 1.5625 + .0625 + 14.0625 = 20.75; sd = sqrt(20.75 / 3) = 2.62996;
    # standard error 2.62996 / 2 = 1.31498; t(.975, 3 df) = 3.1824; half = 4.1848 -> [0.57, 8.93].
    surveys = [answer(i, SurveyKind.CES, v, 1, 7) for i, v in enumerate([7, 6, 5, 1])]
    rep = report(surveys=surveys)
    ces = metric(rep, "ces")
    assert (ces.value, ces.n) == (pytest.approx(4.75), 4)
    assert ces.ci_low == pytest.approx(0.565, abs=0.001) and ces.ci_high == pytest.approx(8.935, abs=0.001)
    # ces_easy_rate keeps its Wilson interval: 2 easy (6, 7) of 4, p = .5; denominator 1 + z²/4 = 1.960365;
    # centre = (.5 + z²/8) / 1.960365 = .980182 / 1.960365 = .5; half = z · sqrt(.0625 + z²/64) / 1.960365
    # = 1.959964 · sqrt(.122523) / 1.960365 = .349960 -> [15.00, 85.00].
    easy = metric(rep, "ces_easy_rate")
    assert easy.ci_low == pytest.approx(15.00, abs=0.01) and easy.ci_high == pytest.approx(85.00, abs=0.01)


def test_one_answer_has_a_value_but_no_t_interval():
    # n = 1 leaves 0 degrees of freedom: a spread cannot be estimated from one value.
    ces = metric(report(surveys=[answer(1, SurveyKind.CES, 5, 1, 7)]), "ces")
    assert (ces.value, ces.n, ces.ci_low, ces.ci_high) == (5.0, 1, None, None)
    csss = metric(report(*rated([4], RatingScale.ONE_TO_FIVE)), "csss")
    assert (csss.value, csss.ci_low, csss.ci_high) == (75.0, None, None)


def test_scores_below_min_sample_are_flagged_insufficient_and_keep_their_interval():
    ratings = rated(["good", "good", "bad", "good"])
    surveys = [answer(i, SurveyKind.NPS, v, 0, 10) for i, v in enumerate([10, 9, 6, 8])]
    surveys += [answer(10 + i, SurveyKind.CES, v, 1, 7) for i, v in enumerate([7, 6, 5, 1])]
    four = report(*ratings, surveys=surveys, config=KpiConfig(min_sample=5))
    for key in ("csss", "nps", "ces"):
        m = metric(four, key)
        assert (m.n, m.insufficient_data) == (4, True), key
        assert m.ci_low is not None and m.ci_high is not None, key
    enough = report(*ratings, surveys=surveys, config=KpiConfig(min_sample=4))
    assert [metric(enough, key).insufficient_data for key in ("csss", "nps", "ces")] == [False, False, False]


def test_intervals_reach_the_json_report():
    # The CES case above: [0.565, 8.935] rounds to [0.6, 8.9] in the JSON, like every interval.
    surveys = [answer(i, SurveyKind.CES, v, 1, 7) for i, v in enumerate([7, 6, 5, 1])]
    metrics = report(surveys=surveys).as_json()["rows"][0]["metrics"]
    assert (metrics["ces"]["ci_low"], metrics["ces"]["ci_high"]) == (0.6, 8.9)
    # Nothing measured: the keys are there, with null.
    assert (metrics["nps"]["ci_low"], metrics["nps"]["ci_high"]) == (None, None)
    assert (metrics["csss"]["ci_low"], metrics["csss"]["ci_high"]) == (None, None)


@pytest.mark.parametrize(
    ("df", "table"),
    # t(.975, df) from a printed t table.
    [(1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571), (10, 2.228), (20, 2.086), (30, 2.042),
     (60, 2.000), (100, 1.984), (120, 1.980), (1000, 1.962)],
)
def test_t_quantile_matches_the_table_to_three_decimals(df, table):
    assert stats.t_975(df) == pytest.approx(table, abs=0.0005)
