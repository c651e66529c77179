"""Group-wise statistics over columnar arrays: counts, sums, quantiles, 95% intervals.

Every function takes ``codes`` (the group of each row, ``-1`` for none) and a boolean ``mask``
(the population), and answers for all ``groups`` at once, so that a report over 200 agents costs
one pass, not 200. Where a row can be in several groups (a ticket in each of its tags), ``codes``
is instead a :class:`Population` of every (row, group) membership, which each ``mask`` filters:
the rows' columns are not repeated per group.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

Z_95 = 1.959963984540054


def proportions_differ(p1: float, n1: int, p0: float, n0: int) -> bool:
    """Two proportions (0..1) of n1 and n0 trials differ beyond noise: pooled two-proportion z test
    at the 95% level."""
    pooled = (p1 * n1 + p0 * n0) / (n1 + n0)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n0)
    return variance > 0 and abs(p1 - p0) / math.sqrt(variance) > Z_95


def wilson(k: float, n: int) -> tuple[float, float] | None:
    """Wilson score 95% interval of k successes in n trials, as percentages; ``None`` when n = 0."""
    if n <= 0:
        return None
    low, high = wilson_bounds(np.array([float(k)]), np.array([n]))
    return float(low[0]), float(high[0])


def wilson_bounds(k: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`wilson` for every group at once (``k`` may be a sum of 0/1 scores); NaN where n = 0."""
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        z2 = Z_95 * Z_95
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = Z_95 * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    empty = n <= 0
    return (np.where(empty, np.nan, np.maximum(0.0, centre - half) * 100),
            np.where(empty, np.nan, np.minimum(1.0, centre + half) * 100))


def newcombe_difference(k1: float, n1: int, k0: float, n0: int) -> tuple[float, float] | None:
    """95% interval of p1 - p0, two proportions of independent samples (k1 of n1, k0 of n0), in
    percentage points: Newcombe's hybrid score interval (method 10, Statistics in Medicine 1998),
    built from each proportion's Wilson interval; ``None`` when either sample is empty."""
    one, zero = wilson(k1, n1), wilson(k0, n0)
    if one is None or zero is None:
        return None
    p1, p0 = k1 / n1 * 100, k0 / n0 * 100
    (l1, u1), (l0, u0) = one, zero
    difference = p1 - p0
    return (difference - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2),
            difference + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2))


