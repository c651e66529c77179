"""The sample connector: the synthetic helpdesk served as resumable streams.

Cursors are JSON: ``{"anchor": "<iso>", "next_page": k, "settings": "<fingerprint>"}``. The anchor
is the synthetic helpdesk's "now"; without one in the settings it is fixed by the first sync and
carried in every cursor, so a resumed or repeated sync regenerates the very same records. Ticket,
rating, survey, review and reply streams page by ticket index (``page_size`` tickets a page); the directory
streams are one page each.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import ClassVar

from connectors.base import Connector, Page, Stream, SyncOptions
from connectors.sample.accounts import sample_accounts
from connectors.sample.generator import SampleHelpdesk
from connectors.sample.settings import SampleSettings, to_whole_utc
from kpis.record_types import Record


class SampleConnector(Connector):
    source = "sample"

    def __init__(self, instance: str, settings: SampleSettings | None = None) -> None:
        super().__init__(instance)
        self.settings = settings or SampleSettings()
        # The anchor this connector settled on: the first one read from a cursor (or fixed).
        # Streams run in order, so a stream starting afresh after an interrupted sync adopts the
        # anchor of the streams before it instead of drawing a new "now" of its own.
        self._anchor: datetime | None = self.settings.anchor
        self._helpdesk: SampleHelpdesk | None = None

    def streams(self) -> Sequence[Stream]:
        return [stream(self) for stream in _STREAMS]

    def anchor_for(self, saved: datetime | None, now: datetime) -> datetime:
        if self._anchor is None:
            self._anchor = saved if saved is not None else to_whole_utc(now)
        return self._anchor

    def helpdesk(self, anchor: datetime) -> SampleHelpdesk:
        if self._helpdesk is None or self._helpdesk.anchor != anchor:
            self._helpdesk = SampleHelpdesk(self.settings, anchor, self.source, self.instance)
        return self._helpdesk


class _SampleStream(Stream):
    """Shared paging: read the cursor, settle the anchor, yield the remaining pages."""

    def __init__(self, connector: SampleConnector) -> None:
        self.connector = connector

    def pages(self, cursor: str | None, options: SyncOptions) -> Iterator[Page]:
        settings = self.connector.settings
        saved = json.loads(cursor) if cursor else {}
        saved_anchor = datetime.fromisoformat(saved["anchor"]) if "anchor" in saved else None
        anchor = self.connector.anchor_for(saved_anchor, options.now)
        fingerprint = settings.fingerprint()
        # Another anchor or other settings describe another helpdesk: start that one over.
        same = saved_anchor == anchor and saved.get("settings") == fingerprint
        first = int(saved.get("next_page", 0)) if same else 0
        helpdesk = self.connector.helpdesk(anchor)
        for page in range(first, self.page_count(settings)):
            state = {"anchor": anchor.isoformat(), "next_page": page + 1, "settings": fingerprint}
            yield Page(self.records(helpdesk, page), json.dumps(state))

    def page_count(self, settings: SampleSettings) -> int:
        return 1

    def records(self, helpdesk: SampleHelpdesk, page: int) -> list[Record]:
        # Each stream is named after the helpdesk method that produces its records.
        return getattr(helpdesk, self.name)()


class _TicketRangeStream(_SampleStream):
    def page_count(self, settings: SampleSettings) -> int:
        return -(-settings.tickets // settings.page_size)

    def records(self, helpdesk: SampleHelpdesk, page: int) -> list[Record]:
        size = helpdesk.settings.page_size
        produce: Callable[[int, int], list[Record]] = getattr(helpdesk, self.name)
        return produce(page * size, (page + 1) * size)


class TeamsStream(_SampleStream):
    name: ClassVar[str] = "teams"


class AgentsStream(_SampleStream):
    name: ClassVar[str] = "agents"


class MembershipsStream(_SampleStream):
    name: ClassVar[str] = "memberships"


class TicketsStream(_TicketRangeStream):
    name: ClassVar[str] = "tickets"


class RatingsStream(_TicketRangeStream):
    name: ClassVar[str] = "ratings"


class SurveyAnswersStream(_TicketRangeStream):
    name: ClassVar[str] = "survey_answers"


class ReviewsStream(_TicketRangeStream):
    name: ClassVar[str] = "reviews"


class AgentRepliesStream(_TicketRangeStream):
    name: ClassVar[str] = "agent_replies"


class AccountsStream(_SampleStream):
    """One customer account per organisation (for the outcomes report)."""

    name: ClassVar[str] = "accounts"

    def records(self, helpdesk: SampleHelpdesk, page: int) -> list[Record]:
        return list(sample_accounts(helpdesk.settings, helpdesk.anchor, helpdesk.source, helpdesk.instance))


_STREAMS: tuple[type[_SampleStream], ...] = (
    TeamsStream, AgentsStream, MembershipsStream, TicketsStream, RatingsStream, SurveyAnswersStream, ReviewsStream,
    AgentRepliesStream, AccountsStream,
)
