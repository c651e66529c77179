"""The HTTP face of the Slack app: an ASGI (Starlette) application served by uvicorn.

- ``POST /slack/events``: Slack's requests, handed to the Bolt app through Bolt's Starlette
  adapter. Bolt's ``App`` is synchronous, so each request is dispatched in a worker thread and
  the event loop keeps accepting connections meanwhile.
- ``GET /healthz``: ``{"status": "ok"}`` while the store answers, 503 otherwise (for load
  balancers and uptime checks); it says nothing more.

Bodies larger than ``max_body_bytes`` are refused with 413 before they are read in full (a slash
command's form is a few hundred bytes; Slack caps the text at a few thousand). Errors never carry
a stack trace or a setting: Starlette runs with ``debug=False`` and every failure answer is a
fixed short JSON body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
DEFAULT_MAX_BODY = 64 * 1024


class _TooLarge(Exception):
    pass


def create_asgi_app(
    bolt_app: App,
    *,
    healthy: Callable[[], bool],
    max_body_bytes: int = DEFAULT_MAX_BODY,
    path: str = EVENTS_PATH,
) -> Starlette:
    async def events(request: Request) -> Response:
        try:
            body = await _read_limited(request, max_body_bytes)
        except _TooLarge:
            return JSONResponse({"error": "request too large"}, status_code=413)
        try:
            # Bolt decodes the body as it builds the request (as JSON when it starts with "{"):
            # a body that is neither UTF-8 nor what it claims to be is not from Slack.
            bolt_request = to_bolt_request(request, body)
        except ValueError:
            return JSONResponse({"error": "invalid request"}, status_code=400)
        bolt_response = await run_in_threadpool(bolt_app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    async def healthz(_request: Request) -> Response:
        try:
            ok = await run_in_threadpool(healthy)
        except Exception as error:  # noqa: BLE001 - any failure means "not healthy", logged without detail to callers
            log.warning("health check failed: %s", type(error).__name__)
            ok = False
        return JSONResponse({"status": "ok" if ok else "unavailable"}, status_code=200 if ok else 503)

    return Starlette(
        debug=False,
        routes=[Route(path, events, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])],
    )


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise _TooLarge
        except ValueError:
            raise _TooLarge from None  # a Content-Length that is not a number: not from Slack
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)
