"""Clocks shared by the fake Zendesk and the connector under test.

:class:`CompressedClock`: time moves only when someone sleeps, instantly -- a sync that waits an
hour on rate limits takes milliseconds, and the fake sees exactly the time the connector waited.
:class:`ScaledClock`: real time, sped up by a factor, readable from several processes (the
benchmark runs the fake and the sync in separate processes so their CPU and memory stay apart).
"""

from __future__ import annotations

import threading
import time

#: The fake account's "now" when the clock starts: 2026-11-20T12:00:00Z.
EPOCH_START = 1_795_176_000


class CompressedClock:
    def __init__(self, start_epoch: float = EPOCH_START) -> None:
        self._lock = threading.Lock()
        self._elapsed = 0.0
        self.start_epoch = start_epoch
        self.slept: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self._elapsed

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            self._elapsed += seconds
            self.slept.append(seconds)

    def advance(self, seconds: float) -> None:
        """Time passing between syncs (nobody sleeping)."""
        with self._lock:
            self._elapsed += seconds

    def epoch(self) -> float:
        return self.start_epoch + self.monotonic()


class ScaledClock:
    """``factor`` simulated seconds per real second since ``origin`` (a ``time.time()`` reading)."""

    def __init__(self, factor: float, origin: float, start_epoch: float = EPOCH_START) -> None:
        self.factor = factor
        self.origin = origin
        self.start_epoch = start_epoch

    def monotonic(self) -> float:
        return (time.time() - self.origin) * self.factor

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.factor)

    def epoch(self) -> float:
        return self.start_epoch + self.monotonic()


class RealClock:
    """Real time, for a fake serving a CLI in another process."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def epoch(self) -> float:
        return time.time()
