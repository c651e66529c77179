"""A fake Zendesk Support API on 127.0.0.1, speaking the real wire format.

Cursor-based incremental ticket export (``after_url`` / ``after_cursor`` / ``end_of_stream``,
``include=metric_sets`` sideload), cursor-paginated lists (``meta.has_more`` / ``links.next``,
``page[size]`` / ``page[after]``) for satisfaction ratings, CSAT survey responses, users, groups
and group memberships; rate-limit headers on every answer; the export's 10 requests a minute and
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
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fake_zendesk.data import TicketSource

API = "/api/v2"
EXPORT = f"{API}/incremental/tickets/cursor.json"
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
HTML_MAINTENANCE = b"<!DOCTYPE html><html><body><h1>We'll be right back</h1></body></html>"


@dataclass
class Fault:
    kind: str  # 429, 502, html200, truncated, drop, slow, 401, 403
    path: str  # answered to the first request whose path contains this
    times: int = 1
    retry_after: int = 7
    seconds: float = 0.0


@dataclass
class Logged:
    path: str
    params: dict[str, list[str]]
    at: float
    status: int = 0
    items: int = 0


@dataclass
class FakeZendesk:
    account: Any  # tests.fake_zendesk.data.Account, or any object with the same read interface
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
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
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

    def requests_to(self, fragment: str) -> list[Logged]:
        return [r for r in self.log if fragment in r.path]

    def forget(self) -> None:
        self.log.clear()

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
        admin_only = path.startswith(f"{API}/incremental/") or path.startswith(f"{API}/satisfaction_ratings")
        if admin_only and not self.admin:
            return _json(403, {"error": "Forbidden", "description": "You do not have access to this page. Please contact the account owner of this help desk for further help."})
        route = {
            EXPORT: self._export,
            f"{API}/satisfaction_ratings.json": self._ratings,
            f"{API}/guide/survey_responses": self._survey_responses,
            f"{API}/users.json": self._users,
            f"{API}/groups.json": self._groups,
            f"{API}/group_memberships.json": self._memberships,
        }.get(path)
        if route is None:
            return _json(404, {"error": "InvalidEndpoint", "description": "Not found"})
        status, body, items = route(handler, params)
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

    # -- endpoints -----------------------------------------------------------------------------

    def _export(self, handler, params):
        per_page = min(int(_one(params, "per_page", "1000")), self.page_cap, 1000)
        if "cursor" in params and "start_time" in params:
            return 400, {"error": "InvalidPaginationParameter", "description": "cursor and start_time are exclusive"}, 0
        if "cursor" in params:
            ts, _, tid = base64.urlsafe_b64decode(_one(params, "cursor")).decode().partition("|")
            key = (int(ts), int(tid))
        elif "start_time" in params:
            start = int(_one(params, "start_time"))
            if start > self.clock.epoch() - 60:
                return 400, {"error": "InvalidValue", "description": "Too recent start_time. Use a start_time older than 1 minute"}, 0
            key = (start, -1)
        else:
            return 400, {"error": "InvalidPaginationParameter", "description": "start_time or cursor is required"}, 0
        pairs, more = self.tickets.after(key, per_page)
        if pairs:
            last = pairs[-1][0]
            key = (last["generated_timestamp"], last["id"])
        cursor = base64.urlsafe_b64encode(f"{key[0]}|{key[1]}".encode()).decode()
        query = {"cursor": cursor, "per_page": per_page}
        if "include" in params:
            query["include"] = _one(params, "include")
        body: dict[str, Any] = {"tickets": [t for t, _ in pairs]}
        if "metric_sets" in _one(params, "include", ""):
            body["metric_sets"] = [m for _, m in pairs if m is not None]
        body.update(
            after_url=f"{self.url}{EXPORT}?{urlencode(query)}", after_cursor=cursor,
            before_url=None, before_cursor=None, end_of_stream=not more,
        )
        return 200, body, len(pairs)

    def _paged(self, params, items: list[dict], key: str, path: str, order=lambda item: item["id"]):
        size = min(int(_one(params, "page[size]", "100")), 100)
        items = sorted(items, key=order)
        after = _one(params, "page[after]", "")
        if after:
            last = json.loads(base64.urlsafe_b64decode(after))
            items = [item for item in items if order(item) > last]
        page, more = items[:size], len(items) > size
        cursor = base64.urlsafe_b64encode(json.dumps(order(page[-1])).encode()).decode() if page else after or None
        query = {k: v[0] for k, v in params.items() if k != "page[after]"}
        next_url = f"{self.url}{path}?{urlencode({**query, 'page[after]': cursor})}" if more else None
        body = {key: page, "meta": {"has_more": more, "after_cursor": cursor, "before_cursor": None},
                "links": {"next": next_url, "prev": None}}
        return 200, body, len(page)

    def _ratings(self, handler, params):
        if self.account.csat not in ("legacy", "both"):
            return 404, {"error": "InvalidEndpoint", "description": "Not found"}, 0
        start = int(_one(params, "start_time", "0"))
        chosen = [r for r in self.account.ratings.values() if _epoch(r["updated_at"]) >= start]
        return self._paged(params, chosen, "satisfaction_ratings", f"{API}/satisfaction_ratings.json")

    def _survey_responses(self, handler, params):
        if self.account.csat not in ("new", "both"):
            return 404, {"error": "InvalidEndpoint", "description": "Not found"}, 0
        start = int(_one(params, "filter[created_at_start]", "0"))
        chosen = [r for r in self.account.survey_responses.values() if self.account.created_ms(r) >= start]
        return self._paged(params, chosen, "survey_responses", f"{API}/guide/survey_responses")

    def _users(self, handler, params):
        roles = set(params.get("role[]", [])) or {"end-user", "agent", "admin"}
        chosen = [u for u in self.account.users.values() if u["role"] in roles]
        return self._paged(params, chosen, "users", f"{API}/users.json")

    def _groups(self, handler, params):
        return self._paged(params, list(self.account.groups.values()), "groups", f"{API}/groups.json")

    def _memberships(self, handler, params):
        return self._paged(params, list(self.account.memberships.values()), "group_memberships", f"{API}/group_memberships.json")


def _one(params: dict[str, list[str]], name: str, default: str | None = None) -> str:
    values = params.get(name)
    if not values:
        if default is None:
            raise KeyError(name)
        return default
    return values[0]


def _epoch(text: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(text).timestamp())


def _json(status: int, body: Any):
    return status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(body).encode(), False
