"""One kind's rows for a span, as a process that keeps days in memory reads them (the `/kpi`
endpoint, :class:`~kpis.columnar.memo.DayMemo`): the same rows, in the same order, as
:func:`kpis.columnar.assemble.read_kind` finds in the blocks, assembled from one piece per day.

The days not kept (or whose generation moved) are read from the store, or packed afresh from the
records when stale, and kept. The rows from before the span's first block day (tickets open
longer than the lookback, ratings changed that long after their offer) come from the memo too:
all of them, read once through the partial index while no write moves their kind's generations,
then narrowed to the span here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from kpis.columnar import day_blocks as blocks
from kpis.columnar import packing
from kpis.columnar.day_columns import DayColumns, merged
from kpis.columnar.keys import KeyCodes
from kpis.columnar.layout import DAY, DTYPES, RATINGS, TICKETS
from kpis.columnar.memo import DayMemo
from kpis.store import Store
from kpis.store.schema import LATE_RATING, LONG_LIVED_TICKET, kpi_block_days, tickets

#: A piece of a span: columns, the low-rated texts their ``detail`` indexes, the tag sets
#: (sizes, codes) their ``tagset`` indexes.
_Piece = tuple[dict[str, np.ndarray], list[dict[str, Any]], np.ndarray, np.ndarray]


def read_remembered(connection: Connection, kind: str, start: int, end: int, first: int, last: int,
                    codes: KeyCodes, *, day_states: dict, tags: bool,
                    memo: DayMemo):  # noqa: ANN201 - a KindRows (assemble imports this module)
    """Every team's rows (a read narrowed to one team reads the blocks: :func:`read_kind`)."""
    from kpis.columnar.assemble import KindRows, keep

    generation = {d: day_states[d][0] if d in day_states else None for d in range(first, last)}
    by_day, stale = _recalled_or_fetched(connection, kind, generation, day_states, memo)
    rebuilt = list(blocks.rebuild(connection, kind, stale, codes, {d: generation[d] for d in stale}))
    for day in rebuilt:
        by_day[day.day] = merged(kind, day.blocks)
        memo.remember(kind, day.day, generation[day.day], by_day[day.day])

    pieces = [_older(connection, kind, start, end, first, codes, memo)]
    run: list[DayColumns] = []  # consecutive days only some of whose rows the span needs
    for day in range(first, last):
        columns = by_day[day]
        # As from the blocks: a day wholly inside the span, from the store, is taken as it is.
        if day * DAY >= start and (day + 1) * DAY <= end and columns.stored:
            pieces.extend(_kept_rows(kind, run, start, end, keep))
            run = []
            pieces.append((columns.columns, columns.texts, columns.tag_sizes, columns.tag_codes))
        else:
            run.append(columns)
    pieces.extend(_kept_rows(kind, run, start, end, keep))
    columns, details, sizes, tag_codes = _joined(kind, pieces, tags)
    return KindRows(columns, details, rebuilt=rebuilt, tag_sizes=sizes, tag_codes=tag_codes)


def _recalled_or_fetched(connection: Connection, kind: str, generation: dict[int, int | None], day_states: dict,
                         memo: DayMemo) -> tuple[dict[int, DayColumns], list[int]]:
    """The days kept, and those read from the store now (and kept); the stale days not kept.

    A stale day whose stored blocks matched its records recently enough for the memo's tolerance
    (built then, or first written over then: a sync has just begun rewriting it) is taken as
    those blocks are -- from memory when kept, else from the store (kept as of their build
    generation and that moment) -- not packed from its records."""
    by_day: dict[int, DayColumns] = memo.recall(kind, generation)
    missing = [d for d in generation if d not in by_day]
    since = memo.tolerated_since()
    lagging = [] if since is None else [d for d in missing if not blocks.is_current(day_states.get(d))
                                        and blocks.exact_since(day_states.get(d), since)]
    if lagging:
        by_day.update(memo.recall(kind, {d: day_states[d].built for d in lagging}))
        missing = [d for d in missing if d not in by_day]
    usable = [d for d in missing if blocks.is_current(day_states.get(d)) or d in lagging]
    fetched: dict[int, list[blocks.Block]] = {day: [] for day in usable}  # a current day may hold no record
    for block in blocks.stored(connection, kind, usable, None, tags=True):
        fetched[block.day].append(block)
    for day, day_blocks in fetched.items():
        by_day[day] = merged(kind, day_blocks)
        state = day_states.get(day)
        if blocks.is_current(state):
            memo.remember(kind, day, generation[day], by_day[day])
        else:
            memo.remember(kind, day, state.built, by_day[day], exact_at=state.exact_until)
    return by_day, [d for d in missing if d not in fetched]


def fill(store: Store, memo: DayMemo, *, share: float = 0.9, days_per_read: int = 14) -> int:
    """Keep the store's current days in ``memo``, the newest first, until it holds ``share`` of its
    bytes (a serve's warm-up: a period nobody asked about then reads nothing from the store);
    return how many days were read. Stale days are left to the reads that need them."""
    with store.errors(), store.engine.connect() as connection:
        d = kpi_block_days.c
        bounds = connection.execute(select(func.min(d.day), func.max(d.day))).one()
    if bounds[0] is None:
        return 0
    read = 0
    for last in range(bounds[1] + 1, bounds[0], -days_per_read):
        first = max(bounds[0], last - days_per_read)
        for kind in DTYPES:
            if memo.size >= share * memo.max_bytes:
                return read
            with store.errors(), store.engine.connect() as connection:
                day_states = blocks.states(connection, kind, first, last)
                generation = {day: day_states[day][0] if day in day_states else None for day in range(first, last)}
                _recalled_or_fetched(connection, kind, generation, day_states, memo)
        read += last - first
    return read


