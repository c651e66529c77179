"""Counting a condition over tag memberships: a ticket in two tags counts once in each."""

import numpy as np

from kpis.stats import Population

# Rows 0..3; row 0 in groups 0 and 1, row 1 in group 1, row 2 in groups 0, 1 and 2, row 3 in group 2.
MEMBERS = Population(np.array([0, 0, 1, 2, 2, 2, 3]), np.array([0, 1, 1, 0, 1, 2, 2]), 3)


def test_a_sparse_condition_counts_each_membership_of_the_chosen_rows():
    chosen = np.array([True, False, False, False, False, False, True])  # row 0 in group 0, row 3
    assert MEMBERS.counts(chosen).tolist() == [1, 0, 1]


def test_a_dense_condition_counts_each_membership_of_the_chosen_rows():
    chosen = np.array([True, True, False, True, True, True, True])  # all but row 1
    assert MEMBERS.counts(chosen).tolist() == [2, 2, 2]
    assert MEMBERS.counts().tolist() == [2, 3, 2]


def test_a_condition_true_for_no_row_leaves_an_empty_population():
    none = MEMBERS.within(np.zeros(4, dtype=bool))
    assert len(none.rows) == 0 and none.counts().tolist() == [0, 0, 0]
    assert MEMBERS.within(np.array([False, False, True, False])).counts().tolist() == [1, 1, 1]  # row 2's three
