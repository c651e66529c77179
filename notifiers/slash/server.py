"""The HTTP face of the Slack app: an ASGI (Starlette) application served by uvicorn.

- ``POST /slack/events``: Slack's requests, handed to the Bolt app through Bolt's Starlette
  adapter. Bolt's ``App`` is synchronous, so each request is dispatched in a worker thread and
  the event loop keeps accepting connections meanwhile.
- ``GET /healthz``: ``{"status": "ok"}`` while the store answers, 503 otherwise (for load
  balancers and uptime checks); it says nothing more.

Requests are screened before Bolt sees them (:mod:`.guards`: content type, signature headers,
signature, failed attempts per address), and bodies larger than ``max_body_bytes`` are refused with
413 before they are read in full (a slash command's form is a few hundred bytes; Slack caps the
text at a few thousand). Errors never carry a stack trace or a setting: Starlette runs with
``debug=False`` and every failure answer is a fixed short JSON body.
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

from notifiers.slash.guards import FailureLimit, Refusal, RequestGuard, log_refusal

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
DEFAULT_MAX_BODY = 64 * 1024


class _TooLarge(Exception):
    pass


def create_asgi_app(
    bolt_app: App,
    *,
    healthy: Callable[[], bool],
    signing_secret: str,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    path: str = EVENTS_PATH,
    failures: FailureLimit | None = None,
) -> Starlette:
    guard = RequestGuard(signing_secret, failures)
    too_large = Refusal(413, f"body over {max_body_bytes} bytes", "request too large")

    async def events(request: Request) -> Response:
        address = request.client.host if request.client else "unknown"
        declared = request.headers.get("content-length")
        size = int(declared) if declared and declared.isdigit() else None
        if size is not None and size > max_body_bytes:
            return _refuse(too_large, address, size)
        refusal = guard.before_body(request.headers, address)
        if refusal is not None:
            return _refuse(refusal, address, size)
        try:
            body = await _read_limited(request, max_body_bytes)
        except _TooLarge:
            return _refuse(too_large, address, size)
        refusal = guard.verify(request.headers, body, address)
        if refusal is not None:
            return _refuse(refusal, address, len(body))
        try:
            # Bolt decodes the body as it builds the request (as JSON when it starts with "{"):
            # a body that is neither UTF-8 nor what it claims to be is not from Slack.
            bolt_request = to_bolt_request(request, body)
        except ValueError:
            return _refuse(Refusal(400, "body not UTF-8 form data"), address, len(body))
        bolt_response = await run_in_threadpool(bolt_app.dispatch, bolt_request)
        if bolt_response.status == 401:  # signed, but a replay (notifiers.slash.replay)
            guard.rejected(address)
            log_refusal(Refusal(401, "replayed request"), address=address, size=len(body))
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


def _refuse(refusal: Refusal, address: str, size: int | None) -> Response:
    log_refusal(refusal, address=address, size=size)
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
    return JSONResponse({"error": refusal.error}, status_code=refusal.status, headers=headers)


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