def _kept_rows(kind: str, run: list[DayColumns], start: int, end: int, keep) -> list[_Piece]:  # noqa: ANN001
    """The rows of a run of days that the span needs, as one piece (a run none of whose rows
    counts adds nothing, its tag sets included, as from the blocks)."""
    if not run:
        return []
    if len(run) == 1:
        columns = run[0].columns
    else:
        columns = {name: np.concatenate([day.columns[name] for day in run]) for name in DTYPES[kind].names}
        rows = [day.rows for day in run]
        columns["tagset"] = _shift(columns["tagset"], [len(day.tag_sizes) for day in run], rows)
        if "detail" in columns:
            columns["detail"] = _shift(columns["detail"], [len(day.texts) for day in run], rows)
    wanted = keep(kind, columns, start, end)
    if not wanted.any():
        return []
    if not wanted.all():
        columns = {name: column[wanted] for name, column in columns.items()}
    sizes = np.concatenate([np.zeros(0, np.int64), *(day.tag_sizes for day in run)])
    codes = np.concatenate([np.zeros(0, np.int32), *(day.tag_codes for day in run)]).astype(np.int32)
    return [(columns, [text for day in run for text in day.texts], sizes, codes)]


def _shift(index: np.ndarray, counts: list[int], rows: list[int]) -> np.ndarray:
    shift = np.repeat(np.cumsum(counts) - np.array(counts, dtype=np.int64), rows)
    return np.where(index >= 0, index + shift, -1).astype(np.int32)


def _joined(kind: str, pieces: list[_Piece], tags: bool):  # noqa: ANN202
    """One array per column; each piece's tag sets and texts after the earlier pieces'."""
    dtype = DTYPES[kind]
    pieces = [piece for piece in pieces if len(piece[0][dtype.names[0]]) or len(piece[2])]
    rows = [len(piece[0][dtype.names[0]]) for piece in pieces]
    columns = {name: np.concatenate([np.zeros(0, dtype.fields[name][0]), *(piece[0][name] for piece in pieces)])
               for name in dtype.names}
    if tags:
        columns["tagset"] = _shift(columns["tagset"], [len(piece[2]) for piece in pieces], rows)
        sizes = np.concatenate([np.zeros(0, np.int64), *(piece[2] for piece in pieces)])
        codes = np.concatenate([np.zeros(0, np.int32), *(piece[3] for piece in pieces)]).astype(np.int32)
    else:
        columns["tagset"] = np.full(len(columns["tagset"]), -1, dtype=np.int32)
        sizes, codes = np.zeros(0, np.int64), np.zeros(0, np.int32)
    details: dict[int, dict[str, Any]] = {}
    offset = 0
    for (piece_columns, texts, _sizes, _codes), count in zip(pieces, rows):
        if texts:
            detail = piece_columns["detail"]
            for row in np.flatnonzero(detail >= 0).tolist():
                details[offset + row] = texts[detail[row]]
        offset += count
    return columns, details, sizes, codes


def _older(connection: Connection, kind: str, start: int, end: int, first_day: int, codes: KeyCodes,
           memo: DayMemo) -> _Piece:
    """The rows the span needs from before its first block day, out of every such row of the
    store (kept): what :func:`kpis.columnar.assemble._older_rows` reads for the span alone."""
    dtype = DTYPES[kind]
    if kind not in (TICKETS, RATINGS):
        return {name: np.zeros(0, dtype.fields[name][0]) for name in dtype.names}, [], np.zeros(0, np.int64), \
            np.zeros(0, np.int32)
    d = kpi_block_days.c
    fingerprint = tuple(connection.execute(
        select(func.count(), func.sum(d.generation), func.max(d.day)).where(d.kind == kind)).one())
    packed: packing.Packed = memo.kept(kind, fingerprint, lambda: _every_older(connection, kind, codes))
    a, before = packed.array, first_day * DAY
    if kind == TICKETS:  # open (solved is NO_TIME), or solved since the span started
        wanted = (a["created"] < before) & (a["solved"] >= start)
    else:
        wanted = (a["offered"] < before) & (a["rated"] >= start) & (a["rated"] < end)
    rows = a[wanted]
    columns = {name: np.ascontiguousarray(rows[name]) for name in dtype.names}
    # The tag sets of these rows only, numbered by first use, as packing these rows would.
    has = columns["tagset"] >= 0
    used, first_use, local = np.unique(columns["tagset"][has], return_index=True, return_inverse=True)
    order = np.argsort(first_use, kind="stable")
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    columns["tagset"][has] = rank[local]
    sizes, tag_codes = packing.tag_set_arrays([packed.tagsets[i] for i in used[order].tolist()])
    return columns, packed.details, sizes, tag_codes


def _every_older(connection: Connection, kind: str, codes: KeyCodes) -> tuple[packing.Packed, bool]:
    """Every long-lived ticket, or every late rating, of the store, in the order a span's query
    gives them; keepable when coded with stored key codes only."""
    if kind == TICKETS:
        query = (packing.ticket_rows(LONG_LIVED_TICKET, ordered=False)
                 .with_hint(tickets, "INDEXED BY ix_tickets_long_lived", "sqlite"))
        packed = packing.pack_tickets(packing.in_ticket_order(connection.execute(query).all()), codes)
    else:
        packed = packing.pack_ratings(connection.execute(packing.rating_rows(LATE_RATING)).all(), codes)
    a = packed.array
    stored = not (len(a) and min(int(a["team"].min()), int(a["agent"].min())) < -1)
    stored = stored and all(code >= -1 for tags in packed.tagsets for code in tags)
    return packed, stored
