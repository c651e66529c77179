"""Rows grouped by their tag set: additive KPIs summed once per distinct set, then into its tags.

Each day block numbers its own tag sets, so a report over 60 days of a million tickets sees
hundreds of thousands of set codes for a few tens of thousands of distinct sets. :func:`interned`
gives the sets one code per report (a set compares as the sorted set of its tags). A
:class:`SetPopulation` is then a population's rows with each row's distinct set: a count or a sum
over it is one ``bincount`` over its rows by set, and each set's total is added into each of its
groups (a row is in each of its tags' groups), so counts and rates never touch the (row, tag)
memberships. Only what needs each group's values one by one -- medians, p90s, means with their
spread, distinct (agent, day) pairs -- asks for :meth:`SetPopulation.memberships`, the same
:class:`~kpis.stats.Population` of (row, group) entries, in row order, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from kpis import stats
from kpis.tag_table import TagTable


def interned(table: TagTable) -> tuple[np.ndarray, TagTable]:
    """``(index, distinct)``: each set of ``table`` as its code in ``distinct``, the distinct sets
    (each set's tag codes sorted; the same ``names``). Sets of one size are sorted row-wise and
    compared as one integer each where their codes fit in 63 bits, else as rows."""
    sizes, starts = table.sizes, table.starts
    bits = max(int(len(table.names)).bit_length(), 1)
    index = np.empty(len(sizes), dtype=np.int64)
    distinct_sizes, distinct_codes, found = [], [], 0
    for size in np.unique(sizes).tolist():
        which = np.flatnonzero(sizes == size)
        if size == 0:  # an empty set (none is stored, but a table may hold one): one code for all
            index[which] = found
            distinct_sizes.append(np.zeros(1, np.int64))
            found += 1
            continue
        matrix = table.codes[starts[which][:, None] + np.arange(size)].astype(np.int64)
        matrix.sort(axis=1)
        if size * bits <= 63:
            key = np.zeros(len(which), dtype=np.int64)
            for column in range(size):
                key |= matrix[:, column] << (bits * column)
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
            unique = matrix[first]
        else:
            unique, inverse = np.unique(matrix, axis=0, return_inverse=True)
        index[which] = found + inverse.reshape(-1)
        distinct_sizes.append(np.full(len(unique), size, np.int64))
        distinct_codes.append(unique.reshape(-1))
        found += len(unique)
    return index, TagTable(table.names, np.concatenate([np.zeros(0, np.int64), *distinct_sizes]),
                           np.concatenate([np.zeros(0, np.int64), *distinct_codes]).astype(np.int32))


@dataclass(frozen=True, eq=False)
class SetGroups:
    """The groups of each distinct set (a CSR pair: ``set_of`` and ``group`` of each entry, sets
    in order), a set's group at most once."""

    sets: int
    set_of: np.ndarray  # int64: the set of each entry, ascending
    group: np.ndarray  # int32: the group of each entry
    groups: int
    table: TagTable  # the distinct sets
    group_of: np.ndarray  # tag code -> group (-1: none)

    @classmethod
    def of(cls, distinct: TagTable, group_of: np.ndarray, groups: int) -> SetGroups:
        """``group_of``: tag code -> group (-1: a tag in no group; groups may repeat, as when
        small tags share "other tags": a set is then in that group once)."""
        set_of = np.repeat(np.arange(len(distinct), dtype=np.int64), distinct.sizes)
        group = group_of[distinct.codes].astype(np.int32)
        keep = group >= 0  # tags in no group
        used = group_of[group_of >= 0]
        if len(np.unique(used)) < len(used):  # groups shared by several tags: a set is in each once
            _drop_repeats(group, distinct, keep)
        return cls(len(distinct), set_of[keep], group[keep], groups, distinct, group_of)

    def remapped(self, remap: np.ndarray, groups: int) -> SetGroups:
        """The same sets with each group remapped (``remap``: old group -> new; several may merge)."""
        return SetGroups.of(self.table, np.where(self.group_of >= 0, remap[np.maximum(self.group_of, 0)], -1), groups)

    @cached_property
    def sizes(self) -> np.ndarray:
        return np.bincount(self.set_of, minlength=self.sets)

    @cached_property
    def starts(self) -> np.ndarray:
        return np.cumsum(self.sizes) - self.sizes

    @cached_property
    def _by_group(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The entries' sets in group order, and each group's first entry there, for the groups with any."""
        order = np.argsort(self.group, kind="stable")
        sizes = np.bincount(self.group, minlength=self.groups)[: self.groups]
        filled = np.flatnonzero(sizes)
        return self.set_of[order], filled, (np.cumsum(sizes) - sizes)[filled]

    def spread(self, per_set: np.ndarray) -> np.ndarray:
        """Per group, the sum of its sets' figures (float64; exact for counts): each group's sets
        are next to each other, so that the sums are contiguous runs, not a scatter."""
        sets, filled, starts = self._by_group
        out = np.zeros(self.groups)
        if len(filled):
            out[filled] = np.add.reduceat(per_set.astype(np.float64)[sets], starts)
        return out


def _drop_repeats(group: np.ndarray, table: TagTable, keep: np.ndarray) -> None:
    """Clear ``keep`` for each entry whose group an earlier entry of its set has (sets of one size
    at a time, as a matrix: sets are small, so comparing each column with the earlier ones is cheap)."""
    sizes, starts = table.sizes, table.starts
    for size in np.unique(sizes[sizes >= 2]).tolist():
        at = starts[np.flatnonzero(sizes == size)][:, None] + np.arange(size)
        g = group[at]
        repeat = np.zeros(g.shape, dtype=bool)
        for column in range(1, size):
            repeat[:, column] = (g[:, :column] == g[:, column : column + 1]).any(axis=1)
        keep[at[repeat]] = False


@dataclass(frozen=True, eq=False)
class SetPopulation:
    """The rows of a population (ascending), each with its distinct tag set; a row counts in each
    of its set's groups. Answers like :class:`~kpis.stats.Population` for counts, sums and
    ``within``; ``rows`` holds each row once."""

    rows: np.ndarray
    sets: np.ndarray  # the distinct set of each row (into ``members``)
    members: SetGroups

    @classmethod
    def of(cls, set_of_row: np.ndarray, members: SetGroups) -> SetPopulation:
        """``set_of_row``: each row's distinct set, -1 for none; rows whose set is in no group are left out."""
        in_groups = np.append(members.sizes > 0, False)  # -1 (no tags) indexes the trailing False
        rows = np.flatnonzero(in_groups[set_of_row])
        return cls(rows, set_of_row[rows], members)

    @property
    def groups(self) -> int:
        return self.members.groups

    def counts(self, where: np.ndarray | None = None) -> np.ndarray:
        """Rows per group; ``where``: a condition on the population's rows (aligned with ``rows``)."""
        sets = self.sets if where is None else self.sets[where]
        per_set = np.bincount(sets, minlength=self.members.sets)
        return self.members.spread(per_set).astype(np.int64)

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Per group, the sum of ``values`` (aligned with ``rows``) over its rows."""
        return self.members.spread(np.bincount(self.sets, weights=values, minlength=self.members.sets))

    def within(self, mask: np.ndarray) -> SetPopulation:
        """The rows in ``mask`` (a condition on every row, not on ``rows``)."""
        keep = np.flatnonzero(mask[self.rows])
        return SetPopulation(self.rows[keep], self.sets[keep], self.members)

    def regrouped(self, members: SetGroups) -> SetPopulation:
        """The same rows in ``members``' groups (the same sets, regrouped: see :meth:`SetGroups.remapped`)."""
        return SetPopulation(self.rows, self.sets, members)

    @cached_property
    def memberships(self) -> stats.Population:
        """Each row once per group of its set, rows in order (for quantiles and spreads)."""
        m = self.members
        lengths = m.sizes[self.sets]
        rows = np.repeat(self.rows, lengths)
        if not len(rows):
            return stats.Population(rows, np.zeros(0, np.int32), m.groups)
        # Entry j of the expansion is entry j - (its row's first entry) of the row's set.
        first = np.cumsum(lengths) - lengths
        offset = np.repeat(m.starts[self.sets] - first, lengths)
        return stats.Population(rows, m.group[offset + np.arange(len(rows))], m.groups)


def tag_population(tagset: np.ndarray, table: TagTable, group_of: np.ndarray, groups: int) -> SetPopulation:
    """The rows of a ``tagset`` column (-1: no tags) into ``table``, each in the groups of its
    tags (``group_of``: tag code -> group, -1 for none), the table's sets interned."""
    index, distinct = interned(table)
    return SetPopulation.of(distinct_sets(index, tagset), SetGroups.of(distinct, group_of, groups))


def distinct_sets(index: np.ndarray, tagset: np.ndarray) -> np.ndarray:
    """A ``tagset`` column (-1: no tags) as codes of the distinct sets (``index``, from :func:`interned`)."""
    return np.append(index, -1)[tagset]
