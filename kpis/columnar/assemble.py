"""One kind's rows for a span ``[start, end)``: stored blocks where current, the records elsewhere.

Which rows a span needs (the same whatever their source):

- tickets created in the span; tickets created before it that are solved in or after its start or
  still open (an excluded ticket is never open): they are solved in it or backlog at a boundary;
- ratings offered or rated in the span; survey answers, agent replies and reviews of the span;
  reviewed tickets solved in it.

Blocks cover the span's UTC days plus ``LOOKBACK_DAYS`` before it; what lies before that (tickets
open longer than the lookback, ratings changed that long after their offer) is found through the
partial indexes ``ix_tickets_long_lived`` and ``ix_ratings_late``. Rows come out oldest first,
then day by day and team by team, whatever mix of stored and rebuilt blocks they come from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import and_, union_all
from sqlalchemy.engine import Connection

from kpis.columnar import day_blocks as blocks
from kpis.columnar import packing
from kpis.columnar.keys import KeyCodes
from kpis.columnar.layout import DAY, DTYPES, LOOKBACK_DAYS, NO_TIME, RATINGS, TICKETS, TIME_FIELDS, padded
from kpis.columnar.memo import DayMemo
from kpis.columnar.remembered import read_remembered
from kpis.store.schema import LATE_RATING, LONG_LIVED_TICKET, ratings, tickets


@dataclass
class KindRows:
    columns: dict[str, np.ndarray]  # the layout dtype's fields; team/agent are key-dictionary codes
    #: ratings: low-rated candidates' texts by row index.
    details: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: The tag sets the ``tagset`` column indexes (the rows' ticket tags, lower-cased): each set's
    #: size, and the sets' tag codes (kpi_keys) one set after another.
    tag_sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    tag_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    #: Stale days rebuilt for this read, for storing afterwards.
    rebuilt: list[blocks.RebuiltDay] = field(default_factory=list)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))


def block_days(kind: str, start: int, end: int) -> tuple[int, int]:
    """First and one-past-last UTC day whose blocks a span needs."""
    return start // DAY - LOOKBACK_DAYS[kind], -(-end // DAY)


def read_kind(
    connection: Connection, kind: str, start: int, end: int, codes: KeyCodes, *,
    team: tuple[str, int] | None = None, use_stored: bool = True, tags: bool = True, memo: DayMemo | None = None,
) -> KindRows:
    """``team``: (key, code) to read one team's rows only. ``use_stored=False`` rebuilds every day.
    ``tags=False``: no tag sets (every row's ``tagset`` is -1). ``memo``: days kept in memory by
    earlier reads, used while their generation has not moved (and this read's days kept there):
    :mod:`kpis.columnar.remembered` (a read of every team's rows)."""
    first, last = block_days(kind, start, end)
    day_states = blocks.states(connection, kind, first, last) if use_stored else {}
    if memo is not None and use_stored and team is None:
        return read_remembered(connection, kind, start, end, first, last, codes, day_states=day_states, tags=tags,
                               memo=memo)
    generation = {d: day_states[d][0] if d in day_states else None for d in range(first, last)}
    current = [d for d in range(first, last) if blocks.is_current(day_states.get(d))]
    stale = [d for d in range(first, last) if not blocks.is_current(day_states.get(d))]
    rebuilt = list(blocks.rebuild(connection, kind, stale, codes, {d: generation[d] for d in stale}))
    part = None if team is None else team[1]

    old = _older_rows(connection, kind, start, end, first, codes, team)
    segments = [_Segment.of(old.array, old.details, *packing.tag_set_arrays(old.tagsets))]
    in_order = _in_day_order(blocks.stored(connection, kind, current, part, tags=tags), rebuilt, part)
    partial: list[blocks.Block] = []  # consecutive blocks only some of whose rows the span needs
    for block in in_order:
        if block.day * DAY >= start and (block.day + 1) * DAY <= end and block.data is not None:
            segments.extend(_kept_rows(kind, partial, start, end))
            partial = []
            # Wholly inside the span: the stored bytes as they are.
            detail = block.column("detail") if block.details else None
            segments.append(_Segment(block.rows, memoryview(block.data), {}, block.details, detail, block.tag_sizes,
                                     block.tag_codes))
        else:
            partial.append(block)
    segments.extend(_kept_rows(kind, partial, start, end))
    return _joined(kind, segments, rebuilt, tags)


def _kept_rows(kind: str, run: list[blocks.Block], start: int, end: int) -> list[_Segment]:
    """The rows of a run of blocks that the span needs, as one segment: the run's columns joined
    and filtered once (the lookback days before a span are dozens of blocks of which few rows count)."""
    if not run:
        return []
    parts = [block.columns() for block in run]
    columns = {name: np.concatenate([part[name] for part in parts]) for name in DTYPES[kind].names}
    rows = [block.rows for block in run]
    # Each block's tag sets and low-rated texts follow the run's earlier ones: their indexes shift.
    columns["tagset"] = _shifted(columns["tagset"], [len(block.tag_sizes) for block in run], rows)
    texts = [text for block in run for text in block.details]
    if "detail" in columns:
        columns["detail"] = _shifted(columns["detail"], [len(block.details) for block in run], rows)
    wanted = keep(kind, columns, start, end)
    if not wanted.any():
        return []
    if not wanted.all():
        columns = {name: column[wanted] for name, column in columns.items()}
    sizes = np.concatenate([np.zeros(0, np.int64), *(block.tag_sizes for block in run)])
    codes = np.concatenate([np.zeros(0, np.int32), *(block.tag_codes for block in run)]).astype(np.int32)
    return [_Segment.of(columns, texts, sizes, codes)]


def _shifted(index: np.ndarray, counts: list[int], rows: list[int]) -> np.ndarray:
    """Per-block indexes (-1: none) into one list of the blocks' entries one after another."""
    shift = np.repeat(np.cumsum(counts) - np.array(counts, dtype=np.int64), rows)
    return np.where(index >= 0, index + shift, -1).astype(np.int32)


@dataclass
class _Segment:
    """Rows bound for a span's columns: stored block bytes (``data``) or arrays, and the rows'
    low-rated texts."""

    rows: int
    data: memoryview | None
    arrays: dict[str, memoryview]
    texts: list[dict[str, Any]]
    detail: np.ndarray | None  # ratings: each row's index into ``texts``, -1 none
    tag_sizes: np.ndarray  # the tag sets the rows' ``tagset`` column indexes (see KindRows)
    tag_codes: np.ndarray

    @classmethod
    def of(cls, columns: np.ndarray | dict[str, np.ndarray], texts: list[dict[str, Any]],
           tag_sizes: np.ndarray, tag_codes: np.ndarray) -> _Segment:
        names = list(columns.dtype.names) if isinstance(columns, np.ndarray) else list(columns)
        contiguous = {name: np.ascontiguousarray(columns[name]) for name in names}
        rows = len(contiguous[names[0]])
        return cls(rows, None, {name: memoryview(c).cast("B") for name, c in contiguous.items()}, texts,
                   contiguous["detail"] if texts else None, tag_sizes, tag_codes)


def _joined(kind: str, segments: list[_Segment], rebuilt: list[blocks.RebuiltDay], tags: bool = True) -> KindRows:
    """One array per column, each segment's bytes copied into it once; the details by row."""
    dtype = DTYPES[kind]
    rows = np.array([segment.rows for segment in segments], dtype=np.int64)
    itemsizes = np.array([dtype.fields[name][0].itemsize for name in dtype.names], dtype=np.int64)
    lengths = rows[:, None] * itemsizes[None, :]  # bytes of each (segment, column)
    stored = padded(lengths)
    starts = (np.cumsum(stored, axis=1) - stored).tolist()  # where a column lies in a stored block
    targets = (np.cumsum(lengths, axis=0) - lengths).tolist()  # where it goes in the span's column
    lengths = lengths.tolist()
    columns = {}
    for k, name in enumerate(dtype.names):
        column = np.empty(int(rows.sum()), dtype=dtype.fields[name][0])
        target = memoryview(column).cast("B")
        for i, segment in enumerate(segments):
            size, at = lengths[i][k], targets[i][k]
            if segment.data is not None:
                target[at : at + size] = segment.data[starts[i][k] : starts[i][k] + size]
            else:
                target[at : at + size] = segment.arrays[name]
        columns[name] = column
    sizes, codes = np.zeros(0, np.int64), np.zeros(0, np.int32)
    if tags:
        sizes, codes = _joined_tagsets(columns["tagset"], segments, rows)
    else:
        columns["tagset"][:] = -1
    details: dict[int, dict[str, Any]] = {}
    offset = 0
    for segment in segments:
        if segment.texts:
            for row in np.flatnonzero(segment.detail >= 0).tolist():
                details[offset + row] = segment.texts[segment.detail[row]]
        offset += segment.rows
    return KindRows(columns, details, rebuilt=rebuilt, tag_sizes=sizes, tag_codes=codes)


def _joined_tagsets(column: np.ndarray, segments: list[_Segment], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each segment's tag sets one after another, the ``tagset`` column shifted to match (in place)."""
    counts = np.array([len(segment.tag_sizes) for segment in segments], dtype=np.int32)
    shift = np.repeat(np.cumsum(counts) - counts, rows)
    column += np.where(column >= 0, shift, 0).astype(np.int32)
    return (np.concatenate([np.zeros(0, np.int64), *(segment.tag_sizes for segment in segments)]),
            np.concatenate([np.zeros(0, np.int32), *(segment.tag_codes for segment in segments)]).astype(np.int32))


def keep(kind: str, a: dict[str, np.ndarray], start: int, end: int) -> np.ndarray:
    """The rows of ``a`` a span ``[start, end)`` needs (see the module docstring)."""
    if kind == TICKETS:
        created, solved = a["created"], a["solved"]
        before = (created < start) & (solved >= start) & ~((solved == NO_TIME) & a["excluded"])
        return ((created >= start) & (created < end)) | before
    if kind == RATINGS:
        offered, rated = a["offered"], a["rated"]
        return ((offered >= start) & (offered < end)) | ((rated >= start) & (rated < end))
    time = a[TIME_FIELDS[kind]]
    return (time >= start) & (time < end)


def _older_rows(connection: Connection, kind: str, start: int, end: int, first_day: int, codes: KeyCodes,
                team: tuple[str, int] | None) -> packing.Packed:
    """Rows the span needs from before its first block day (through the partial indexes)."""
    before = first_day * DAY
    if kind == TICKETS:
        t = tickets.c
        narrow = [] if team is None else [t.source + ":" + t.instance + ":" + t.group_id == team[0]]
        # Open, or solved since the span started: two ranges of the partial index, whose predicate
        # each query repeats verbatim so that the planner may use it (SQLite is told to).
        open_or_solved = (t.solved_at.is_(None), t.solved_at >= start)
        queries = [packing.ticket_rows(and_(LONG_LIVED_TICKET, when, t.created_at < before, *narrow), ordered=False)
                   .with_hint(tickets, "INDEXED BY ix_tickets_long_lived", "sqlite") for when in open_or_solved]
        found = connection.execute(union_all(*queries)).all()
        packed = packing.pack_tickets(packing.in_ticket_order(found), codes)
    elif kind == RATINGS:
        r = ratings.c
        where = and_(LATE_RATING, r.offered_at < before, r.rated_at >= start, r.rated_at < end)
        packed = packing.pack_ratings(connection.execute(packing.rating_rows(where)).all(), codes)
    else:
        return packing.Packed(np.zeros(0, DTYPES[kind]))  # survey answers, replies: nothing before their day
    if team is not None and len(packed.array):
        packed.array = packed.array[packed.array["team"] == team[1]]
    return packed


def _in_day_order(stored: Iterator[blocks.Block], rebuilt: list[blocks.RebuiltDay],
                  part: int | None) -> Iterable[blocks.Block]:
    pending = iter(rebuilt)
    waiting = next(pending, None)
    for block in stored:
        while waiting is not None and waiting.day < block.day:
            yield from (b for b in waiting.blocks if part is None or b.part == part)
            waiting = next(pending, None)
        yield block
    while waiting is not None:
        yield from (b for b in waiting.blocks if part is None or b.part == part)
        waiting = next(pending, None)
