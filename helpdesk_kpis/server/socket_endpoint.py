"""Wiring of `/kpi` over Socket Mode (``serve --socket-mode`` or ``[slack] socket_mode = true``).

The process connects out to Slack with ``SLACK_APP_TOKEN``; nothing listens for Slack. It still
answers ``GET /healthz`` on ``[server] port`` for the orchestrator, ``degraded`` while the
WebSocket is being re-opened (the client reconnects by itself).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from rich.console import Console

from helpdesk_kpis import metrics
from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs.slack_runs import clock as utc_clock
from helpdesk_kpis.server.endpoint import RunningServer, SlashApp, build_slash_app, warm_in_background
from helpdesk_kpis.server.observed import Observed
from helpdesk_kpis.server.scheduler_health import health_app
from kpis.errors import ConfigError
from notifiers.slash.socket_mode import SocketModeConnection


class SocketEndpoint:
    """The Socket Mode connection and the health server beside it, stopped together."""

    def __init__(self, connection: SocketModeConnection, health: RunningServer, slash: SlashApp, *,
                 grace: float = 5.0) -> None:
        self.connection = connection
        self.health = health
        self.port = health.port
        self.slash = slash
        self.grace = grace

    def stop(self) -> int:
        """Drained as the HTTP endpoint is (:meth:`RunningServer.stop`), within ``grace`` seconds:
        envelopes arriving now are answered "ask again" at once, those being answered are
        acknowledged (with the answer, or "working on it") before the connection closes, and the
        answers owed through response_url get the rest of the grace. Returns how many callers
        were told to ask again."""
        deadline = time.monotonic() + self.grace
        self.slash.inflight.begin_drain()
        self.connection.wait_acknowledged(deadline)
        told = self.slash.settle(deadline, close_pool=False)
        self.connection.close()  # after this no envelope reaches the answers' pool
        self.slash.close_pools()
        self.health.stop()
        return told


def _count_request(seconds: float, answered: bool) -> None:
    metrics.SLASH_SECONDS.observe(seconds)
    metrics.SLASH_REQUESTS.labels("answered" if answered else "failed").inc()


def app_token(ctx: AppContext) -> str:
    token = ctx.settings().env.slack_app_token
    value = token.get_secret_value().strip() if token is not None else ""
    if not value:
        raise ConfigError(
            "Socket Mode needs SLACK_APP_TOKEN: create an app-level token with the connections:write scope "
            "(Basic Information › App-Level Tokens) and set it in the environment or .env"
        )
    if not value.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN is not an app-level token (it starts with xapp-); copy it from Basic Information › App-Level Tokens")
    return value


def start_socket_endpoint(
    ctx: AppContext, console: Console, *, host: str, port: int, clock: Callable[[], datetime] = utc_clock,
    role: str = "endpoint",
) -> SocketEndpoint:
    token = app_token(ctx)
    slash = build_slash_app(ctx, clock=clock, socket_mode=True)
    connection = SocketModeConnection(slash.bolt, token, on_request=_count_request)
    connection.connect()
    health = RunningServer(Observed(health_app(ctx, role, connected=lambda: connection.connected)), host, port)
    try:
        health.start()
    except BaseException:
        connection.close()
        raise
    warm_in_background(slash, ctx, clock)
    console.print(f"/kpi over Socket Mode: connected to Slack (health: http://{host}:{health.port}/healthz)", highlight=False)
    return SocketEndpoint(connection, health, slash, grace=ctx.settings().config.server.shutdown_grace_seconds)
