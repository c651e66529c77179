"""After each sync: the App Home of whoever opened it in the last day, published again with the new numbers.

Who opened their Home and what they chose is in the store (:mod:`notifiers.interactive.home_store`),
so the process that syncs (the scheduler role) refreshes the Homes whatever process served them.
The refresh only queues the publishes (:class:`~notifiers.interactive.home_publish.HomePublisher`,
coalesced and within ``views.publish``'s rate limit): the next sync never waits for Slack.
Each refresh answers from a fresh snapshot cache, so the numbers are the sync's; the days no write
touched are not read again (one :class:`~kpis.columnar.memo.DayMemo` for the process).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk import WebClient

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs.slack_runs import clock as utc_clock
from helpdesk_kpis.server.kpi_answers import kpi_commands
from kpis.columnar.memo import DayMemo
from notifiers.interactive.home_publish import DEFAULT_WORKERS, HomePublisher
from notifiers.interactive.home_store import HomeStates
from notifiers.slack_client import make_client

#: Homes opened this recently are refreshed after a sync; older ones wait for their next opening.
RECENT = timedelta(days=1)


class HomeRefresh:
    def __init__(self, ctx: AppContext, *, clock: Callable[[], datetime] = utc_clock, client: WebClient | None = None,
                 workers: int = DEFAULT_WORKERS) -> None:
        """``client``: the Web API client to publish with (by default one made from the settings)."""
        self._ctx = ctx
        self._clock = clock
        self._client = client
        self._workers = workers
        self._memo = DayMemo()
        self.publisher: HomePublisher | None = None

    def after_sync(self) -> int:
        """Queue the publishes; how many users' Homes were queued (0 without a Slack bot token)."""
        env = self._ctx.settings().env
        if env.slack_bot_token is None:
            return 0
        states = HomeStates(self._ctx.store())
        users = states.opened_since(self._clock() - RECENT)
        if not users:
            return 0
        if self.publisher is None:
            client = self._client or make_client(env.slack_bot_token.get_secret_value(), env.slack_api_url)
            self.publisher = HomePublisher(client, self._commands(client), states, clock=self._clock,
                                           workers=self._workers)
        else:
            self.publisher.commands = self._commands(self.publisher.client)
        for user_id in users:
            self.publisher.request(user_id)
        return len(users)

    def _commands(self, client: WebClient):  # noqa: ANN202 - KpiCommands
        return kpi_commands(self._ctx, client, clock=self._clock, memo=self._memo)
