"""Stored blocks: which days are current, reading them, rebuilding stale days, persisting them.

A day's blocks (one per team) are current when ``kpi_block_days.built`` equals the day's
``generation`` (bumped by every write touching the day, see :mod:`kpis.store.staleness`) and
``format`` is :data:`~kpis.columnar.layout.FORMAT`. A stale day is rebuilt from the records; the
rebuilt blocks are stored only if the day's generation is still the one read *before* rebuilding
(a conditional update), so a write racing with the rebuild leaves the day stale, never wrong.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from kpis.columnar import packing
from kpis.columnar.keys import AGENT, TAG, TEAM, KeyCodes
from kpis.columnar.layout import (
    DAY,
    DTYPES,
    FORMAT,
    RATINGS,
    REPLIES,
    REVIEWED_TICKETS,
    REVIEWS,
    SURVEYS,
    TICKETS,
    from_bytes,
    stored_size,
    tag_sets_from_bytes,
    tag_sets_to_bytes,
    to_bytes,
)
from kpis.store.schema import agent_replies, kpi_block_days, kpi_blocks, ratings, reviews, survey_answers, tickets
from kpis.store.upsert import insert_on_conflict

#: Each kind's time column (what its blocks are keyed by), SELECT and packer.
_SOURCES = {
    TICKETS: (tickets.c.created_at, "created", packing.ticket_rows, packing.pack_tickets),
    RATINGS: (ratings.c.offered_at, "offered", packing.rating_rows, packing.pack_ratings),
    SURVEYS: (survey_answers.c.answered_at, "answered", packing.survey_rows, packing.pack_surveys),
    REPLIES: (agent_replies.c.replied_at, "replied", packing.reply_rows, packing.pack_replies),
    REVIEWS: (reviews.c.reviewed_at, "reviewed", packing.review_rows, packing.pack_reviews),
    REVIEWED_TICKETS: (tickets.c.solved_at, "solved", packing.reviewed_rows, packing.pack_reviewed),
}
#: Stale days rebuilt per query: bounds the rows held in memory at once.
_DAYS_PER_QUERY = 3


@dataclass
class Block:
    """One day's records of one team: stored bytes (column after column) or freshly packed records."""

    day: int
    part: int  # team code (kpi_keys), -1 none
    rows: int
    dtype: np.dtype
    data: bytes | None = None  # a stored block's bytes
    array: np.ndarray | None = None  # a rebuilt block's packed records (what gets stored)
    #: ratings: texts of the block's low-rated candidates (the ``detail`` column indexes them).
    details: list[dict[str, Any]] = field(default_factory=list)
    #: The block's distinct tag sets (the ``tagset`` column indexes them): each set's size, and
    #: the sets' tag codes (kpi_keys) one set after another.
    tag_sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    tag_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))

    def columns(self) -> dict[str, np.ndarray]:
        if self.data is not None:
            return from_bytes(self.data, self.rows, self.dtype)
        return {name: self.array[name] for name in self.dtype.names}

    def column(self, name: str) -> np.ndarray:
        return self.columns()[name] if self.data is None else from_bytes(self.data, self.rows, self.dtype, name)[name]


@dataclass
class RebuiltDay:
    day: int
    #: The day's generation read before rebuilding (None: the day had no state row).
    generation: int | None
    blocks: list[Block]


class DayState(NamedTuple):
    """A day's ``kpi_block_days`` row."""

    generation: int
    built: int
    format: int
    built_at: int | None
    stale_since: int | None = None

    @property
    def exact_until(self) -> int | None:
        """The latest moment (epoch seconds) the stored blocks are known to have matched the
        day's records: the first write after their build, else the build itself; None when
        unknown (blocks stored before 0012)."""
        known = [moment for moment in (self.built_at, self.stale_since) if moment is not None]
        return max(known) if known else None


def states(connection: Connection, kind: str, first_day: int, end_day: int) -> dict[int, DayState]:
    d = kpi_block_days.c
    query = (select(d.day, d.generation, d.built, d.format, d.built_at, d.stale_since)
             .where(d.kind == kind, d.day >= first_day, d.day < end_day))
    return {day: DayState(*state) for day, *state in connection.execute(query)}


