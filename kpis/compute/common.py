"""What every per-window computation shares: its inputs and the shape of its answer."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kpis import stats
from kpis.dataset import TicketColumns


@dataclass(frozen=True)
class Grouping:
    """Which group each ticket, rating and survey answer counts for (``-1``: none), and how many groups.

    Where groups overlap (tags: a ticket is in each of its tags), each kind is instead a
    :class:`~kpis.stats.Population` of every (row, group) membership, made once for every
    population of both windows (see :mod:`kpis.stats`)."""

    tickets: np.ndarray | stats.Population
    ratings: np.ndarray | stats.Population
    surveys: np.ndarray | stats.Population
    groups: int
    #: One group holding everything (the overall scope).
    overall: bool = False
    #: The group of each row of each attached set (reviews, replies...; see kpis.dataset.ATTACHED).
    attached: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class Span:
    """One window as epoch seconds, plus the run's clock reading (``now``) for "so far" rules."""

    start: int
    end: int
    now: int


@dataclass(frozen=True)
class Raw:
    """One KPI for every group of one window: ``value`` (NaN where nothing could be measured),
    the population ``n``, for rates the successes ``k`` (the engine derives their Wilson interval)
    and, for scores, their 95% interval as (low, high) arrays, NaN where there is none."""

    value: np.ndarray
    n: np.ndarray | None = None
    k: np.ndarray | None = None
    interval: tuple[np.ndarray, np.ndarray] | None = None
    #: Per-group breakdowns (backlog by age and priority), keyed by split name then bucket.
    splits: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


def rate(k: np.ndarray, n: np.ndarray) -> Raw:
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(n > 0, k / np.maximum(n, 1) * 100.0, np.nan)
    return Raw(value=value, n=n.astype(np.int64), k=k.astype(np.float64))


def in_span(times: np.ndarray, span: Span) -> np.ndarray:
    return (times >= span.start) & (times < span.end)


@dataclass(frozen=True)
class TicketPopulations:
    """The live tickets created in W and solved in W, grouped (shared by flow and speed KPIs)."""

    created: stats.Population
    solved: stats.Population

    @classmethod
    def of(cls, t: TicketColumns, g: Grouping, span: Span) -> TicketPopulations:
        live = ~t.excluded
        return cls(
            created=stats.population(g.tickets, live & in_span(t.created, span), g.groups),
            solved=stats.population(g.tickets, live & in_span(t.solved, span), g.groups),
        )
