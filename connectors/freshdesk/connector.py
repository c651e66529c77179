"""The Freshdesk connector: one Freshdesk account and its streams, and what `config check` asks of it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectors import base
from connectors.probing import CHECK_ATTEMPTS, probe
from connectors.freshdesk.client import FreshdeskClient
from connectors.freshdesk.settings import FreshdeskSettings
from connectors.freshdesk.streams import (
    AgentsStream,
    DeletedTicketsStream,
    RatingsStream,
    SpamTicketsStream,
    TeamsStream,
    TicketsStream,
)
from connectors.http import clock as clocks
from connectors.http.clock import Clock


class FreshdeskConnector(base.Connector):
    source = "freshdesk"

    def __init__(self, instance: str, settings: FreshdeskSettings, *, clock: Clock | None = None) -> None:
        super().__init__(instance)
        self.settings = settings
        self.clock = clock or clocks.default_clock()
        self.client = FreshdeskClient(instance, settings, self.clock)

    def streams(self) -> Sequence[base.Stream]:
        return [
            TeamsStream(self.client),
            AgentsStream(self.client),
            TicketsStream(self.client),
            DeletedTicketsStream(self.client),
            SpamTicketsStream(self.client),
            RatingsStream(self.client),
        ]

    def check(self) -> list[base.CheckResult]:
        """The API key works, and its agent may read what the KPIs need: tickets with their stats,
        satisfaction ratings, groups and agents."""
        # A client of its own that gives up sooner than a sync's: a person is waiting.
        get = FreshdeskClient(self.instance, self.settings, self.clock, max_attempts=CHECK_ATTEMPTS).get
        key = self.settings.variable("API_KEY")
        where = self.settings.variable("URL") if self.settings.url else self.settings.variable("DOMAIN")
        reach = f"check that {self.settings.base_url} ({where}) is right and reachable from here, then run again"
        signed_in, _ = probe(
            f"{self.label} API key", lambda: get("/agents/me"), fix=f"check {key}", found=_who, reach_fix=reach
        )
        if not signed_in.ok:
            return [signed_in]
        role = f"set {key} to the API key of an agent with the Administrator or Supervisor role"
        checks = [
            (
                "tickets",
                lambda: get("/tickets", {"per_page": 1, "include": "stats"}),
                "tickets with their stats (first reply, resolution)",
            ),
            ("satisfaction ratings", lambda: get("/surveys/satisfaction_ratings", {"per_page": 1}), "readable"),
            (
                "groups and agents",
                lambda: (get("/groups", {"per_page": 1}), get("/agents", {"per_page": 1})),
                "readable (team and agent rows)",
            ),
        ]
        return [signed_in] + [
            probe(f"{self.label} {what}", call, fix=role, found=found, reach_fix=reach)[0]
            for what, call, found in checks
        ]


def _who(me: Any) -> str:
    contact = (me.get("contact") if isinstance(me, dict) else None) or {}
    return f"signed in as {contact.get('email') or contact.get('name') or 'an agent'}"