def is_current(state: DayState | None) -> bool:
    return state is not None and state.generation == state.built and state.format == FORMAT


def exact_since(state: DayState | None, moment: float) -> bool:
    """Whether the day's stored blocks (current or not) are in this release's format and matched
    its records at or after ``moment`` (epoch seconds): built then, or first written over then
    (:attr:`DayState.exact_until`). A stale day's blocks that recent lag its records by the
    writes of those seconds only."""
    if state is None or state.format != FORMAT or state.built < 0:
        return False
    until = state.exact_until
    return until is not None and until >= moment


def stored(connection: Connection, kind: str, days: Sequence[int], part: int | None, *,
           tags: bool = True) -> Iterator[Block]:
    """The stored blocks of ``days`` in (day, part) order, one at a time (never all blobs at once).

    ``tags=False``: the blocks' tag sets are left out (most reports do not group by tag)."""
    if not days:
        return
    b = kpi_blocks.c
    query = (select(b.day, b.part, b.rows, b.data, b.details)
             .where(b.kind == kind, b.day >= min(days), b.day <= max(days)).order_by(b.day, b.part))
    if part is not None:
        query = query.where(b.part == part)
    wanted, dtype = set(days), DTYPES[kind]
    for day, block_part, rows, data, details in _stream(connection, query):
        if day in wanted:
            size = stored_size(dtype, rows)
            if len(data) < size:
                raise ValueError(f"stored {kind} block of day {day} holds {len(data)} bytes, not {size}")
            data = bytes(data)
            texts = json.loads(details).get("texts", []) if details and kind == RATINGS else []
            block = Block(day, block_part, rows, dtype, data=data, details=texts)
            if tags:
                block.tag_sizes, block.tag_codes = tag_sets_from_bytes(data, size)
            yield block


def _stream(connection: Connection, query: Select) -> Iterator[tuple]:
    if connection.dialect.name != "postgresql":
        yield from connection.execute(query)  # SQLite hands rows over one by one
        return
    # PostgreSQL: a server-side cursor, so that blobs stream in rather than arriving all at once,
    # fetching a batch per round trip, in binary so that bytea comes as bytes rather than hex text.
    # https://www.psycopg.org/psycopg3/docs/advanced/cursors.html#server-side-cursors
    compiled = query.compile(dialect=connection.dialect)
    driver = connection.connection.driver_connection
    with driver.cursor(name=f"kpi_blocks_{uuid.uuid4().hex[:8]}", binary=True) as cursor:
        cursor.itersize = 64
        cursor.execute(str(compiled), compiled.params)
        yield from cursor


def rebuild(connection: Connection, kind: str, days: Sequence[int], codes: KeyCodes,
            generations: dict[int, int | None]) -> Iterator[RebuiltDay]:
    """Blocks of ``days`` packed afresh from the records, day by day in order (all teams)."""
    column, field_name, select_rows, pack = _SOURCES[kind]
    for run in _runs(sorted(days)):
        lo, hi = run[0] * DAY, (run[-1] + 1) * DAY
        packed = pack(connection.execute(select_rows(and_(column >= lo, column < hi))).all(), codes)
        day_of_row = packed.array[field_name] // DAY
        for day in run:
            start, stop = np.searchsorted(day_of_row, [day, day + 1])
            yield RebuiltDay(day, generations.get(day), _split_by_team(day, packed, start, stop))


def _runs(days: list[int]) -> Iterator[list[int]]:
    """Consecutive days, at most _DAYS_PER_QUERY at a time."""
    run: list[int] = []
    for day in days:
        if run and (day != run[-1] + 1 or len(run) == _DAYS_PER_QUERY):
            yield run
            run = []
        run.append(day)
    if run:
        yield run