def t_interval(mean: np.ndarray, sd: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Student t 95% interval of a mean, mean ± t(0.975, n - 1) · sd / √n; NaN where n < 2
    (one value says nothing about the spread)."""
    n = np.asarray(n)
    t = np.array([t_975(int(size) - 1) if size >= 2 else np.nan for size in n.tolist()])
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(n >= 2, t * sd / np.sqrt(np.maximum(n, 1)), np.nan)
    return mean - half, mean + half


def difference_interval(k1: np.ndarray, k2: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% interval of p1 - p2, two shares of one multinomial sample of n (NPS: promoters minus
    detractors), in points within [-100, 100]: var = (p1 + p2 - (p1 - p2)²) / n; NaN where n = 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = k1 / n, k2 / n
        half = Z_95 * np.sqrt(np.maximum(p1 + p2 - (p1 - p2) ** 2, 0.0) / n)
    empty = np.asarray(n) <= 0
    difference = p1 - p2
    return (np.where(empty, np.nan, np.maximum(-1.0, difference - half) * 100),
            np.where(empty, np.nan, np.minimum(1.0, difference + half) * 100))


@functools.lru_cache(maxsize=None)
def t_975(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` >= 1 degrees of freedom (the 95% two-sided
    multiplier), without scipy: up to 100 df by bisection on the exact central probability;
    above, the Cornish-Fisher expansion in 1/df, whose error there is below 1e-9."""
    if df < 1:
        raise ValueError("the t distribution needs at least 1 degree of freedom")
    if df > 100:
        x = Z_95
        g1 = (x**3 + x) / 4
        g2 = (5 * x**5 + 16 * x**3 + 3 * x) / 96
        g3 = (3 * x**7 + 19 * x**5 + 17 * x**3 - 15 * x) / 384
        g4 = (79 * x**9 + 776 * x**7 + 1482 * x**5 - 1920 * x**3 - 945 * x) / 92160
        return x + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4
    low, high = Z_95, 13.0  # t(0.975) lies between the normal quantile and t(0.975, 1) = 12.71
    for _ in range(64):
        middle = (low + high) / 2
        if _t_central(middle, df) < 0.95:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _t_central(t: float, df: int) -> float:
    """P(|T| < t) for integer df: the finite series of Abramowitz & Stegun 26.7.3-4."""
    theta = math.atan(t / math.sqrt(df))
    sin, cos2 = math.sin(theta), math.cos(theta) ** 2
    if df % 2:
        term = math.cos(theta)
        series = term if df > 1 else 0.0
        for k in range(3, df - 1, 2):
            term *= cos2 * (k - 1) / k
            series += term
        return 2 / math.pi * (theta + sin * series)
    term = series = 1.0
    for k in range(2, df - 1, 2):
        term *= cos2 * (k - 1) / k
        series += term
    return sin * series


def _valid(codes: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return mask & (codes >= 0)


def count(codes: np.ndarray | Population, mask: np.ndarray, groups: int) -> np.ndarray:
    if isinstance(codes, Population):
        return codes.counts(mask[codes.rows])
    keep = _valid(codes, mask)
    if groups == 1:  # one group (overall): no gather, no bincount
        return np.array([np.count_nonzero(keep & (codes == 0))])
    return np.bincount(codes[np.flatnonzero(keep)], minlength=groups)[:groups]


def total(codes: np.ndarray, mask: np.ndarray, weights: np.ndarray, groups: int) -> np.ndarray:
    keep = _valid(codes, mask)
    return np.bincount(codes[keep], weights=weights[keep].astype(np.float64), minlength=groups)[:groups]


@dataclass(frozen=True)
class Population:
    """The rows of a population, each with the code of its group, in row order (a row in several
    groups has one entry per group). Nothing here needs them group by group: counts and sums are
    added per group in row order, and quantiles select their ranks without grouping the rows."""

    rows: np.ndarray  # row indexes, ascending
    codes: np.ndarray  # the group of each entry
    groups: int

    def counts(self, where: np.ndarray | None = None) -> np.ndarray:
        """Rows per group; ``where``: a condition on the population's rows (aligned with ``rows``)."""
        if self.groups == 1:  # every row is in group 0: no gather, no bincount
            return np.array([len(self.codes) if where is None else np.count_nonzero(where)])
        if where is None:
            return self._all_counts.copy()
        if np.count_nonzero(where) * 2 <= len(where):
            # A sparse condition: counting the chosen entries' codes beats weighting every entry
            # (a bool weight is first cast to float for all of them).
            return np.bincount(self.codes[np.flatnonzero(where)], minlength=self.groups)[: self.groups]
        # A condition true for most entries: every entry's count (once per population) less
        # those of the few it leaves out, which costs a pass over the condition, not over the codes.
        return self._all_counts - np.bincount(self.codes[np.flatnonzero(~where)], minlength=self.groups)[: self.groups]

    @functools.cached_property
    def _all_counts(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=self.groups)[: self.groups]

    def within(self, mask: np.ndarray) -> Population:
        """The entries of the rows in ``mask`` (a condition on every row, not on ``rows``)."""
        if not mask.any():  # no row (SLA targets of a helpdesk without policies): no pass over the entries
            return Population(self.rows[:0], self.codes[:0], self.groups)
        keep = np.flatnonzero(mask[self.rows])  # indexes: faster than a boolean index, used twice
        return Population(self.rows[keep], self.codes[keep], self.groups)


def population(codes: np.ndarray | Population, mask: np.ndarray, groups: int) -> Population:
    if isinstance(codes, Population):
        return codes.within(mask)
    rows = np.flatnonzero(_valid(codes, mask))
    c = codes[rows]
    if groups > 1:
        return Population(rows, c, groups)
    keep = c == 0
    return Population(rows[keep], c[keep], groups)


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
    """:func:`quantiles` over a population. Exact: the two values each quantile interpolates
    between are the group's order statistics, found for every group at once
    (:func:`_order_statistics`) rather than by sorting or partitioning each group."""
    groups = pop.groups
    v, c, n = _measured(pop, values)
    sums = np.bincount(c, weights=v, minlength=groups)[:groups]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, sums / np.maximum(n, 1), np.nan)
    result: dict[float, np.ndarray] = {p: np.full(groups, np.nan) for p in probabilities}
    live = np.flatnonzero(n)
    if not probabilities or not len(live):
        return n, mean, result
    size, start = n[live], (np.cumsum(n) - n)[live]
    plan = []
    for p in probabilities:
        position = (size - 1) * p
        low = np.floor(position).astype(np.int64)
        plan.append((p, low, np.minimum(low + 1, size - 1), position - low))
    ranks = np.concatenate([start + rank for _, low, high, _ in plan for rank in (low, high)])
    values_at = _order_statistics(v, c, groups, ranks).reshape(2 * len(plan), len(live))
    for i, (p, _, _, fraction) in enumerate(plan):
        below, above = values_at[2 * i], values_at[2 * i + 1]
        result[p][live] = below + (above - below) * fraction
    return n, mean, result


def _order_statistics(v: np.ndarray, codes: np.ndarray, groups: int, ranks: np.ndarray) -> np.ndarray:
    """The value at each of ``ranks`` in ``v`` ordered group by group, then by value (a rank is
    its group's first position plus its rank within the group), without ordering ``v``.

    Every value falls in a cell (its group, a narrow range of values); cells in (group, range)
    order are in that order too, so the counts per cell say which cell holds each rank and at
    which place in it. Only the values of those few cells are sorted."""
    key = _ordered_bits(v)
    for shift in range(46, 64, 2):  # 64 ranges per power of two, fewer when there are too many cells
        coarse = (key >> shift) - (int(key.min()) >> shift)
        present = np.bincount(coarse) > 0
        ranges = int(np.count_nonzero(present))
        if groups * ranges <= max(4 * len(v), 1 << 16):
            break
    cell = codes.astype(np.int64) * ranges + (np.cumsum(present) - 1)[coarse]
    counts = np.bincount(cell, minlength=groups * ranges)
    through = np.cumsum(counts)
    holding = np.searchsorted(through, ranks, side="right")  # the first cell reaching past the rank
    place = ranks - (through[holding] - counts[holding])
    chosen = np.zeros(len(counts), dtype=bool)
    chosen[holding] = True
    picked = np.flatnonzero(chosen[cell])
    picked_cells, picked_values = cell[picked], v[picked]
    order = np.lexsort((picked_values, picked_cells))
    picked_cells, picked_values = picked_cells[order], picked_values[order]
    return picked_values[np.searchsorted(picked_cells, holding) + place]


def _ordered_bits(v: np.ndarray) -> np.ndarray:
    """int64 keys in the order of the float64 values ``v`` (no NaN): a non-negative float's bits
    already are; a negative one's, but its sign, are flipped so that larger magnitudes come first."""
    bits = np.ascontiguousarray(v, dtype=np.float64).view(np.int64)
    return bits ^ ((bits >> 63) & np.int64(0x7FFFFFFFFFFFFFFF))


def population_moments(pop: Population, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group: n, mean and sample standard deviation (NaN where n < 2) of the measured values."""
    v, c, n = _measured(pop, values)
    groups = pop.groups
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.bincount(c, weights=v, minlength=groups)[:groups] / np.maximum(n, 1), np.nan)
        # Two passes (deviations from each group's mean): no cancellation when values are large.
        squares = np.bincount(c, weights=(v - mean[c]) ** 2, minlength=groups)[:groups]
        sd = np.where(n >= 2, np.sqrt(squares / np.maximum(n - 1, 1)), np.nan)
    return n, mean, sd


def _measured(pop: Population, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The population's values that are measured (not NaN), their codes, and how many per group."""
    v = np.asarray(values[pop.rows], dtype=np.float64)
    measured = ~np.isnan(v)
    c = pop.codes
    if not measured.all():
        measured = np.flatnonzero(measured)
        v, c = v[measured], c[measured]
    return v, c, np.bincount(c, minlength=pop.groups)[: pop.groups]


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
