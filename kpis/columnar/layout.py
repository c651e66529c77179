"""The fixed layout of cached blocks: one numpy structured dtype per kind of record.

Records are packed as structured arrays of these dtypes; a stored block holds them column by
column (each column's little-endian bytes, padded to 8 bytes), so that a span's column is the
concatenation of byte ranges of its blocks, copied once. Stored blocks carry :data:`FORMAT`;
changing a dtype or this layout means bumping it: every stored block of an older format then
counts as stale and is rebuilt from the records, never misread.
"""

from __future__ import annotations

import functools

import numpy as np

from kpis.compute.quality import QA_CATEGORIES
from kpis.dataset import NO_TIME
from kpis.store.schema import LONG_LIVED_SECONDS
from kpis.store.staleness import DAY, RATINGS, REPLIES, REVIEWED_TICKETS, REVIEWS, SURVEYS, TICKETS
from kpis.ticket_measures import TICKET_MEASURES

# 2: channel, priority and tag set on every kind, for the breakdown scopes; 3: tag sets as tag codes
# after the columns (they were strings in the details, decoded per set on every read); 4: the SLA
# policy targets achieved and breached per metric (float32 measurements).
FORMAT = 4

# team/agent: codes of the store's key dictionary (kpi_keys), -1 for none; NO_TIME for "never"; then the
# ticket measurements, in their declared order; then the breakdown facets. channel: index into kpis.channels.CHANNELS; tagset: index
# into the block's tag sets (-1: no tags; see :func:`tag_sets_to_bytes`). Ratings and survey answers carry their ticket's.
TICKET = np.dtype([
    ("created", "<i8"), ("solved", "<i8"), ("team", "<i4"), ("agent", "<i4"), ("priority", "i1"),
    ("excluded", "?"), *((m.name, m.dtype) for m in TICKET_MEASURES), ("channel", "i1"), ("tagset", "<i4"),
])
# detail: index of the rating's entry in its block's details list (low-rated candidates), else -1.
RATING = np.dtype([
    ("offered", "<i8"), ("rated", "<i8"), ("received", "?"), ("is_offer", "?"), ("positive", "?"),
    ("score", "<f8"), ("team", "<i4"), ("agent", "<i4"), ("excluded", "?"), ("detail", "<i4"),
    ("channel", "i1"), ("priority", "i1"), ("tagset", "<i4"),
])
SURVEY = np.dtype([
    ("kind", "i1"), ("answered", "<i8"), ("value", "<f8"), ("easy", "?"), ("team", "<i4"), ("agent", "<i4"),
    ("channel", "i1"), ("priority", "i1"), ("tagset", "<i4"),
])

# Public agent replies of live tickets (kpis.compute.quality: working days), by day of the reply;
# team, channel, priority and tag set are their ticket's.
REPLY = np.dtype([
    ("replied", "<i8"), ("team", "<i4"), ("agent", "<i4"), ("channel", "i1"), ("priority", "i1"), ("tagset", "<i4"),
])
# Conversation reviews of live tickets, by day of the review: the review's own (pinned) team and
# agent, its ticket's facets, its scores on 0..100 (NaN: a category not scored).
REVIEW = np.dtype([
    ("reviewed", "<i8"), ("team", "<i4"), ("agent", "<i4"), ("channel", "i1"), ("priority", "i1"), ("tagset", "<i4"),
    ("score", "<f8"), *((f"qa_{category}", "<f8") for category in QA_CATEGORIES),
])
# Live tickets with a review of any date, by day of their (latest) solve, grouped as tickets are.
REVIEWED = np.dtype([
    ("solved", "<i8"), ("team", "<i4"), ("agent", "<i4"), ("channel", "i1"), ("priority", "i1"), ("tagset", "<i4"),
])

DTYPES = {TICKETS: TICKET, RATINGS: RATING, SURVEYS: SURVEY, REPLIES: REPLY, REVIEWS: REVIEW,
          REVIEWED_TICKETS: REVIEWED}
