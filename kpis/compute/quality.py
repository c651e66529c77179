"""Quality and productivity: review scores, review coverage, replies per solved ticket, solved per
agent working day (see docs/quality.md for the definitions)."""

from __future__ import annotations

import numpy as np

from kpis import stats
from kpis.compute.common import Grouping, Raw, Span, TicketPopulations, in_span, rate
from kpis.dataset import REPLIES, REVIEWED_TICKETS, REVIEWS, AttachedColumns, TicketColumns

#: The review categories with a KPI of their own (``qa_<category>``); a file may carry others.
QA_CATEGORIES = ("accuracy", "tone", "solution", "process")
SCORE = "score"
#: Every key :func:`quality_kpis` computes.
QUALITY_KEYS = ("qa_score", *(f"qa_{category}" for category in QA_CATEGORIES), "review_coverage",
                "replies_per_solved", "solved_per_agent_day")


def quality_kpis(t: TicketColumns, attached: dict[str, AttachedColumns], g: Grouping, span: Span,
                 pops: TicketPopulations, day_edges: np.ndarray) -> dict[str, Raw]:
    """``day_edges``: the window's local midnights as epoch seconds (first day's start .. end), which
    decide the day a reply falls on."""
    codes = {name: g.attached.get(name, np.full(len(a), -1, np.int32)) for name, a in attached.items()}
    reviews = attached[REVIEWS]
    made = stats.population(codes[REVIEWS], in_span(reviews.time, span), g.groups)
    out = {"qa_score": _mean_score(made, reviews.values[SCORE])}
    for category in QA_CATEGORIES:
        out[f"qa_{category}"] = _mean_score(made, reviews.values[f"qa_{category}"])

    # Of the tickets solved in W, those with a review of any date (grouped as the tickets are).
    reviewed = attached[REVIEWED_TICKETS]
    solved_n = pops.solved.counts()
    out["review_coverage"] = rate(stats.count(codes[REVIEWED_TICKETS], in_span(reviewed.time, span), g.groups),
                                  solved_n)

    # Public agent replies per solved ticket, over the solved tickets whose helpdesk gives the count.
    n, mean, sd = stats.population_moments(pops.solved, t.replies)
    out["replies_per_solved"] = Raw(value=mean, n=n, interval=stats.t_interval(mean, sd, n))

    days = _working_days(attached[REPLIES], codes[REPLIES], g.groups, span, day_edges)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_day = np.where(days > 0, solved_n / np.maximum(days, 1), np.nan)
    out["solved_per_agent_day"] = Raw(value=per_day, n=days)
    return out


def _mean_score(made: stats.Population, scores: np.ndarray) -> Raw:
    """The mean of 0..100 scores with a t interval, clipped to the scale."""
    n, mean, sd = stats.population_moments(made, scores)
    low, high = stats.t_interval(mean, sd, n)
    return Raw(value=mean, n=n, interval=(np.maximum(low, 0.0), np.minimum(high, 100.0)))


def _working_days(replies: AttachedColumns, codes: np.ndarray | stats.Population, groups: int, span: Span,
                  day_edges: np.ndarray) -> np.ndarray:
    """Per group, the distinct (agent, local day) pairs with at least one reply in W (by tag: of the
    replies in each of their ticket's tags)."""
    counted = in_span(replies.time, span) & (replies.agent >= 0)
    members = stats.population(codes, counted, groups)
    if not len(members.rows):
        return np.zeros(groups, dtype=np.int64)
    # By tag a reply is in up to four groups: its (agent, day) is found once per reply, finding
    # the day being the dearest step, and then gathered for each of its memberships.
    rows = np.flatnonzero(counted) if isinstance(codes, stats.Population) else members.rows
    agent = replies.agent[rows].astype(np.int64)
    # Day 0: before the first edge (none in W), so every reply of W has a day in 1..len(day_edges).
    day = np.searchsorted(day_edges, replies.time[rows], side="right")
    agents, days = int(agent.max()) + 1, len(day_edges) + 1
    pair = agent * days + day
    if rows is not members.rows:
        of_row = np.zeros(len(counted), dtype=np.int64)
        of_row[rows] = pair
        pair = of_row[members.rows]
    # One integer per (group, agent, day): distinct pairs without sorting rows of three columns.
    key = members.codes.astype(np.int64) * (agents * days) + pair
    per_group = agents * days
    if groups * per_group <= _MARKED_PAIRS:  # a mark per possible pair: linear, no sort
        seen = np.zeros(groups * per_group, dtype=bool)
        seen[key] = True
        return np.count_nonzero(seen.reshape(groups, per_group), axis=1).astype(np.int64)
    return np.bincount(np.unique(key) // per_group, minlength=groups)[:groups].astype(np.int64)


#: Up to this many possible (group, agent, day) pairs, distinct ones are marked in a boolean array
#: (that many bytes) rather than found by sorting.
_MARKED_PAIRS = 1 << 26
