"""The connector interface: a helpdesk as a few streams of records, each resumable from a cursor.

A connector is declared by a ``source`` name and the streams it offers; a stream by its ``name``
and the ``pages`` it yields from a saved cursor. Each :class:`Page` carries its records and the
cursor to resume *after* it; the sync stores both in one transaction, so a sync killed at any
moment resumes exactly where its last stored page ended. Connectors never compute KPIs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from kpis.check_result import CheckResult
from kpis.record_types import Record
from kpis.records import Team

__all__ = ["STREAM_ORDER", "CheckResult", "Connector", "Page", "Stream", "SyncOptions", "never_stop"]

#: The streams a sync runs, in this order: the directory first, so tickets find their agents; what
#: hangs on tickets (reviews, agent replies) after them, so that a review finds its ticket's agent.
STREAM_ORDER: tuple[str, ...] = ("teams", "agents", "memberships", "tickets", "ratings", "survey_answers", "reviews",
                                 "agent_replies")


@dataclass(frozen=True, slots=True)
class Page:
    records: Sequence[Record]
    #: Opaque state to resume after this page (a JSON string by convention); ``None`` = start over.
    cursor: str | None


def _ignore_wait(seconds: float) -> None:
    return None


def ignore_retry(rate_limited: bool) -> None:
    """The retry report of a run nobody counts (the default)."""
    return None


def never_stop() -> bool:
    """The stop request of a run nobody can stop (the default)."""
    return False


@dataclass(frozen=True, slots=True)
class SyncOptions:
    """What one sync run asks of a stream."""

    #: Where a first sync (or ``--full``) starts; later syncs start from their cursor.
    since: datetime
    #: The run's clock reading, passed down so that streams never read the clock themselves.
    now: datetime
    #: Called with the seconds spent waiting on a rate limit, for the progress display.
    on_wait: Callable[[float], None] = field(default=_ignore_wait)
    #: Called before each retry of a request, with whether it was a 429 (for the metrics).
    on_retry: Callable[[bool], None] = field(default=ignore_retry)
    #: The sync's stop request (SIGTERM), asked before any wait inside a page; the sync itself
    #: asks it between pages.
    should_stop: Callable[[], bool] = field(default=never_stop)


class Stream(ABC):
    """One kind of record pulled incrementally from a helpdesk."""

    name: ClassVar[str]

    @abstractmethod
    def pages(self, cursor: str | None, options: SyncOptions) -> Iterator[Page]:
        """Yield pages from ``cursor`` (``None``: from ``options.since``) to the end of the data."""


class Connector(ABC):
    """A configured instance of one helpdesk (one Zendesk account, say)."""

    source: ClassVar[str]

    def __init__(self, instance: str) -> None:
        self.instance = instance

    @abstractmethod
    def streams(self) -> Sequence[Stream]:
        """The streams this instance offers, in the order they should run."""

    def check(self) -> list[CheckResult]:
        """Real calls proving this instance's configuration works (credentials, permissions,
        features the KPIs need). Never raises for a failed check: it reports it with its fix."""
        return [CheckResult(f"{self.label}", True, "nothing to check")]

    def discover_teams(self, now: datetime) -> list[Team]:
        """The helpdesk's teams as they are now, read through the ``teams`` stream (``config init``
        proposes a Slack channel for each). Empty when the connector has no teams stream."""
        options = SyncOptions(since=now, now=now)
        found: list[Team] = []
        for stream in self.streams():
            if stream.name == "teams":
                for page in stream.pages(None, options):
                    found.extend(record for record in page.records if isinstance(record, Team))
        return found

    @property
    def label(self) -> str:
        return f"{self.source}:{self.instance}"
