"""The clock the HTTP plumbing waits on, injectable so that tests and benchmarks can compress time.

Every wait the plumbing makes (Retry-After, backoff, pacing) goes through :class:`Clock`; nothing
in ``connectors.http`` calls :func:`time.sleep` or reads the time directly.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (the origin is arbitrary)."""

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``; afterwards ``monotonic()`` has advanced by at least that much."""


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


def default_clock() -> Clock:
    """The clock connectors use unless given one (tests replace this function to compress time)."""
    return SystemClock()
