"""A fake Zendesk Support API on 127.0.0.1, speaking the real wire format.

Cursor-based incremental ticket export (``after_url`` / ``after_cursor`` / ``end_of_stream``,
``include=metric_sets`` sideload), cursor-paginated lists (``meta.has_more`` / ``links.next``,
``page[size]`` / ``page[after]``) for satisfaction ratings, CSAT survey responses, users, groups
and group memberships; SLA policies and the time-based export of ticket metric events
(``next_page`` / ``end_time`` / ``count``, 1000 a page); rate-limit headers on every answer; the export's 10 requests a minute and
the account's per-minute limit enforced with 429 + ``Retry-After``; authentication (API token or
OAuth); and scripted faults (429, HTML 502, HTML 200, truncated JSON, dropped connection, slow
answer, 401, 403). Every request is logged, and any request made before a ``Retry-After`` had
elapsed is recorded as a violation.
"""

from __future__ import annotations

import base64
import json
import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.zendesk.data import TicketSource
from tests.fakes.zendesk.endpoints import API, ROUTES

#: Not Zendesk: the fake's own request counts, for a benchmark running the fake in another process.
STATS = "/__fake__/stats"
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
HTML_MAINTENANCE = b"<!DOCTYPE html><html><body><h1>We'll be right back</h1></body></html>"


@dataclass
class Fault:
    kind: str  # 429, 502, html200, truncated, drop, slow, hold, 401, 403
    path: str  # answered to the first request whose path contains this
    times: int = 1
    retry_after: int = 7
    seconds: float = 0.0
    #: Matching requests answered normally before this fault strikes (2: the third one).
    skip: int = 0
    #: "hold": set when the request arrives; the answer (a normal one) waits for ``release``.
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    #: "hold": once released, answer this fault's kind instead ("429": rate limited, ``retry_after``).
    then: str | None = None


@dataclass
class Logged:
    path: str
    params: dict[str, list[str]]
    at: float
    status: int = 0
    items: int = 0


