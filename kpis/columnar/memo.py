"""Days of blocks kept in the memory of a process that reads the store often (the `/kpi` endpoint).

A day's blocks depend only on the day's records, and every write touching the day bumps its
``generation`` (:mod:`kpis.store.staleness`). So the blocks of a day read or rebuilt at
generation ``g`` stay right for as long as the day's generation is ``g``: a read that finds the
generation unchanged takes them from here instead of fetching the blobs again, or, while a sync
keeps other days stale and the store busy, instead of packing the day's records again. A day
whose generation moved is fetched (or rebuilt) anew and replaces its old entry.

A memo made with ``tolerate_seconds`` also gives a day's blocks whose generation has moved, for
that many seconds after they were read: while a sync rewrites recent days page after page, every
page moves their generations, and a read would otherwise pack those days' records again each
time (seconds of a core for a month) -- for numbers a page newer. The `/kpi` endpoint tolerates
as much as its results may lag anyway (``[slash] cache_seconds``); a day older than that is read
or rebuilt anew.

Only blocks coded with stored key codes are kept: a rebuilt block may use temporary codes
(:class:`~kpis.columnar.keys.KeyCodes`) that mean something only to the read that made them.
Bounded by bytes, the least recently used days leave first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

from kpis.columnar.day_blocks import Block

#: Enough for a year of a million tickets' blocks (about 330 kB a day of 2,700 tickets and their ratings).
DEFAULT_MAX_BYTES = 256 * 2**20


class DayMemo:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, *, tolerate_seconds: float = 0.0,
                 timer: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes = max_bytes
        self.tolerate_seconds = tolerate_seconds
        self._timer = timer
        # (kind, day) -> (generation, blocks, bytes, when read)
        self._days: OrderedDict[tuple[str, int], tuple[int | None, list[Block], int, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def recall(self, kind: str, generations: Mapping[int, int | None]) -> dict[int, list[Block]]:
        """The kept blocks of those ``days -> generation`` whose generation is still the one kept
        (or which were read less than ``tolerate_seconds`` ago)."""
        found = {}
        young = self._timer() - self.tolerate_seconds
        with self._lock:
            for day, generation in generations.items():
                entry = self._days.get((kind, day))
                if entry is not None and (entry[0] == generation or entry[3] > young):
                    self._days.move_to_end((kind, day))
                    found[day] = entry[1]
        return found

    def remember(self, kind: str, day: int, generation: int | None, blocks: Sequence[Block]) -> None:
        if not all(_stored_codes_only(block) for block in blocks):
            return
        size = sum(_size(block) for block in blocks)
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._days.pop((kind, day), None)
            if old is not None:
                self._bytes -= old[2]
            self._days[(kind, day)] = (generation, list(blocks), size, self._timer())
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, _, dropped, _) = self._days.popitem(last=False)
                self._bytes -= dropped

    @property
    def size(self) -> int:
        """Bytes kept."""
        return self._bytes


def _size(block: Block) -> int:
    return len(block.data) if block.data is not None else int(block.array.nbytes) + block.tag_codes.nbytes


def _stored_codes_only(block: Block) -> bool:
    if block.data is not None:
        return True  # stored blocks hold stored codes
    if len(block.array) and min(int(block.array["team"].min()), int(block.array["agent"].min())) < -1:
        return False
    return not (len(block.tag_codes) and int(block.tag_codes.min()) < -1)
