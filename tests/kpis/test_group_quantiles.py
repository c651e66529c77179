"""Medians and p90s per group (kpis.stats.quantiles), including rows in several groups (tags).

Every expected value is worked out by hand below, with numpy's default linear interpolation:
position = (n - 1) * p in the group's sorted values, then low + (high - low) * fraction.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kpis import stats

MEDIAN, P90 = 0.5, 0.9


def per_group(codes, values, groups, mask=None):
    codes, values = np.array(codes), np.array(values, dtype=np.float64)
    mask = np.ones(len(codes), dtype=bool) if mask is None else np.array(mask)
    return stats.quantiles(codes, values, mask, groups, (MEDIAN, P90))


def test_median_and_p90_of_each_group_in_any_row_order():
    # group 0: 5, 1, 3 -> sorted 1 3 5: median 3; p90 at 1.8: 3 + (5 - 3) * .8 = 4.6.
    # group 1: nothing. group 2: 7 alone -> 7 and 7.
    # group 3: 2 2 9 2 2 -> sorted 2 2 2 2 9: median 2; p90 at 3.6: 2 + (9 - 2) * .6 = 6.2.
    # A row of group -1 and a row outside the mask count nowhere.
    codes = [0, 3, 0, 2, 3, -1, 3, 0, 3, 3, 0]
    values = [5, 2, 1, 7, 2, 100, 9, 3, 2, 2, 1000]
    mask = [True] * 10 + [False]
    n, mean, q = per_group(codes, values, 4, mask)
    assert n.tolist() == [3, 0, 1, 5]
    assert mean[0] == pytest.approx(3.0) and math.isnan(mean[1]) and mean[3] == pytest.approx(17 / 5)
    assert q[MEDIAN][0] == 3.0 and q[P90][0] == pytest.approx(4.6)
    assert math.isnan(q[MEDIAN][1]) and math.isnan(q[P90][1])
    assert q[MEDIAN][2] == 7.0 and q[P90][2] == 7.0
    assert q[MEDIAN][3] == 2.0 and q[P90][3] == pytest.approx(6.2)


def test_values_of_every_sign_and_size_keep_their_order():
    # One group: -2.5, 0, 1e-9, 1e9 (given shuffled, with a NaN left out as not measured).
    # median at 1.5: 0 + (1e-9 - 0) * .5 = 5e-10; p90 at 2.7: 1e-9 + (1e9 - 1e-9) * .7 = 7e8.
    n, _, q = per_group([0] * 5, [1e9, float("nan"), -2.5, 1e-9, 0.0], 1)
    assert n.tolist() == [1 + 3]
    assert q[MEDIAN][0] == pytest.approx(5e-10)
    assert q[P90][0] == pytest.approx(7e8)
    # Two groups of negatives: -1 -3 -2 -> median -2, p90 at 1.8: -2 + (-1 + 2) * .8 = -1.2;
    # -10 -20 -> median at .5: -20 + 10 * .5 = -15, p90 at .9: -20 + 10 * .9 = -11.
    _, _, q = per_group([0, 1, 0, 0, 1], [-1, -10, -3, -2, -20], 2)
    assert q[MEDIAN].tolist() == pytest.approx([-2.0, -15.0])
    assert q[P90].tolist() == pytest.approx([-1.2, -11.0])


def test_many_close_values_in_one_group():
    # 1000 values 1 + i / 1e6 (i = 0..999), shuffled: sorted, the i-th is 1 + i / 1e6.
    # median at 499.5: 1.0004995; p90 at 899.1: 1.000899 + .1 * 1e-6 = 1.0008991.
    values = 1 + np.random.default_rng(7).permutation(1000) / 1e6
    _, _, q = per_group([0] * 1000, values, 1)
    assert q[MEDIAN][0] == pytest.approx(1.0004995, abs=1e-12)
    assert q[P90][0] == pytest.approx(1.0008991, abs=1e-12)


def test_a_row_in_several_groups_counts_in_each():
    # Rows 0..3 with values 4, 8, 1, 6; row 0 in groups 0 and 1, row 1 in 1, row 2 in 0 and 1,
    # row 3 in 0 (a ticket in each of its tags). Group 0: 4 1 6 -> median 4, p90 at 1.8: 4 + 2 * .8
    # = 5.6. Group 1: 4 8 1 -> median 4, p90: 4 + 4 * .8 = 7.2. Masking row 2 out: group 0: 4 6 ->
    # median 5, p90 at .9: 4 + 2 * .9 = 5.8; group 1: 4 8 -> median 6, p90 4 + 4 * .9 = 7.6.
    memberships = stats.Population(np.array([0, 0, 1, 2, 2, 3]), np.array([0, 1, 1, 0, 1, 0]), 2)
    values = np.array([4.0, 8.0, 1.0, 6.0])
    everyone = np.ones(4, dtype=bool)
    n, _, q = stats.quantiles(memberships, values, everyone, 2, (MEDIAN, P90))
    assert n.tolist() == [3, 3]
    assert q[MEDIAN].tolist() == [4.0, 4.0] and q[P90].tolist() == pytest.approx([5.6, 7.2])
    n, _, q = stats.quantiles(memberships, values, np.array([True, True, False, True]), 2, (MEDIAN, P90))
    assert n.tolist() == [2, 2]
    assert q[MEDIAN].tolist() == [5.0, 6.0] and q[P90].tolist() == pytest.approx([5.8, 7.6])
    assert stats.count(memberships, np.array([True, True, False, True]), 2).tolist() == [2, 2]
