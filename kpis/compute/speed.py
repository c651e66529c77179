"""Speed: first reply, first and full resolution (median, mean, p90, business twins), reply SLA."""

from __future__ import annotations

import numpy as np

from kpis import stats
from kpis.compute.common import Raw, Span, TicketPopulations, rate
from kpis.compute.selection import EVERY, Selection
from kpis.dataset import NO_TIME, TicketColumns

_QUANTILES = (0.5, 0.9)


def _time_kpis(stem: str, population: stats.Population, values: np.ndarray) -> dict[str, Raw]:
    n, mean, q = stats.population_quantiles(population, values, _QUANTILES)
    return {
        f"{stem}_median": Raw(value=q[0.5], n=n),
        f"{stem}_mean": Raw(value=mean, n=n),
        f"{stem}_p90": Raw(value=q[0.9], n=n),
    }


#: Each time KPI's stem, the ticket column it measures and the population it measures it over.
TIME_MEASURES = (
    ("first_reply_time", "first_reply", "created"),
    ("first_resolution_time", "first_resolution", "solved"),
    ("full_resolution_time", "full_resolution", "solved"),
)


def time_measure(key: str) -> tuple[str, str, float | None]:
    """``(ticket column, population, quantile)`` of a time KPI key (quantile None for the mean)."""
    for stem, column, population in TIME_MEASURES:
        if key.startswith(stem + "_"):
            rest = key[len(stem) + 1:]
            business = rest.endswith("_business")
            statistic = rest.removesuffix("_business")
            quantile = {"median": 0.5, "p90": 0.9, "mean": None}[statistic]
            return column + ("_business" if business else ""), population, quantile
    raise KeyError(key)


def speed_kpis(t: TicketColumns, span: Span, pops: TicketPopulations, sla_minutes: np.ndarray,
               wanted: Selection = EVERY) -> dict[str, Raw]:
    """``sla_minutes``: the first-reply target of each ticket (by its priority), in minutes.
    ``wanted``: a measure's median, mean and p90 (or their business twins) come together, one
    pass over its population, when any of them is wanted."""
    created = pops.created
    out: dict[str, Raw] = {}
    for stem, column, population_name in TIME_MEASURES:
        population = getattr(pops, population_name)
        for suffix in ("", "_business"):
            if not wanted.wants(f"{stem}_{statistic}{suffix}" for statistic in ("median", "mean", "p90")):
                continue
            kpis = _time_kpis(stem, population, getattr(t, column + suffix))
            out.update({f"{key}{suffix}": raw for key, raw in kpis.items()})
    if not wanted.wants_key("first_reply_sla_rate"):
        return out

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