def _split_by_team(day: int, packed: packing.Packed, start: int, stop: int) -> list[Block]:
    array = packed.array[start:stop]
    order = np.argsort(array["team"], kind="stable")  # keeps time order within a team
    array = array[order]
    teams = array["team"]
    bounds = np.flatnonzero(np.diff(teams)) + 1
    blocks = []
    for chunk in np.split(array, bounds) if len(array) else []:
        details = []
        if "detail" in chunk.dtype.names:
            chunk = chunk.copy()
            has = chunk["detail"] >= 0
            details = [packed.details[i] for i in chunk["detail"][has]]
            chunk["detail"][has] = np.arange(len(details), dtype=np.int32)
        chunk, sizes, codes = _local_tagsets(chunk, packed.tagsets)
        blocks.append(Block(day, int(chunk["team"][0]), len(chunk), chunk.dtype, array=chunk, details=details,
                            tag_sizes=sizes, tag_codes=codes))
    return blocks


def _local_tagsets(chunk: np.ndarray, tagsets: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The chunk's ``tagset`` column renumbered into the chunk's own tag sets, and those as
    (sizes, codes)."""
    has = chunk["tagset"] >= 0
    if not has.any():
        return chunk, np.zeros(0, np.int64), np.zeros(0, np.int32)
    used, local = np.unique(chunk["tagset"][has], return_inverse=True)
    chunk = chunk.copy()
    chunk["tagset"][has] = local.astype(np.int32)
    return (chunk, *packing.tag_set_arrays([tagsets[i] for i in used.tolist()]))


def persist(connection: Connection, kind: str, days: Sequence[RebuiltDay],
            stored_codes: dict[str, tuple[int, np.ndarray]]) -> int:
    """Store rebuilt days whose generation has not moved since they were read; return how many.

    Call inside the transaction that stored the new key codes (``KeyCodes.store_new``, whose
    mapping ``stored_codes`` turns temporary codes into stored ones).
    """
    d, b = kpi_block_days.c, kpi_blocks.c
    stored_days = 0
    built_at = int(time.time())
    for rebuilt in days:
        if rebuilt.generation is None:
            # No state row when read: claim the day as built from generation 0, unless a writer
            # created the row meanwhile (then our build may miss its records: leave the day stale).
            insert_day = insert_on_conflict(connection.dialect.name, kpi_block_days)
            claimed = connection.execute(insert_day.values(kind=kind, day=rebuilt.day, generation=0, built=0,
                                                           format=FORMAT, built_at=built_at)
                                       .on_conflict_do_nothing()).rowcount
        else:
            claimed = connection.execute(
                update(kpi_block_days)
                .where(d.kind == kind, d.day == rebuilt.day, d.generation == rebuilt.generation)
                .values(built=rebuilt.generation, format=FORMAT, built_at=built_at)
            ).rowcount
        if claimed != 1:
            continue
        connection.execute(delete(kpi_blocks).where(b.kind == kind, b.day == rebuilt.day))
        rows = [_block_row(kind, block, stored_codes) for block in rebuilt.blocks]
        if rows:
            connection.execute(insert(kpi_blocks), rows)
        stored_days += 1
    return stored_days


def _block_row(kind: str, block: Block, stored_codes: dict[str, tuple[int, np.ndarray]]) -> dict[str, Any]:
    array = block.array.copy()
    for column, key_kind in (("team", TEAM), ("agent", AGENT)):
        low, table = stored_codes[key_kind]
        array[column] = table[array[column] - low]
    part = int(array["team"][0]) if len(array) else block.part
    details = json.dumps({"texts": block.details}, ensure_ascii=False).encode() if block.details else None
    data = to_bytes(array)
    if len(block.tag_sizes):
        low, table = stored_codes[TAG]
        data += tag_sets_to_bytes(block.tag_sizes, table[block.tag_codes - low])
    return {"kind": kind, "day": block.day, "part": part, "rows": len(array), "data": data, "details": details}


def stale_days(connection: Connection) -> dict[str, list[int]]:
    """Every day of every kind whose stored blocks are not current."""
    d = kpi_block_days.c
    query = select(d.kind, d.day).where((d.built != d.generation) | (d.format != FORMAT)).order_by(d.kind, d.day)
    out: dict[str, list[int]] = {kind: [] for kind in DTYPES}
    for kind, day in connection.execute(query):
        out.setdefault(kind, []).append(day)
    return out
