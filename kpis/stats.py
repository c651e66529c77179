"""Group-wise statistics over columnar arrays: counts, sums, quantiles, Wilson intervals.

Every function takes ``codes`` (the group of each row, ``-1`` for none) and a boolean ``mask``
(the population), and answers for all ``groups`` at once, so that a report over 200 agents costs
one pass, not 200.
"""

from __future__ import annotations

import math

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
    return np.bincount(codes[_valid(codes, mask)], minlength=groups)[:groups]


def total(codes: np.ndarray, mask: np.ndarray, weights: np.ndarray, groups: int) -> np.ndarray:
    keep = _valid(codes, mask)
    return np.bincount(codes[keep], weights=weights[keep].astype(np.float64), minlength=groups)[:groups]


def quantiles(
    codes: np.ndarray, values: np.ndarray, mask: np.ndarray, groups: int, probabilities: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray, dict[float, np.ndarray]]:
    """Per group: n, mean, and each quantile (numpy's default linear interpolation), NaN where n = 0.

    Values that are NaN (not measured) are left out of the population.
    """
    keep = _valid(codes, mask) & ~np.isnan(values)
    c = codes[keep]
    v = values[keep].astype(np.float64)
    order = np.lexsort((v, c))
    c, v = c[order], v[order]
    n = np.bincount(c, minlength=groups)[:groups]
    starts = np.concatenate(([0], np.cumsum(n)[:-1]))
    sums = np.bincount(c, weights=v, minlength=groups)[:groups]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, sums / np.maximum(n, 1), np.nan)
    result: dict[float, np.ndarray] = {}
    has = n > 0
    for p in probabilities:
        out = np.full(groups, np.nan)
        if has.any():
            position = (n[has] - 1) * p
            low = np.floor(position).astype(np.int64)
            high = np.minimum(low + 1, n[has] - 1)
            fraction = position - low
            lo_v = v[starts[has] + low]
            hi_v = v[starts[has] + high]
            out[has] = lo_v + (hi_v - lo_v) * fraction
        result[p] = out
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
