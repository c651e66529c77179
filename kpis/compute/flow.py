"""Volume and flow: created, solved, resolution rate, backlog, reopens, FCR, one-touch."""

from __future__ import annotations

import numpy as np

from kpis import stats
from kpis.catalogue import BACKLOG_AGES
from kpis.compute.common import Grouping, Raw, Span, TicketPopulations, rate
from kpis.dataset import PRIORITIES, TicketColumns

DAY = 86_400


def flow_kpis(t: TicketColumns, g: Grouping, span: Span, pops: TicketPopulations) -> dict[str, Raw]:
    created, solved = pops.created, pops.solved
    out: dict[str, Raw] = {}

    n_created = created.counts()
    out["tickets_created"] = Raw(value=n_created.astype(np.float64))
    out["tickets_solved"] = Raw(value=solved.counts().astype(np.float64))

    # Of the tickets created in W, those solved before W ends (latest solve).
    out["resolution_rate"] = rate(created.counts(t.solved[created.rows] < span.end), n_created)

    # Open at W.end: created before it and not solved by then (latest solve null or later).
    backlog = stats.population(g.tickets, ~t.excluded & (t.created < span.end) & (t.solved >= span.end), g.groups)
    age = span.end - t.created[backlog.rows]
    priority = t.priority[backlog.rows]
    bounds = (0, DAY, 3 * DAY, 7 * DAY, np.iinfo(np.int64).max)
    by_priority = {name: backlog.counts(priority == code) for code, name in enumerate(PRIORITIES)}
    by_priority["none"] = backlog.counts(priority < 0)
    out["backlog"] = Raw(
        value=backlog.counts().astype(np.float64),
        splits={
            "by_age": {name: backlog.counts((age >= low) & (age < high))
                       for name, low, high in zip(BACKLOG_AGES, bounds, bounds[1:])},
            "by_priority": by_priority,
        },
    )

    # Rates over the tickets solved in W; a ticket whose helpdesk does not report the count is left out.
    reopens, replies = t.reopens[solved.rows], t.replies[solved.rows]
    known_reopens, known_replies = ~np.isnan(reopens), ~np.isnan(replies)
    out["reopen_rate"] = rate(solved.counts(known_reopens & (reopens > 0)), solved.counts(known_reopens))
    out["one_touch_rate"] = rate(solved.counts(known_replies & (replies <= 1)), solved.counts(known_replies))
    known_both = known_replies & known_reopens
    fcr = known_both & (replies <= 1) & (reopens == 0)
    out["fcr_rate"] = rate(solved.counts(fcr), solved.counts(known_both))
    return out