#: Days a span's first block day reaches back before the span (see kpis.columnar.assemble).
LOOKBACK_DAYS = {TICKETS: LONG_LIVED_SECONDS // DAY, RATINGS: LONG_LIVED_SECONDS // DAY, SURVEYS: 0,
                 REPLIES: 0, REVIEWS: 0, REVIEWED_TICKETS: 0}
#: Each kind's time column: what its blocks are dated by, what a span keeps (the kinds of a day's
#: records only; tickets and ratings keep more, see kpis.columnar.assemble).
TIME_FIELDS = {TICKETS: "created", RATINGS: "offered", SURVEYS: "answered", REPLIES: "replied", REVIEWS: "reviewed",
               REVIEWED_TICKETS: "solved"}
_ALIGN = 8


def padded(size):  # noqa: ANN001, ANN201 - an int or an integer array
    """``size`` rounded up to the 8-byte boundary each stored column starts on."""
    return -(-size // _ALIGN) * _ALIGN


def byte_ranges(dtype: np.dtype, rows: int) -> list[tuple[str, int, int]]:
    """Where each column of a stored block of ``rows`` rows lies: (name, start, stop)."""
    ranges, offset = [], 0
    for name in dtype.names:
        size = rows * dtype.fields[name][0].itemsize
        ranges.append((name, offset, offset + size))
        offset += padded(size)
    return ranges


def stored_size(dtype: np.dtype, rows: int) -> int:
    return sum(padded(rows * size) for size in _itemsizes(dtype))


@functools.lru_cache(maxsize=None)
def _itemsizes(dtype: np.dtype) -> tuple[int, ...]:
    """Each column's item size: asked for every block a report reads (thousands), looked up once."""
    return tuple(dtype.fields[name][0].itemsize for name in dtype.names)


def to_bytes(array: np.ndarray) -> bytes:
    """A structured array as stored: its columns one after another, each padded to 8 bytes."""
    return b"".join(_padded_bytes(array[name]) for name in array.dtype.names)


def from_bytes(data: bytes, rows: int, dtype: np.dtype, *only: str) -> dict[str, np.ndarray]:
    """Read-only views of stored bytes' columns (``only`` these, if named); no copy."""
    return {name: np.frombuffer(data, dtype=dtype.fields[name][0], count=rows, offset=start)
            for name, start, _ in byte_ranges(dtype, rows) if not only or name in only}


def tag_sets_to_bytes(sizes: np.ndarray, codes: np.ndarray) -> bytes:
    """A block's distinct tag sets, stored after its columns: how many sets and codes (two int64),
    each set's size (int32), then each set's tag codes one set after another (int32, kpi_keys)."""
    head = np.array([len(sizes), len(codes)], dtype="<i8").tobytes()
    return b"".join([head, *(_padded_bytes(np.asarray(a, dtype="<i4")) for a in (sizes, codes))])


def tag_sets_from_bytes(data: bytes, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """``(sizes, codes)`` stored at ``offset`` by :func:`tag_sets_to_bytes` (none if nothing is there)."""
    if len(data) <= offset:
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    sets, count = np.frombuffer(data, dtype="<i8", count=2, offset=offset).tolist()
    sizes = np.frombuffer(data, dtype="<i4", count=sets, offset=offset + 16)
    codes = np.frombuffer(data, dtype="<i4", count=count, offset=offset + 16 + padded(4 * sets))
    return sizes.astype(np.int64), codes


def _padded_bytes(column: np.ndarray) -> bytes:
    raw = np.ascontiguousarray(column).tobytes()
    return raw + bytes(padded(len(raw)) - len(raw))


__all__ = ["DAY", "DTYPES", "FORMAT", "LOOKBACK_DAYS", "NO_TIME", "RATING", "RATINGS", "REPLIES", "REPLY", "REVIEW",
           "REVIEWED", "REVIEWED_TICKETS", "REVIEWS", "SURVEY", "SURVEYS", "TIME_FIELDS",
           "TICKET", "TICKETS", "byte_ranges", "from_bytes", "padded", "stored_size",
           "tag_sets_from_bytes", "tag_sets_to_bytes", "to_bytes"]
