"""The publish queue of App Home views: coalesced per user, a few at a time, within Slack's rate limit.

``views.publish`` is a Tier 4 method (100+ calls a minute,
https://docs.slack.dev/reference/methods/views.publish): a refresh for many users at once is
bound to meet HTTP 429. The client's slack-sdk ``RateLimitErrorRetryHandler``
(:func:`notifiers.slack_client.make_client`) waits the ``Retry-After`` Slack sends and tries again;
this queue adds what the handler cannot:

- **coalescing**: a user asked for again while still waiting is published once; one asked for
  while being published is published once more afterwards. Each publish builds the view from the
  user's state *as it is then* (the latest choice wins), never from a snapshot taken when queued;
- **bounded concurrency**: ``workers`` publishes at a time, so that a burst of waits on the limit
  holds a few threads, and a refresh never competes with the `/kpi` answers for more;
- **isolation**: a failed publish is one log line (the user and Slack's error code), never a
  traceback, and the others go on.

The chart is uploaded (:mod:`.home_chart`) only for publishes a user asked for (opening the Home,
a picker); refreshes after a sync reuse the last upload.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from kpis.errors import HelpdeskKpisError
from notifiers.interactive.home_chart import chart_file
from notifiers.interactive.home_store import HomeStates
from notifiers.interactive.home_view import home_page
from notifiers.slash.answers import KpiCommands

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 4


@dataclass
class PublishFigures:
    """Where a queue's time went, summed over its publishes (the benchmark prints them)."""

    published: int = 0
    failed: int = 0
    #: Building views: the KPI answers, the chart.
    computing_seconds: float = 0.0
    #: In ``views.publish`` calls, waits on the rate limit included.
    publishing_seconds: float = 0.0


class HomePublisher:
    def __init__(self, client: WebClient, commands: KpiCommands, states: HomeStates, *,
                 clock: Callable[[], datetime], workers: int = DEFAULT_WORKERS) -> None:
        self.client = client
        #: Replaced by a refresh that brings fresh numbers (publishes already started keep theirs).
        self.commands = commands
        self.states = states
        self.clock = clock
        self.figures = PublishFigures()
        self._workers = workers
        self._threads: list[threading.Thread] = []
        self._jobs: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._lock = threading.Condition()
        #: Users waiting for a publish -> whether it draws the chart.
        self._waiting: dict[str, bool] = {}
        self._running: set[str] = set()
        self._owed = 0

    def request(self, user_id: str, *, with_chart: bool = False) -> None:
        """Publish ``user_id``'s Home soon (coalesced with a publish of theirs still waiting)."""
        with self._lock:
            queued = user_id in self._waiting
            self._waiting[user_id] = self._waiting.get(user_id, False) or with_chart
            if not queued and user_id not in self._running:
                self._submit(user_id)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is waiting or being published; False when ``timeout`` passed first."""
        with self._lock:
            return self._lock.wait_for(lambda: self._owed == 0, timeout=timeout)

    def close(self) -> None:
        """Stop the workers once they finish the publish at hand; what still waits is dropped
        (the next open or refresh publishes it)."""
        for _ in self._threads:
            self._jobs.put(None)

    def _submit(self, user_id: str) -> None:
        self._owed += 1
        self._jobs.put(user_id)
        if len(self._threads) < self._workers:
            # Daemon threads: a publish waiting on Slack's rate limit never holds up a shutdown.
            thread = threading.Thread(target=self._work, name=f"home-publish-{len(self._threads) + 1}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _work(self) -> None:
        while (user_id := self._jobs.get()) is not None:
            self._run(user_id)

    def _run(self, user_id: str) -> None:
        with self._lock:
            with_chart = self._waiting.pop(user_id, False)
            self._running.add(user_id)
        try:
            self._publish(user_id, with_chart)
        except HelpdeskKpisError as error:  # the store unreachable, a configuration problem: its one line
            with self._lock:
                self.figures.failed += 1
            log.warning("App Home of %s not published: %s", user_id, error)
        except Exception:  # noqa: BLE001 - one user's failure must not stop the queue; said in one line
            with self._lock:
                self.figures.failed += 1
            log.warning("App Home of %s not published: unexpected error (see the debug log)", user_id)
            log.debug("App Home of %s", user_id, exc_info=True)
        finally:
            with self._lock:
                self._running.discard(user_id)
                if user_id in self._waiting:  # asked for again while publishing: once more, with the latest state
                    self._submit(user_id)
                self._owed -= 1
                self._lock.notify_all()

    def _publish(self, user_id: str, with_chart: bool) -> None:
        state = self.states.get(user_id)
        if state is None:
            return  # never opened: nothing to refresh
        started = time.perf_counter()
        page = home_page(self.commands, state, now=self.clock(), with_chart=with_chart)
        file_id = chart_file(self.client, self.states, state, page.chart) if with_chart else state.chart_file_id
        view = page.view(file_id)
        computed = time.perf_counter()
        try:
            self.client.views_publish(user_id=user_id, view=view)
            ok = True
        except SlackApiError as error:
            log.warning("App Home of %s not published: Slack answered %s", user_id,
                        error.response.get("error") or f"HTTP {error.response.status_code}")
            ok = False
        except (SlackClientError, OSError) as error:
            log.warning("App Home of %s not published: Slack unreachable (%s)", user_id, type(error).__name__)
            ok = False
        done = time.perf_counter()
        with self._lock:
            self.figures.computing_seconds += computed - started
            self.figures.publishing_seconds += done - computed
            if ok:
                self.figures.published += 1
            else:
                self.figures.failed += 1
