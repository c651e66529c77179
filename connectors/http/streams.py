"""The stream base of the HTTP connectors (Zendesk, Freshdesk, Intercom, Help Scout).

A stream holds its vendor client (``instance`` and the shared ``session``), reports the session's
rate-limit waits to the sync's progress, keeps its cursor as JSON state, and turns vendor items
into records through the shared mapping guard (one bad item stops the sync with a clear line).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol

from connectors.base import Page, Stream, SyncOptions
from connectors.http.session import ApiSession
from connectors.items import records_of
from kpis.record_types import Record


class ApiClient(Protocol):
    instance: str
    session: ApiSession


def iso(moment: datetime) -> str:
    """A UTC moment as the vendors' query parameters want it: 2026-11-03T14:05:00Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class ApiStream(Stream):
    #: What the stream's items are, for messages ("ticket", "rating").
    what: ClassVar[str]

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    @property
    def instance(self) -> str:
        return self.client.instance

    def pages(self, cursor: str | None, options: SyncOptions) -> Iterator[Page]:
        self.client.session.report_waits_to(options.on_wait, options.on_retry)
        self.client.session.stop_waiting_when(options.should_stop)
        return self.read(json.loads(cursor) if cursor else {}, options)

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        raise NotImplementedError

    def records(self, items: Sequence[Any], build: Callable[[Any], Any]) -> list[Record]:
        return records_of(items, build, service=self.client.session.service, what=self.what)
