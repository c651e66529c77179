"""Volume and flow: created, solved, resolution rate, backlog, reopens, FCR, one-touch."""

from __future__ import annotations

import numpy as np

from kpis import stats
from kpis.catalogue import BACKLOG_AGES
from kpis.compute.common import Grouping, Raw, Span, in_span, rate
from kpis.dataset import PRIORITIES, TicketColumns

DAY = 86_400


def flow_kpis(t: TicketColumns, g: Grouping, span: Span) -> dict[str, Raw]:
    codes, groups = g.tickets, g.groups
    live = ~t.excluded
    created = live & in_span(t.created, span)
    solved = live & in_span(t.solved, span)
    out: dict[str, Raw] = {}

    n_created = stats.count(codes, created, groups)
    n_solved = stats.count(codes, solved, groups)
    out["tickets_created"] = Raw(value=n_created.astype(np.float64))
    out["tickets_solved"] = Raw(value=n_solved.astype(np.float64))

    # Of the tickets created in W, those solved before W ends (latest solve).
    out["resolution_rate"] = rate(stats.count(codes, created & (t.solved < span.end), groups), n_created)

    # Open at W.end: created before it and not solved by then (latest solve null or later).
    backlog = live & (t.created < span.end) & (t.solved >= span.end)
    age = span.end - t.created
    bounds = (0, DAY, 3 * DAY, 7 * DAY, np.iinfo(np.int64).max)
    age_buckets = {name: (age >= low) & (age < high) for name, low, high in zip(BACKLOG_AGES, bounds, bounds[1:])}
    by_priority = {name: t.priority == code for code, name in enumerate(PRIORITIES)}
    by_priority["none"] = t.priority < 0
    out["backlog"] = Raw(
        value=stats.count(codes, backlog, groups).astype(np.float64),
        splits={
            "by_age": {k: stats.count(codes, backlog & m, groups) for k, m in age_buckets.items()},
            "by_priority": {k: stats.count(codes, backlog & m, groups) for k, m in by_priority.items()},
        },
    )

    # Rates over the tickets solved in W; a ticket whose helpdesk does not report the count is left out.
    known_reopens = solved & ~np.isnan(t.reopens)
    reopened = known_reopens & (t.reopens > 0)
    out["reopen_rate"] = rate(stats.count(codes, reopened, groups), stats.count(codes, known_reopens, groups))

    known_replies = solved & ~np.isnan(t.replies)
    one_touch = known_replies & (t.replies <= 1)
    out["one_touch_rate"] = rate(stats.count(codes, one_touch, groups), stats.count(codes, known_replies, groups))

    known_both = known_replies & ~np.isnan(t.reopens)
    fcr = known_both & (t.replies <= 1) & (t.reopens == 0)
    out["fcr_rate"] = rate(stats.count(codes, fcr, groups), stats.count(codes, known_both, groups))
    return out

