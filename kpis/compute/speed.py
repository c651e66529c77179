"""Speed: first reply, first and full resolution (median, mean, p90, business twins), reply SLA."""

from __future__ import annotations

import numpy as np

from kpis import stats
from kpis.compute.common import Grouping, Raw, Span, in_span, rate
from kpis.dataset import NO_TIME, TicketColumns

_QUANTILES = (0.5, 0.9)


def _time_kpis(stem: str, codes: np.ndarray, values: np.ndarray, population: np.ndarray, groups: int) -> dict[str, Raw]:
    n, mean, q = stats.quantiles(codes, values, population, groups, _QUANTILES)
    return {
        f"{stem}_median": Raw(value=q[0.5], n=n),
        f"{stem}_mean": Raw(value=mean, n=n),
        f"{stem}_p90": Raw(value=q[0.9], n=n),
    }


def speed_kpis(t: TicketColumns, g: Grouping, span: Span, sla_minutes: np.ndarray) -> dict[str, Raw]:
    """``sla_minutes``: the first-reply target of each ticket (by its priority), in minutes."""
    codes, groups = g.tickets, g.groups
    live = ~t.excluded
    created = live & in_span(t.created, span)
    solved = live & in_span(t.solved, span)
    out: dict[str, Raw] = {}
    for stem, values, business, population in (
        ("first_reply_time", t.first_reply, t.first_reply_business, created),
        ("first_resolution_time", t.first_resolution, t.first_resolution_business, solved),
        ("full_resolution_time", t.full_resolution, t.full_resolution_business, solved),
    ):
        out.update(_time_kpis(stem, codes, values, population, groups))
        business_kpis = _time_kpis(stem, codes, business, population, groups)
        out.update({f"{key}_business": raw for key, raw in business_kpis.items()})

    # First reply within target: replied tickets by their reply time; unreplied, unsolved tickets
    # count as missed once the target has passed at the earlier of W.end and now, and are left out
    # before that; tickets solved without any public reply are left out.
    replied = created & ~np.isnan(t.first_reply)
    hit = replied & (t.first_reply <= sla_minutes)
    horizon = min(span.end, span.now)
    unreplied_open = created & np.isnan(t.first_reply) & (t.solved == NO_TIME)
    overdue = unreplied_open & (t.created + sla_minutes * 60 <= horizon)
    n = stats.count(codes, replied | overdue, groups)
    out["first_reply_sla_rate"] = rate(stats.count(codes, hit, groups), n)
    return out
