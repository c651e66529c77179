"""SIGINT / SIGTERM as a cooperative stop request, shared by `serve` and `sync`.

The first signal only records the request (:meth:`StopSignals.should_stop`): the work checks it at safe points
(a sync between pages, `serve` in its main loop) and winds down. A second signal means "now":
the process exits at once with 128 + the signal number, as a shell reports a killed process.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable

#: How long the main thread blocks at a time while a signal may come (see :meth:`StopSignals.wait`).
SLICE_SECONDS = 0.2
#: The exit code of a process stopped by SIGTERM (128 + 15), as shells and supervisors expect.
SIGTERM_EXIT = 128 + signal.SIGTERM


class StopSignals:
    def __init__(self, signals: Iterable[signal.Signals] = (signal.SIGINT, signal.SIGTERM)) -> None:
        # A plain flag, not an Event: the handler runs in the main thread at any step, perhaps
        # while that thread holds an Event's lock, and Event.set would then deadlock.
        self._requested = False
        self.received: signal.Signals | None = None
        self._signals = tuple(signals)
        self._before: dict[signal.Signals, object] = {}

    def install(self) -> StopSignals:
        """Handle the signals from now on (call from the main thread)."""
        for number in self._signals:
            self._before[number] = signal.signal(number, self._handle)
        return self

    def restore(self) -> None:
        """The handlers from before :meth:`install` again."""
        for number, handler in self._before.items():
            signal.signal(number, handler)
        self._before.clear()

    def __enter__(self) -> StopSignals:
        return self.install()

    def __exit__(self, *exc: object) -> None:
        self.restore()

    def should_stop(self) -> bool:
        return self._requested

    def wait(self) -> signal.Signals | None:
        """Block until a stop is requested; the signal that asked for it."""
        # Short sleeps: the kernel may deliver the signal to another thread, and then nothing wakes
        # a main thread blocked on a lock; Python runs the handler at its next step.
        while not self._requested:
            time.sleep(SLICE_SECONDS)
        return self.received

    def _handle(self, number: int, _frame: object) -> None:
        if self._requested:
            sys.stderr.write(f"{signal.Signals(number).name} again: exiting now\n")
            sys.stderr.flush()
            os._exit(128 + number)  # noqa: SLF001 - the second signal is the user insisting: no cleanup
        self.received = signal.Signals(number)
        self._requested = True


def join_within(thread: threading.Thread, seconds: float) -> None:
    """``thread.join(seconds)`` in short slices, so that a second signal is handled at once."""
    end = time.monotonic() + seconds
    while thread.is_alive() and time.monotonic() < end:
        thread.join(min(SLICE_SECONDS, max(0.0, end - time.monotonic())))


def exit_now(code: int = 0) -> None:
    """End the process with ``code`` once the work that matters is settled, without waiting for
    the threads still blocked on a network call: the interpreter would join every thread-pool
    worker at exit, without bound (a Slack lookup, a helpdesk page in flight)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
