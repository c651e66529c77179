"""Explain a change of a KPI between two windows by the groups it is made of.

Rates and means are weighted averages of their groups (overall = sum of share_i * value_i),
so their change splits exactly into per-group effects. We use the symmetric (midpoint)
shift-share variant, which needs no choice of base window and adds up with no residual:

    rate_effect_i = (value1_i - value0_i) * (share1_i + share0_i) / 2
    mix_effect_i  = (share1_i - share0_i) * (value1_i + value0_i) / 2

A group present in one window only has no value to compare with: its whole contribution
is mix (share * value entering or leaving).

Medians and percentiles are not sums of groups; their effect is counterfactual and not
additive: how far the overall figure would move back if the group's current values were
replaced by its previous ones. Pure functions: groups in, frozen results out.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Callable, Mapping, Sequence

from kpis.stats import proportions_differ


@dataclass(frozen=True)
class GroupSample:
    """One group's value and size in a window (value None when the group is empty)."""

    value: float | None
    n: int


@dataclass(frozen=True)
class Contribution:
    id: str
    value: float | None
    previous: float | None
    n: int
    previous_n: int
    effect: float
    rate_effect: float | None
    mix_effect: float | None
    insufficient_data: bool = False
    significant: bool = False


@dataclass(frozen=True)
class Decomposition:
    value: float | None
    previous: float | None
    change: float | None
    additive: bool
    contributions: tuple[Contribution, ...]


def _weighted(groups: Mapping[str, GroupSample]) -> tuple[float | None, int]:
    total = sum(g.n for g in groups.values() if g.value is not None)
    if total == 0:
        return None, 0
    return sum(g.value * g.n for g in groups.values() if g.value is not None) / total, total


def shift_share(
    current: Mapping[str, GroupSample],
    previous: Mapping[str, GroupSample],
    min_sample: int = 0,
    totals: tuple[int, int] | None = None,
) -> Decomposition:
    """Exact decomposition of a weighted mean (rate, mean) into rate and mix effects.

    ``totals``: the whole population's sizes (now, before) when groups overlap (tags): shares are
    then of the whole population, and the effects no longer add up to the change."""
    value, n1 = _weighted(current)
    prev, n0 = _weighted(previous)
    if value is None or prev is None:
        return Decomposition(value, prev, None, True, ())
    if totals is not None:
        n1, n0 = totals
    rows = []
    for gid in sorted(set(current) | set(previous)):
        c = current.get(gid, GroupSample(None, 0))
        p = previous.get(gid, GroupSample(None, 0))
        s1 = c.n / n1 if c.value is not None else 0.0
        s0 = p.n / n0 if p.value is not None else 0.0
        v1 = c.value if c.value is not None else p.value
        v0 = p.value if p.value is not None else c.value
        rate = (v1 - v0) * (s1 + s0) / 2
        mix = (s1 - s0) * (v1 + v0) / 2
        thin = c.n < min_sample or p.n < min_sample
        both = c.value is not None and p.value is not None
        moved = both and not thin and proportions_differ(c.value / 100, c.n, p.value / 100, p.n)
        rows.append(Contribution(gid, c.value, p.value, c.n, p.n, rate + mix, rate, mix, thin, moved))
    rows.sort(key=lambda r: (-abs(r.effect), r.id))
    return Decomposition(value, prev, value - prev, totals is None, tuple(rows))


def count_change(
    current: Mapping[str, GroupSample],
    previous: Mapping[str, GroupSample],
    min_sample: int = 0,
) -> Decomposition:
    """A count is the sum of its groups' counts: each group's effect is its own change (no shares,
    so no rate or mix split)."""
    rows = []
    for gid in sorted(set(current) | set(previous)):
        c = current.get(gid, GroupSample(0.0, 0))
        p = previous.get(gid, GroupSample(0.0, 0))
        if c.n == 0 and p.n == 0:
            continue
        thin = c.n < min_sample or p.n < min_sample
        rows.append(Contribution(gid, float(c.n), float(p.n), c.n, p.n, float(c.n - p.n), None, None, thin))
    rows.sort(key=lambda r: (-abs(r.effect), r.id))
    value, prev = float(sum(g.n for g in current.values())), float(sum(g.n for g in previous.values()))
    return Decomposition(value, prev, value - prev, True, tuple(rows))


def counterfactual(
    current: Mapping[str, Sequence[float]],
    previous: Mapping[str, Sequence[float]],
    statistic: Callable[[Sequence[float]], float] = median,
) -> Decomposition:
    """Per-group effect on a median-like KPI: overall now minus overall with the group's
    current values replaced by its previous ones. Not additive."""
    now = [x for vals in current.values() for x in vals]
    before = [x for vals in previous.values() for x in vals]
    if not now or not before:
        return Decomposition(None, None, None, False, ())
    value, prev = statistic(now), statistic(before)
    rows = []
    for gid in sorted(set(current) | set(previous)):
        c, p = list(current.get(gid, ())), list(previous.get(gid, ()))
        swapped = [x for g, vals in current.items() if g != gid for x in vals] + p
        effect = value - statistic(swapped) if swapped else value
        rows.append(Contribution(gid, statistic(c) if c else None, statistic(p) if p else None,
                                 len(c), len(p), effect, None, None))
    rows.sort(key=lambda r: (-abs(r.effect), r.id))
    return Decomposition(value, prev, value - prev, False, tuple(rows))