@dataclass
class FakeZendesk:
    account: Any  # tests.fakes.zendesk.data.Account, or any object with the same read interface
    clock: Any
    tickets: TicketSource | None = None
    email: str = "admin@acme.test"
    token: str = "test-api-token"
    oauth_token: str | None = None
    admin: bool = True
    export_per_minute: int = 10
    account_per_minute: int = 700
    #: Largest page the export serves (Zendesk: 1000); lower it to make many pages of little data.
    page_cap: int = 1000
    #: Real seconds each answer takes (lets a test kill a sync mid-run).
    latency: float = 0.0
    #: Seconds of clock skew forgiven when counting a rate-limit window (processes on a scaled clock).
    tolerance: float = 0.0
    log: list[Logged] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tickets = self.tickets or self.account
        self._lock = threading.Lock()
        self._retry_deadline: float | None = None
        self._export_times: deque[float] = deque()
        self._account_times: deque[float] = deque()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                fake._serve(self)

            def log_message(self, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        # A short poll interval: stopping the server at the end of a test waits that long.
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeZendesk:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- what tests ask ------------------------------------------------------------------------

    def fail(self, kind: str, path: str, **kwargs: Any) -> None:
        self.faults.append(Fault(kind, path, **kwargs))

    def hold(self, path: str, *, skip: int = 0, then: str | None = None, retry_after: int = 7) -> Fault:
        """Keep the request (after ``skip`` answered ones) waiting until the test sets ``release``:
        a sync caught mid-page, deterministically; ``then`` answers it with that fault after."""
        fault = Fault("hold", path, skip=skip, then=then, retry_after=retry_after)
        self.faults.append(fault)
        return fault

    def requests_to(self, fragment: str) -> list[Logged]:
        return [r for r in self.log if fragment in r.path]

    def forget(self) -> None:
        self.log.clear()

    def stats(self) -> dict[str, Any]:
        """Requests per path and status, and Retry-After violations."""
        counts: dict[str, dict[str, int]] = {}
        with self._lock:
            for entry in self.log:
                if entry.path != STATS:
                    by_status = counts.setdefault(entry.path, {})
                    by_status[str(entry.status)] = by_status.get(str(entry.status), 0) + 1
            return {"requests": counts, "violations": list(self.violations)}

    # -- serving -------------------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        params = parse_qs(parts.query, keep_blank_values=True)
        with self._lock:
            entry = Logged(parts.path, params, self.clock.monotonic())
            self.log.append(entry)
        if self.latency:
            time.sleep(self.latency)
        status, headers, body, drop = self._answer(handler, parts.path, params, entry)
        entry.status = status
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body) + (1000 if drop else 0)))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()
        if drop:
            handler.close_connection = True

    def _answer(self, handler: BaseHTTPRequestHandler, path: str, params: dict, entry: Logged):
        if path == STATS:
            return _json(200, self.stats())
        now = self.clock.monotonic()
        with self._lock:
            if self._retry_deadline is not None and now < self._retry_deadline - self.tolerance:
                self.violations.append(f"{path} at {now:.3f}s, {self._retry_deadline - now:.3f}s before Retry-After elapsed")
                return self._rate_limited(self._retry_deadline - now)
        if not self._authenticated(handler.headers.get("Authorization", "")):
            return _json(401, {"error": "Couldn't authenticate you"})
        fault = self._take_fault(handler.path)
        if fault is not None:
            answer = self._fault(fault, path)
            if answer is not None:
                return answer
        with self._lock:
            limited = self._over_limits(path, now)
        if limited is not None:
            return self._rate_limited(limited)
        admin_only = any(path.startswith(f"{API}/{area}") for area in ("incremental/", "satisfaction_ratings", "slas/"))
        if admin_only and not self.admin:
            return _json(403, {"error": "Forbidden", "description": "You do not have access to this page. Please contact the account owner of this help desk for further help."})
        route = ROUTES.get(path)
        if route is None:
            return _json(404, {"error": "InvalidEndpoint", "description": "Not found"})
        status, body, items = route(self, params)
        entry.items = items
        status, headers, payload, drop = _json(status, body)
        headers.update(self._limit_headers())
        return status, headers, payload, drop

    def _authenticated(self, header: str) -> bool:
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return user == f"{self.email}/token" and password == self.token
        if header.startswith("Bearer ") and self.oauth_token:
            return header[7:] == self.oauth_token
        return False

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.path in path and fault.times > 0:
                    if fault.skip > 0:
                        fault.skip -= 1
                        continue
                    fault.times -= 1
                    return fault
        return None

    def _fault(self, fault: Fault, path: str):
        if fault.kind == "429":
            return self._rate_limited(fault.retry_after)
        if fault.kind == "502":
            return 502, {"Content-Type": "text/html"}, HTML_502, False
        if fault.kind == "html200":
            return 200, {"Content-Type": "text/html; charset=utf-8"}, HTML_MAINTENANCE, False
        if fault.kind == "truncated":
            return 200, {"Content-Type": "application/json; charset=utf-8"}, b'{"tickets": [{"id": 1, "status": "op', False
        if fault.kind == "drop":
            return 200, {"Content-Type": "application/json; charset=utf-8"}, b'{"tickets": [', True
        if fault.kind == "slow":
            time.sleep(fault.seconds)
            return None
        if fault.kind == "hold":
            fault.reached.set()
            fault.release.wait(timeout=120)  # bounded: a failed test must not hang the fake
            return None if fault.then is None else self._fault(Fault(fault.then, path, retry_after=fault.retry_after), path)
        if fault.kind == "401":
            return _json(401, {"error": "Couldn't authenticate you"})
        if fault.kind == "403":
            return _json(403, {"error": "Forbidden", "description": "You do not have access to this page."})
        raise ValueError(fault.kind)

    def _rate_limited(self, seconds: float):
        wait = max(1, math.ceil(seconds))
        with self._lock:
            deadline = self.clock.monotonic() + wait
            self._retry_deadline = max(self._retry_deadline or 0.0, deadline)
        status, headers, body, drop = _json(429, {"error": "APIRateLimitExceeded", "description": "Number of allowed API requests per minute exceeded"})
        headers["Retry-After"] = str(wait)
        return status, headers, body, drop

    def _over_limits(self, path: str, now: float) -> float | None:
        """Seconds until a request to ``path`` would be allowed, or None when it is allowed now."""
        window = 60.0 - self.tolerance
        for times, limit, applies in (
            (self._account_times, self.account_per_minute, True),
            (self._export_times, self.export_per_minute, path.startswith(f"{API}/incremental/")),
        ):
            while times and times[0] <= now - window:
                times.popleft()
            if applies and len(times) >= limit:
                return times[0] + window - now
        self._account_times.append(now)
        if path.startswith(f"{API}/incremental/"):
            self._export_times.append(now)
        return None

    def _limit_headers(self) -> dict[str, str]:
        with self._lock:
            remaining = max(0, self.account_per_minute - len(self._account_times))
            reset = 60 if not self._account_times else max(1, math.ceil(self._account_times[0] + 60 - self.clock.monotonic()))
        return {
            "X-Rate-Limit": str(self.account_per_minute),
            "X-Rate-Limit-Remaining": str(remaining),
            "ratelimit-limit": str(self.account_per_minute),
            "ratelimit-remaining": str(remaining),
            "ratelimit-reset": str(reset),
        }

def _json(status: int, body: Any):
    return status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode(), False
