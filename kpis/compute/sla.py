"""SLA achievement from the helpdesk's own SLA policies: targets achieved over targets settled.

Each ticket carries, per policy metric, how many of its targets were achieved and breached and
when the last of them was settled (:mod:`kpis.sla_outcomes`); targets still active or paused
without a breach are in neither. Over the live tickets whose targets of a metric were settled in
the window, the metric's rate is achieved / (achieved + breached) and its ``n`` is that number of
targets, as Explore's "SLA achievement rate" counts them; the overall rate pools every metric's
targets. No policy data: no value (the configured targets of ``first_reply_sla_rate`` still apply).
"""

from __future__ import annotations

import numpy as np

from kpis import stats
from kpis.compute.common import Grouping, Raw, Span, rate
from kpis.dataset import TicketColumns
from kpis.sla_outcomes import SLA_METRICS
from kpis.stats import Population
from kpis.ticket_measures import sla_columns

#: Each per-metric KPI key and its metric, in catalogue order.
SLA_KEYS: tuple[tuple[str, str], ...] = tuple((f"sla_{metric}_achievement", metric) for metric in SLA_METRICS)
OVERALL_KEY = "sla_achievement_rate"


def _totals(population: Population, values: np.ndarray) -> np.ndarray:
    """Per group: the sum of a count column over the population (NaN, not measured, counts 0)."""
    v = np.nan_to_num(np.asarray(values[population.rows], dtype=np.float64))
    return np.bincount(population.codes, weights=v, minlength=population.groups)[: population.groups]


def sla_kpis(t: TicketColumns, g: Grouping, span: Span) -> dict[str, Raw]:
    out: dict[str, Raw] = {}
    live = ~t.excluded
    all_achieved = np.zeros(g.groups)
    all_settled = np.zeros(g.groups)
    for key, metric in SLA_KEYS:
        achieved_column, breached_column, settled_column = sla_columns(metric)
        when = getattr(t, settled_column)  # NaN (never settled) is in no window
        population = stats.population(g.tickets, live & (when >= span.start) & (when < span.end), g.groups)
        achieved = _totals(population, getattr(t, achieved_column))
        settled = achieved + _totals(population, getattr(t, breached_column))
        out[key] = rate(achieved, settled)
        all_achieved += achieved
        all_settled += settled
    out[OVERALL_KEY] = rate(all_achieved, all_settled)
    return out
