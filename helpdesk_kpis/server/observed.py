"""`GET /metrics` (and the full `GET /healthz`) in front of any of serve's HTTP apps, and every
`/kpi` request counted.

A plain ASGI wrapper rather than a route of each app: the `/kpi` endpoint, the scheduler's health
app and the Socket Mode endpoint's all answer `/metrics` the same way, and the `/kpi` requests'
outcome (from the HTTP status) and time to the answer are measured where they leave the process,
after the guards, Bolt and the answer itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from helpdesk_kpis import metrics

SLASH_PATH = "/slack/events"


class Observed:
    def __init__(
        self, app: ASGIApp, *, slash_path: str = SLASH_PATH,
        health: Callable[[], tuple[int, dict[str, Any]]] | None = None,
    ) -> None:
        self.app = app
        self.slash_path = slash_path
        #: The full `/healthz` (helpdesk_kpis.server.health), in place of the app's own.
        self.health = health

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == "/metrics" and scope["method"] in ("GET", "HEAD"):
            body, content_type = metrics.exposition()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body if scope["method"] == "GET" else b""})
            return
        if scope["path"] == "/healthz" and self.health is not None and scope["method"] == "GET":
            status, report = await run_in_threadpool(self.health)  # it asks the store: not on the event loop
            await JSONResponse(report, status_code=status)(scope, receive, send)
            return
        if scope["path"] != self.slash_path:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                metrics.SLASH_SECONDS.observe(time.perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            metrics.SLASH_REQUESTS.labels(metrics.outcome_of(status)).inc()
