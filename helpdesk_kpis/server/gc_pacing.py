"""Full garbage collections on a clock, not whenever the heap has grown, in a `serve` process.

CPython runs a full collection (generation 2, every object of the process) as soon as the
objects that survived the young generations reach a quarter of the old ones
(the long-lived objects rule of https://devguide.python.org/internals/garbage-collector/).
The endpoint makes many lasting objects for each period it reads, and it reads several periods
a second while a sync keeps changing the days people ask about. In the slash benchmark's HTTP
run during a sync it then ran a full collection every half second, 120-280 ms each with the
interpreter lock held and every thread waiting (72 of them, 11 s in all, in one benchmark run).
They found nothing to free (``collected=0``): what a read makes goes by reference counting when
its snapshot is dropped, and cycles are rare.

So a `serve` process (and each load worker) keeps the young generations' collections as they
are, cheap and frequent, and leaves the full one to a thread of its own that runs it every
:data:`FULL_COLLECTION_SECONDS`: a pause of the same length, once a minute instead of twice a
second, and no garbage cycle outlives a minute. https://docs.python.org/3/library/gc.html#gc.set_threshold
"""

from __future__ import annotations

import gc
import logging
import threading

log = logging.getLogger(__name__)

#: How often the paced full collection runs.
FULL_COLLECTION_SECONDS = 60.0
#: ``threshold2`` that never triggers a full collection by itself (the gc module takes a C int).
_NEVER = 2**31 - 1


class CollectionPacer:
    """Started: full collections run every ``seconds`` and no longer as the heap grows; stopped:
    the process's thresholds are as they were."""

    def __init__(self, seconds: float = FULL_COLLECTION_SECONDS) -> None:
        self.seconds = seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._saved: tuple[int, int, int] | None = None

    def start(self) -> CollectionPacer:
        young, middle, _ = self._saved = gc.get_threshold()
        gc.set_threshold(young, middle, _NEVER)
        self._thread = threading.Thread(target=self._run, name="gc-pacing", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            freed = gc.collect()
            log.debug("paced full garbage collection: %d objects freed", freed)
