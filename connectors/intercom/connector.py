"""The Intercom connector: one Intercom workspace and its streams, and what `config check` asks of it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectors import base
from connectors.probing import CHECK_ATTEMPTS, probe
from connectors.http import clock as clocks
from connectors.http.clock import Clock
from connectors.intercom.client import IntercomClient
from connectors.intercom.settings import IntercomSettings
from connectors.intercom.streams import AdminsStream, ConversationsStream, TeamsStream


class IntercomConnector(base.Connector):
    source = "intercom"

    def __init__(self, instance: str, settings: IntercomSettings, *, clock: Clock | None = None) -> None:
        super().__init__(instance)
        self.settings = settings
        self.clock = clock or clocks.default_clock()
        self.client = IntercomClient(instance, settings, self.clock)

    def streams(self) -> Sequence[base.Stream]:
        return [TeamsStream(self.client), AdminsStream(self.client), ConversationsStream(self.client)]

    def check(self) -> list[base.CheckResult]:
        """The token works, and its app may read what the KPIs need: admins, teams, conversations."""
        # A client of its own that gives up sooner than a sync's: a person is waiting.
        client = IntercomClient(self.instance, self.settings, self.clock, max_attempts=CHECK_ATTEMPTS)
        token = self.settings.variable("ACCESS_TOKEN")
        where = self.settings.variable("URL") if self.settings.url else "region"
        reach = f"check that {self.settings.base_url} ({where}) is right and reachable from here, then run again"
        signed_in, _ = probe(f"{self.label} access token", client.me, fix=f"check {token}", found=_who, reach_fix=reach)
        if not signed_in.ok:
            return [signed_in]
        scopes = f"give the app of {token} the 'Read admins' and 'Read conversations' permissions, then run again"
        search = {"query": {"field": "updated_at", "operator": ">", "value": 0}, "pagination": {"per_page": 1}}
        checks = [
            (
                "admins and teams",
                lambda: (client.get("/admins"), client.get("/teams")),
                "readable (agent and team rows)",
            ),
            (
                "conversations",
                lambda: client.session.request("POST", client.url("/conversations/search"), json=search),
                f"searchable (Intercom-Version {self.settings.api_version}), with statistics and ratings",
            ),
        ]
        return [signed_in] + [
            probe(f"{self.label} {what}", call, fix=scopes, found=found, reach_fix=reach)[0]
            for what, call, found in checks
        ]


def _who(me: Any) -> str:
    app = (me.get("app") or {}) if isinstance(me, dict) else {}
    email = me.get("email") if isinstance(me, dict) else None
    return f"{email or 'an admin'} in workspace {app.get('name') or app.get('id_code') or '?'}"
