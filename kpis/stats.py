"""Group-wise statistics over columnar arrays: counts, sums, quantiles, Wilson intervals.

Every function takes ``codes`` (the group of each row, ``-1`` for none) and a boolean ``mask``
(the population), and answers for all ``groups`` at once, so that a report over 200 agents costs
one pass, not 200.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z_95 = 1.959963984540054


def wilson(k: float, n: int) -> tuple[float, float] | None:
    """Wilson score 95% interval of k successes in n trials, as percentages; ``None`` when n = 0."""
    if n <= 0:
        return None
    p = k / n
    z2 = Z_95 * Z_95
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = Z_95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half) * 100, min(1.0, centre + half) * 100


def _valid(codes: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return mask & (codes >= 0)


def count(codes: np.ndarray, mask: np.ndarray, groups: int) -> np.ndarray:
    keep = _valid(codes, mask)
    if groups == 1:  # one group (overall): no gather, no bincount
        return np.array([np.count_nonzero(keep & (codes == 0))])
    return np.bincount(codes[keep], minlength=groups)[:groups]


def total(codes: np.ndarray, mask: np.ndarray, weights: np.ndarray, groups: int) -> np.ndarray:
    keep = _valid(codes, mask)
    return np.bincount(codes[keep], weights=weights[keep].astype(np.float64), minlength=groups)[:groups]


@dataclass(frozen=True)
class Population:
    """The rows of a population grouped by code (stable: each group keeps its rows' input order)."""

    rows: np.ndarray  # row indexes, group by group
    codes: np.ndarray  # their codes, ascending
    groups: int

    def counts(self, where: np.ndarray | None = None) -> np.ndarray:
        """Rows per group; ``where``: a condition on the population's rows (aligned with ``rows``)."""
        if self.groups == 1:  # every row is in group 0: no gather, no bincount
            return np.array([len(self.codes) if where is None else np.count_nonzero(where)])
        codes = self.codes if where is None else self.codes[where]
        return np.bincount(codes, minlength=self.groups)[: self.groups]


def population(codes: np.ndarray, mask: np.ndarray, groups: int) -> Population:
    rows = np.flatnonzero(_valid(codes, mask))
    c = codes[rows]
    if groups > 1:
        # A stable radix sort of small codes groups the rows without reordering any group.
        order = np.argsort(c.astype(np.int16) if groups < 2**15 else c, kind="stable")
        rows, c = rows[order], c[order]
    else:
        keep = c == 0
        rows, c = rows[keep], c[keep]
    return Population(rows, c, groups)


def quantiles(
    codes: np.ndarray, values: np.ndarray, mask: np.ndarray, groups: int, probabilities: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray, dict[float, np.ndarray]]:
    """Per group: n, mean, and each quantile (numpy's default linear interpolation), NaN where n = 0.

    Values that are NaN (not measured) are left out of the population.
    """
    return population_quantiles(population(codes, mask, groups), values, probabilities)


def population_quantiles(
    pop: Population, values: np.ndarray, probabilities: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray, dict[float, np.ndarray]]:
    """:func:`quantiles` over a grouped population. Exact: each group's values are partitioned
    around the ranks its quantiles need (``np.partition``) rather than sorted."""
    groups = pop.groups
    v = np.asarray(values[pop.rows], dtype=np.float64)
    measured = ~np.isnan(v)
    c = pop.codes
    if not measured.all():
        v, c = v[measured], c[measured]
    n = np.bincount(c, minlength=groups)[:groups]
    ends = np.cumsum(n)
    sums = np.bincount(c, weights=v, minlength=groups)[:groups]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, sums / np.maximum(n, 1), np.nan)
    result: dict[float, np.ndarray] = {p: np.full(groups, np.nan) for p in probabilities}
    if probabilities:
        for group in np.flatnonzero(n).tolist():
            size = int(n[group])
            segment = v[ends[group] - size : ends[group]]
            ranks = {}
            for p in probabilities:
                position = (size - 1) * p
                low = int(np.floor(position))
                ranks[p] = (low, min(low + 1, size - 1), position - low)
            # In place: ``v`` is this function's own copy.
            segment.partition(sorted({r for low, high, _ in ranks.values() for r in (low, high)}))
            for p, (low, high, fraction) in ranks.items():
                result[p][group] = segment[low] + (segment[high] - segment[low]) * fraction
    return n, mean, result


def percent_change(value: float | None, previous: float | None) -> float | None:
    """Relative change in percent; ``None`` when there is no previous value or it is zero."""
    if value is None or previous is None or previous == 0:
        return None
    return (value - previous) / abs(previous) * 100


def point_change(value: float | None, previous: float | None) -> float | None:
    """Difference in points (percentage points for rates)."""
    if value is None or previous is None:
        return None
    return value - previous
