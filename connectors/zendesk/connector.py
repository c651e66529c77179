"""The Zendesk connector: one configured Zendesk account (or brand) and its streams."""

from __future__ import annotations

from collections.abc import Sequence

from connectors import base
from connectors.http import clock as clocks
from connectors.http.clock import Clock
from connectors.zendesk.client import ZendeskClient
from connectors.zendesk.credentials import CHECK_ATTEMPTS, check_zendesk
from connectors.zendesk.settings import ZendeskSettings
from connectors.zendesk.streams import (
    AgentsStream,
    MembershipsStream,
    RatingsStream,
    SlaEventsStream,
    SurveyResponsesStream,
    TeamsStream,
    TicketsStream,
)


class ZendeskConnector(base.Connector):
    source = "zendesk"

    def __init__(self, instance: str, settings: ZendeskSettings, *, clock: Clock | None = None) -> None:
        super().__init__(instance)
        self.settings = settings
        self.clock = clock or clocks.default_clock()
        self.client = ZendeskClient(instance, settings, self.clock)

    def streams(self) -> Sequence[base.Stream]:
        # The directory first, so that tickets find their agents and groups; SLA events after the
        # tickets, so that most find their ticket stored (the others count once it is); both kinds of
        # satisfaction survey, since an account uses one or the other and says which by
        # answering 404 for the one it does not have.
        return [
            TeamsStream(self.client),
            AgentsStream(self.client),
            MembershipsStream(self.client),
            TicketsStream(self.client),
            SlaEventsStream(self.client),
            RatingsStream(self.client),
            SurveyResponsesStream(self.client),
        ]

    def check(self) -> list[base.CheckResult]:
        # A client of its own that gives up sooner than a sync's: a person is waiting.
        client = ZendeskClient(self.instance, self.settings, self.clock, max_attempts=CHECK_ATTEMPTS)
        return check_zendesk(self.label, client)
