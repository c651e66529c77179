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

A tolerant memo also takes a stale day's *stored* blocks as they are, without packing its
records, while they matched the records less than ``tolerate_seconds`` ago: they were built
then (a sync stores the blocks of the days it touched as it goes, every half ``[slash]
cache_seconds``, :mod:`kpis.columnar.cache`), or the first write over them came then (a sync
has just begun rewriting the day and has not stored it yet). Its own copy of those blocks (kept
at their generation) is as good. So the endpoints read a day a sync is rewriting as a blob, at
most that far behind, rather than each packing its records again. Such a day counts as read at
that moment.

A day is kept as its blocks merged into one set of columns (:mod:`kpis.columnar.day_columns`),
so that a span is assembled from a piece per day. Beside the days, the memo keeps the rows a span
needs from before its first block day (:meth:`DayMemo.kept`: tickets open for longer than the
lookback, ratings changed that long after their offer), read from the store once for every read
until a write moves a generation of their kind.

Only days coded with stored key codes are kept: a rebuilt block may use temporary codes
(:class:`~kpis.columnar.keys.KeyCodes`) that mean something only to the read that made them.
Bounded by bytes, the least recently used days leave first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping

from kpis.columnar.day_columns import DayColumns

#: Enough for a year of a million tickets' days with their replies and reviews (about 300 MB on
#: the benchmark's store): a period nobody asked about then reads no block from the store.
DEFAULT_MAX_BYTES = 512 * 2**20


class DayMemo:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, *, tolerate_seconds: float = 0.0,
                 timer: Callable[[], float] = time.monotonic, clock: Callable[[], float] = time.time) -> None:
        """``timer``: how long ago a day was read; ``clock``: the epoch seconds that stored blocks'
        build times are compared with."""
        self.max_bytes = max_bytes
        self.tolerate_seconds = tolerate_seconds
        self._timer = timer
        self._clock = clock
        # (kind, day) -> (generation, columns, bytes, when read)
        self._days: OrderedDict[tuple[str, int], tuple[int | None, DayColumns, int, float]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        # kind -> (fingerprint, value, when read)
        self._kept: dict[str, tuple[object, object, float]] = {}
        self._kept_locks = {kind: threading.Lock() for kind in ("tickets", "ratings")}

    def recall(self, kind: str, generations: Mapping[int, int | None]) -> dict[int, DayColumns]:
        """The kept days of those ``days -> generation`` whose generation is still the one kept
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

    def tolerated_since(self) -> float | None:
        """The epoch second after which a stale day's stored blocks, if they still matched its
        records then, are recent enough to take as they are; None when this memo tolerates nothing."""
        return self._clock() - self.tolerate_seconds if self.tolerate_seconds > 0 else None

    def remember(self, kind: str, day: int, generation: int | None, columns: DayColumns, *,
                 exact_at: float | None = None) -> None:
        """``exact_at``: when the columns last matched the day's records, if before now (a stale
        day's blocks taken as they are): the day's tolerance runs from then."""
        if not columns.stored_codes:
            return
        size = columns.size
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._days.pop((kind, day), None)
            if old is not None:
                self._bytes -= old[2]
            read_at = self._timer() - (0.0 if exact_at is None else max(0.0, self._clock() - exact_at))
            self._days[(kind, day)] = (generation, columns, size, read_at)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, _, dropped, _) = self._days.popitem(last=False)
                self._bytes -= dropped

    def kept(self, kind: str, fingerprint: object, read: Callable[[], tuple[object, bool]]) -> object:
        """What ``read()`` gave for ``kind`` while the kind's ``fingerprint`` (its days'
        generations) has not moved, or for ``tolerate_seconds`` after it was read; ``read``
        returns the value and whether it may be kept (stored key codes only). Concurrent reads of
        one kind share one ``read``."""
        with self._kept_locks[kind]:
            found = self._kept.get(kind)
            if found is not None and (found[0] == fingerprint or found[2] > self._timer() - self.tolerate_seconds):
                return found[1]
            value, keep = read()
            if keep:
                self._kept[kind] = (fingerprint, value, self._timer())
            return value

    @property
    def size(self) -> int:
        """Bytes kept."""
        return self._bytes
