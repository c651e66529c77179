"""Tag sets as integer arrays: what the ``tagset`` columns index, without a string per ticket.

A million tickets with 1-4 of 200 tags have nearly a million distinct tag sets; holding each as a
tuple of strings costs more than every KPI of the report. A :class:`TagTable` holds them as a CSR
pair -- each set's size and, one set after another, its tags' codes into ``names`` -- so that
reading, joining and grouping by tag are whole-array numpy operations. It still reads as the
sequence of tag-name tuples it stands for (``table[i]``, iteration), for small uses and tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from kpis import stats


@dataclass(frozen=True, eq=False)
class TagTable(Sequence):
    names: tuple[str, ...]  # tag code -> tag (lower-cased)
    sizes: np.ndarray  # int64: tags in each set
    codes: np.ndarray  # int32: each set's tag codes, set after set, in the ticket's order

    @classmethod
    def of(cls, tagsets: Iterable[Sequence[str]]) -> TagTable:
        """From tag-name tuples (names coded in first-seen order)."""
        code_of: dict[str, int] = {}
        sets = [[code_of.setdefault(tag, len(code_of)) for tag in tagset] for tagset in tagsets]
        return cls(tuple(code_of), np.array([len(s) for s in sets], dtype=np.int64),
                   np.array([c for s in sets for c in s], dtype=np.int32))

    @property
    def starts(self) -> np.ndarray:
        return np.cumsum(self.sizes) - self.sizes

    def __len__(self) -> int:
        return len(self.sizes)

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - an index (slices are not needed)
        start = int(self.starts[i])
        return tuple(self.names[c] for c in self.codes[start : start + int(self.sizes[i])].tolist())

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        at = 0
        codes = self.codes.tolist()
        for size in self.sizes.tolist():
            yield tuple(self.names[c] for c in codes[at : at + size])
            at += size

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == [tuple(s) for s in other]

    def repeated(self, tagset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row indexes of a ``tagset`` column (-1: no tags) repeated once per tag of their set, and
        the tag code of each repetition (rows in order, a row's tags in its set's order)."""
        sizes = np.append(self.sizes, 0)  # -1 (no tags) indexes the trailing 0
        starts = np.append(self.starts, 0)
        lengths = sizes[tagset]
        rows = np.repeat(np.arange(len(tagset)), lengths)
        if not len(rows):
            return rows, np.zeros(0, np.int32)
        # Repetition j of a row is code j - (the row's first repetition) of its set.
        offset = starts[tagset] - (np.cumsum(lengths) - lengths)
        return rows, self.codes[offset[rows] + np.arange(len(rows))]


@dataclass(frozen=True, eq=False)
class RowTags(Sequence):
    """Each row's tags as a ``tagset`` column (-1: no tags) into ``table``; reads as one tuple per row."""

    table: TagTable
    tagset: np.ndarray  # int32

    @classmethod
    def of(cls, rows_tags: Iterable[Sequence[str]]) -> RowTags:
        """From each row's tag tuple (rows with the same tags share one set)."""
        index: dict[tuple[str, ...], int] = {}
        tagset = np.array([index.setdefault(tuple(tags), len(index)) if tags else -1 for tags in rows_tags],
                          dtype=np.int32)
        return cls(TagTable.of(index), tagset)

    def __len__(self) -> int:
        return len(self.tagset)

    def __getitem__(self, i):  # noqa: ANN001, ANN204 - an index (slices are not needed)
        index = int(self.tagset[i])
        return () if index < 0 else self.table[index]


def memberships(tagset: np.ndarray, table: TagTable, group_of: np.ndarray, groups: int) -> stats.Population:
    """Each row (of a ``tagset`` column) once in each of its tags' groups (``group_of``: tag code ->
    group, -1 for a tag in no group), in row order."""
    rows, codes = table.repeated(tagset)
    group = group_of[codes]
    if len(group) and group.min() < 0:
        keep = np.flatnonzero(group >= 0)
        rows, group = rows[keep], group[keep]
    return stats.Population(rows, group, groups)


def folded(population: stats.Population, remap: np.ndarray, groups: int) -> stats.Population:
    """Tag ``memberships`` with group codes remapped (small tags into the last group, "other
    tags"); a row is in that group once, however many of its tags were folded into it."""
    rows, codes = population.rows, remap[population.codes]
    # A row's entries are next to each other, so are its folded ones among all folded entries.
    last = np.flatnonzero(codes == groups - 1)
    again = last[1:][rows[last[1:]] == rows[last[:-1]]]
    if not len(again):  # no row had two folded tags: nothing to drop, no copy of every entry
        return stats.Population(rows, codes, groups)
    keep = np.ones(len(rows), dtype=bool)
    keep[again] = False
    return stats.Population(rows[keep], codes[keep], groups)
