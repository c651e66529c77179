"""The fixed layout of cached blocks: one numpy structured dtype per kind of record.

Records are packed as structured arrays of these dtypes; a stored block holds them column by
column (each column's little-endian bytes, padded to 8 bytes), so that a span's column is the
concatenation of byte ranges of its blocks, copied once. Stored blocks carry :data:`FORMAT`;
changing a dtype or this layout means bumping it: every stored block of an older format then
counts as stale and is rebuilt from the records, never misread.
"""

from __future__ import annotations

import numpy as np

from kpis.dataset import NO_TIME
from kpis.store.schema import LONG_LIVED_SECONDS
from kpis.store.staleness import DAY, RATINGS, SURVEYS, TICKETS
from kpis.ticket_measures import TICKET_MEASURES

FORMAT = 2  # 2: channel, priority and tag set on every kind, for the breakdown scopes

# team/agent: codes of the store's key dictionary (kpi_keys), -1 for none; NO_TIME for "never"; then the
# ticket measurements, in their declared order; then the breakdown facets. channel: index into kpis.channels.CHANNELS; tagset: index
# into the block's list of tag sets (-1: no tags). Ratings and survey answers carry their ticket's.
TICKET = np.dtype([
    ("created", "<i8"), ("solved", "<i8"), ("team", "<i4"), ("agent", "<i4"), ("priority", "i1"),
    ("excluded", "?"), *((m.name, "<f8") for m in TICKET_MEASURES), ("channel", "i1"), ("tagset", "<i4"),
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

DTYPES = {TICKETS: TICKET, RATINGS: RATING, SURVEYS: SURVEY}
#: Days a span's first block day reaches back before the span (see kpis.columnar.assemble).
LOOKBACK_DAYS = {TICKETS: LONG_LIVED_SECONDS // DAY, RATINGS: LONG_LIVED_SECONDS // DAY, SURVEYS: 0}
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
    return sum(padded(rows * dtype.fields[name][0].itemsize) for name in dtype.names)


def to_bytes(array: np.ndarray) -> bytes:
    """A structured array as stored: its columns one after another, each padded to 8 bytes."""
    parts = []
    for name in array.dtype.names:
        column = np.ascontiguousarray(array[name]).tobytes()
        parts.append(column + bytes(padded(len(column)) - len(column)))
    return b"".join(parts)


def from_bytes(data: bytes, rows: int, dtype: np.dtype, *only: str) -> dict[str, np.ndarray]:
    """Read-only views of stored bytes' columns (``only`` these, if named); no copy."""
    return {name: np.frombuffer(data, dtype=dtype.fields[name][0], count=rows, offset=start)
            for name, start, _ in byte_ranges(dtype, rows) if not only or name in only}


__all__ = ["DAY", "DTYPES", "FORMAT", "LOOKBACK_DAYS", "NO_TIME", "RATING", "RATINGS", "SURVEY", "SURVEYS",
           "TICKET", "TICKETS", "byte_ranges", "from_bytes", "padded", "stored_size", "to_bytes"]
