"""Speed: first reply, first and full resolution (median, mean, p90, business twins), reply SLA."""

from __future__ import annotations

import numpy as np

from kpis import stats
from kpis.compute.common import Raw, Span, TicketPopulations, rate
from kpis.dataset import NO_TIME, TicketColumns

_QUANTILES = (0.5, 0.9)


def _time_kpis(stem: str, population: stats.Population, values: np.ndarray) -> dict[str, Raw]:
    n, mean, q = stats.population_quantiles(population, values, _QUANTILES)
    return {
        f"{stem}_median": Raw(value=q[0.5], n=n),
        f"{stem}_mean": Raw(value=mean, n=n),
        f"{stem}_p90": Raw(value=q[0.9], n=n),
    }


def speed_kpis(t: TicketColumns, span: Span, pops: TicketPopulations, sla_minutes: np.ndarray) -> dict[str, Raw]:
    """``sla_minutes``: the first-reply target of each ticket (by its priority), in minutes."""
    created, solved = pops.created, pops.solved
    out: dict[str, Raw] = {}
    for stem, values, business, population in (
        ("first_reply_time", t.first_reply, t.first_reply_business, created),
        ("first_resolution_time", t.first_resolution, t.first_resolution_business, solved),
        ("full_resolution_time", t.full_resolution, t.full_resolution_business, solved),
    ):
        out.update(_time_kpis(stem, population, values))
        business_kpis = _time_kpis(stem, population, business)
        out.update({f"{key}_business": raw for key, raw in business_kpis.items()})

    # First reply within target: replied tickets by their reply time; unreplied, unsolved tickets
    # count as missed once the target has passed at the earlier of W.end and now, and are left out
    # before that; tickets solved without any public reply are left out.
    rows = created.rows
    first_reply, target = t.first_reply[rows], sla_minutes[rows]
    replied = ~np.isnan(first_reply)
    hit = replied & (first_reply <= target)
    horizon = min(span.end, span.now)
    overdue = ~replied & (t.solved[rows] == NO_TIME) & (t.created[rows] + target * 60 <= horizon)
    out["first_reply_sla_rate"] = rate(created.counts(hit), created.counts(replied | overdue))
    return out
