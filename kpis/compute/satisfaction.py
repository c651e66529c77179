"""Satisfaction and loyalty: CSAT, responses, response rate, CSSS, NPS, CES, low-rated tickets."""

from __future__ import annotations

import numpy as np

from kpis import stats
from kpis.compute.common import Grouping, Raw, Span, in_span, rate
from kpis.dataset import RatingColumns, SurveyColumns

NPS, CES = 0, 1


def satisfaction_kpis(r: RatingColumns, s: SurveyColumns, g: Grouping, span: Span) -> dict[str, Raw]:
    live = ~r.excluded
    # A rating is dated by when the customer gave or last changed it.
    received = stats.population(g.ratings, live & r.received & in_span(r.rated, span), g.groups)
    n = received.counts()
    out: dict[str, Raw] = {
        "csat": rate(received.counts(r.positive[received.rows]), n),
        "csat_responses": Raw(value=n.astype(np.float64)),
    }
    out["csat_response_rate"] = rate(n, stats.count(g.ratings, live & r.is_offer & in_span(r.offered, span), g.groups))

    out["csss"] = _csss(received, r.score)

    answered = in_span(s.answered, span)
    nps = stats.population(g.surveys, answered & (s.kind == NPS), g.groups)
    nps_n = nps.counts()
    nps_values = s.value[nps.rows]
    promoters, detractors = nps.counts(nps_values >= 9), nps.counts(nps_values <= 6)
    with np.errstate(invalid="ignore", divide="ignore"):
        nps_value = np.where(nps_n > 0, (promoters - detractors) / np.maximum(nps_n, 1) * 100, np.nan)
    out["nps"] = Raw(value=nps_value, n=nps_n, interval=stats.difference_interval(promoters, detractors, nps_n))

    ces = stats.population(g.surveys, answered & (s.kind == CES), g.groups)
    ces_n, ces_mean, ces_sd = stats.population_moments(ces, s.value)
    # Not clipped: answers come on each survey's own scale, which the mean does not know.
    out["ces"] = Raw(value=ces_mean, n=ces_n, interval=stats.t_interval(ces_mean, ces_sd, ces_n))
    out["ces_easy_rate"] = rate(ces.counts(s.easy[ces.rows]), ces_n)
    return out


def _csss(received: stats.Population, scores: np.ndarray) -> Raw:
    """CSSS: the mean of the 0..1 support satisfaction scores, times 100. A group whose scores
    are all 0 or 1 (good/bad ratings) is a proportion: Wilson on the sum of its scores. Otherwise
    a t interval of the mean, clipped to the scale [0, 100]."""
    n, mean, sd = stats.population_moments(received, scores)
    v = scores[received.rows]
    # An unmeasured (NaN) score is in neither n nor the test for 0/1.
    binary = received.counts(~np.isnan(v) & (v != 0) & (v != 1)) == 0
    wilson_low, wilson_high = stats.wilson_bounds(received.counts(v == 1), n)
    t_low, t_high = stats.t_interval(mean * 100, sd * 100, n)
    low = np.where(binary, wilson_low, np.maximum(t_low, 0.0))
    high = np.where(binary, wilson_high, np.minimum(t_high, 100.0))
    return Raw(value=mean * 100, n=n, interval=(low, high))


def low_rated(r: RatingColumns, g: Grouping, span: Span) -> list[list[int]]:
    """Per group, the indexes of received ratings in W scored below the middle of their scale
    (bad; 1-2 on 1..5), newest first."""
    low = stats.population(g.ratings, ~r.excluded & r.received & in_span(r.rated, span) & (r.score < 0.5), g.groups)
    newest = np.argsort(-r.rated[low.rows], kind="stable")  # ties: in row order, as each group holds them
    per_group: list[list[int]] = [[] for _ in range(g.groups)]
    for i, code in zip(low.rows[newest].tolist(), low.codes[newest].tolist()):
        per_group[code].append(i)
    return per_group
