"""`/healthz` of a ``serve --role scheduler`` process, on ``[server] port``.

A scheduler process answers no Slack requests, yet an orchestrator (Docker, Kubernetes, systemd)
still needs to ask whether it is alive and can reach the store: 200 with ``{"status": "ok"}``, or
503 with ``{"status": "down"}`` when the store cannot be reached.
"""

from __future__ import annotations

from rich.console import Console
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.server.endpoint import RunningServer


def health_app(ctx: AppContext, role: str) -> Starlette:
    def healthz(request: Request) -> JSONResponse:  # noqa: ARG001
        try:
            ctx.store().ping()
        except Exception:  # noqa: BLE001 - any failure to reach the store is "down"
            return JSONResponse({"status": "down", "role": role, "store": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "role": role, "store": "ok"})

    return Starlette(routes=[Route("/healthz", healthz, methods=["GET"])])


def start_health_server(ctx: AppContext, console: Console, *, host: str | None, port: int | None) -> RunningServer:
    settings = ctx.settings()
    host = host or settings.config.server.host
    port = settings.config.server.port if port is None else port
    server = RunningServer(
        health_app(ctx, "scheduler"), host, port, grace=settings.config.server.shutdown_grace_seconds
    )
    server.start()
    console.print(f"health: http://{host}:{server.port}/healthz", highlight=False)
    return server
