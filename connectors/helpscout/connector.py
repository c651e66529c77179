"""The Help Scout connector: one Help Scout account and its streams, and what `config check` asks of it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectors import base
from connectors.helpscout.client import HelpScoutClient
from connectors.helpscout.directory_streams import TeamsStream, UsersStream
from connectors.helpscout.settings import HelpScoutSettings
from connectors.helpscout.streams import ConversationsStream, RatingsStream
from connectors.http import clock as clocks
from connectors.http.clock import Clock
from connectors.probing import CHECK_ATTEMPTS, probe
from kpis.check_result import CheckResult


class HelpScoutConnector(base.Connector):
    source = "helpscout"

    def __init__(self, instance: str, settings: HelpScoutSettings, *, clock: Clock | None = None) -> None:
        super().__init__(instance)
        self.settings = settings
        self.clock = clock or clocks.default_clock()
        self.client = HelpScoutClient(instance, settings, self.clock)

    def streams(self) -> Sequence[base.Stream]:
        return [
            TeamsStream(self.client),
            UsersStream(self.client),
            ConversationsStream(self.client),
            RatingsStream(self.client),
        ]

    def check(self) -> list[CheckResult]:
        """The app's credentials get a token, and its user may read conversations, users and teams;
        the ratings report answers (Plus and Pro plans)."""
        # A client of its own that gives up sooner than a sync's: a person is waiting.
        client = HelpScoutClient(self.instance, self.settings, self.clock, max_attempts=CHECK_ATTEMPTS)
        names = self.settings.credential_variables
        reach = f"check that {self.settings.base_url} is right and reachable from here, then run again"
        signed_in, _ = probe(
            f"{self.label} app credentials",
            lambda: client.get("/users/me"),
            fix=f"check {names}",
            found=_who,
            reach_fix=reach,
        )
        if not signed_in.ok:
            return [signed_in]
        role = f"set {names} to an app created by an Account Owner or Administrator"
        results = [signed_in] + [
            probe(f"{self.label} {what}", call, fix=role, found=found, reach_fix=reach)[0]
            for what, call, found in (
                (
                    "conversations",
                    lambda: client.get("/conversations", {"status": "all", "embed": "threads"}),
                    "readable, with their threads (first reply, resolution)",
                ),
                (
                    "users and teams",
                    lambda: (client.get("/users"), client.get("/teams")),
                    "readable (agent and team rows)",
                ),
            )
        ]
        report, payload = probe(
            f"{self.label} ratings",
            lambda: client.get(
                "/reports/happiness/ratings",
                {"start": "2020-01-01T00:00:00Z", "end": "2020-01-02T00:00:00Z", "rating": "all"},
                accept_status=(403,),
            ),
            fix=role,
            reach_fix=reach,
            found="happiness ratings report readable",
        )
        if report.ok and payload is None:
            report = CheckResult(
                report.name,
                False,
                "the happiness ratings report needs a Plus or Pro plan: csat, csss and low ratings stay empty",
                "on a Plus or Pro plan, ratings are synced",
                skipped=True,
            )
        return results + [report]


def _who(me: Any) -> str:
    email = me.get("email") if isinstance(me, dict) else None
    return f"token issued; the app acts as {email or 'its user'}"
