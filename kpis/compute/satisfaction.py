"""Satisfaction and loyalty: CSAT, responses, response rate, CSSS, NPS, CES, low-rated tickets."""

from __future__ import annotations

import numpy as np

from kpis import stats
from kpis.compute.common import Grouping, Raw, Span, in_span, rate
from kpis.dataset import RatingColumns, SurveyColumns

NPS, CES = 0, 1


def satisfaction_kpis(r: RatingColumns, s: SurveyColumns, g: Grouping, span: Span) -> dict[str, Raw]:
    codes, groups = g.ratings, g.groups
    live = ~r.excluded
    # A rating is dated by when the customer gave or last changed it.
    received = live & r.received & in_span(r.rated, span)
    n = stats.count(codes, received, groups)
    out: dict[str, Raw] = {
        "csat": rate(stats.count(codes, received & r.positive, groups), n),
        "csat_responses": Raw(value=n.astype(np.float64)),
    }
    offered = live & r.is_offer & in_span(r.offered, span)
    out["csat_response_rate"] = rate(n, stats.count(codes, offered, groups))

    # CSSS: mean of the 0..1 support satisfaction scores, times 100.
    csss_n, csss_mean, _ = stats.quantiles(codes, r.score, received, groups, ())
    out["csss"] = Raw(value=csss_mean * 100, n=csss_n)

    scodes = g.surveys
    answered = in_span(s.answered, span)
    nps = answered & (s.kind == NPS)
    nps_n = stats.count(scodes, nps, groups)
    promoters = stats.count(scodes, nps & (s.value >= 9), groups)
    detractors = stats.count(scodes, nps & (s.value <= 6), groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        nps_value = np.where(nps_n > 0, (promoters - detractors) / np.maximum(nps_n, 1) * 100, np.nan)
    out["nps"] = Raw(value=nps_value, n=nps_n)

    ces = answered & (s.kind == CES)
    ces_n, ces_mean, _ = stats.quantiles(scodes, s.value, ces, groups, ())
    out["ces"] = Raw(value=ces_mean, n=ces_n)
    out["ces_easy_rate"] = rate(stats.count(scodes, ces & s.easy, groups), ces_n)
    return out


def low_rated(r: RatingColumns, g: Grouping, span: Span) -> list[list[int]]:
    """Per group, the indexes of received ratings in W scored below the middle of their scale
    (bad; 1-2 on 1..5), newest first."""
    low = ~r.excluded & r.received & in_span(r.rated, span) & (r.score < 0.5) & (g.ratings >= 0)
    index = np.flatnonzero(low)
    index = index[np.argsort(-r.rated[index], kind="stable")]
    per_group: list[list[int]] = [[] for _ in range(g.groups)]
    for i, code in zip(index.tolist(), g.ratings[index].tolist()):
        per_group[code].append(i)
    return per_group
