"""`/healthz` of a process that answers no Slack requests over HTTP, on ``[server] port``.

A ``serve --role scheduler`` process, or one receiving `/kpi` over Socket Mode, still needs an
address where an orchestrator (Docker, Kubernetes, systemd) asks whether it is alive and can reach
the store: 200 with ``{"status": "ok"}``, or 503 with ``{"status": "down"}`` when the store cannot
be reached; over Socket Mode, 200 with ``"degraded"`` while the connection to Slack is re-opened.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.server.endpoint import RunningServer
from helpdesk_kpis.server.health import health_report
from helpdesk_kpis.server.observed import Observed


def health_app(ctx: AppContext, role: str, *, connected: Callable[[], bool] | None = None) -> Starlette:
    """``connected``: whether the Socket Mode connection is up, for a Socket Mode endpoint."""

    def healthz(request: Request) -> JSONResponse:  # noqa: ARG001
        status, body = health_report(ctx, role, connected=connected)
        return JSONResponse(body, status_code=status)

    return Starlette(routes=[Route("/healthz", healthz, methods=["GET"])])


def start_health_server(ctx: AppContext, console: Console, *, host: str | None, port: int | None) -> RunningServer:
    settings = ctx.settings()
    host = host or settings.config.server.host
    port = settings.config.server.port if port is None else port
    server = RunningServer(
        Observed(health_app(ctx, "scheduler")), host, port, grace=settings.config.server.shutdown_grace_seconds
    )
    server.start()
    console.print(f"health: http://{host}:{server.port}/healthz", highlight=False)
    return server
