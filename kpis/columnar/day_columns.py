"""One day of one kind as the `/kpi` endpoint keeps it in memory: every team's block merged into
one set of columns (:class:`DayColumns`).

A span is then assembled from one piece per day rather than one per team and day: a month with
its previous month and the tickets' lookback is 74 days, and per block (six teams, 20 columns) the
copying was most of a read's cost. The rows stay in the blocks' order (team after team, by time
within a team), their tag sets and low-rated texts one block's after another, so that a span reads
the same rows, in the same order, as from the blocks themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kpis.columnar.day_blocks import Block
from kpis.columnar.layout import DTYPES


@dataclass
class DayColumns:
    rows: int
    columns: dict[str, np.ndarray]  # the layout dtype's fields; ``tagset`` and ``detail`` index the day's lists
    texts: list[dict[str, Any]]  # ratings: the low-rated candidates' texts (``detail`` indexes them)
    tag_sizes: np.ndarray
    tag_codes: np.ndarray
    #: Every block came from the store (none was packed afresh from the records for this read).
    stored: bool
    #: Every code is a stored key code (a block packed afresh may hold temporary ones).
    stored_codes: bool

    @property
    def size(self) -> int:
        return sum(c.nbytes for c in self.columns.values()) + self.tag_codes.nbytes + self.tag_sizes.nbytes


def merged(kind: str, blocks: Sequence[Block]) -> DayColumns:
    """The day's blocks (in part order) as one set of columns."""
    dtype = DTYPES[kind]
    parts = [block.columns() for block in blocks]
    columns = {name: np.concatenate([part[name] for part in parts]) if parts else np.zeros(0, dtype.fields[name][0])
               for name in dtype.names}
    rows = [block.rows for block in blocks]
    columns["tagset"] = shifted(columns["tagset"], [len(block.tag_sizes) for block in blocks], rows)
    if "detail" in columns:
        columns["detail"] = shifted(columns["detail"], [len(block.details) for block in blocks], rows)
    sizes = np.concatenate([np.zeros(0, np.int64), *(block.tag_sizes for block in blocks)])
    codes = np.concatenate([np.zeros(0, np.int32), *(block.tag_codes for block in blocks)]).astype(np.int32)
    return DayColumns(sum(rows), columns, [text for block in blocks for text in block.details], sizes, codes,
                      stored=all(block.data is not None for block in blocks),
                      stored_codes=_stored_codes_only(columns, codes))


def shifted(index: np.ndarray, counts: list[int], rows: list[int]) -> np.ndarray:
    """Per-block indexes (-1: none) into one list of the blocks' entries one after another."""
    shift = np.repeat(np.cumsum(counts) - np.array(counts, dtype=np.int64), rows)
    return np.where(index >= 0, index + shift, -1).astype(np.int32)


def _stored_codes_only(columns: dict[str, np.ndarray], tag_codes: np.ndarray) -> bool:
    # Temporary codes (kpis.columnar.keys) are below -1; -1 is "none".
    for name in ("team", "agent"):
        if len(columns[name]) and int(columns[name].min()) < -1:
            return False
    return not (len(tag_codes) and int(tag_codes.min()) < -1)
