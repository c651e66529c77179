"""A local HTTP server for vendor fakes: lifecycle, request log, scripted faults, the fake clock's
``Date`` header, and a check that nobody asks again before a ``Retry-After`` has elapsed.

A vendor fake subclasses :class:`FakeHttpServer` and answers in the vendor's wire format:
``authenticated`` (its auth scheme), ``route`` (its endpoints), ``refused`` / ``rate_limited``
(its error bodies and headers) and ``limit_headers`` (the rate-limit headers on every answer).
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field
from email.message import Message
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
HTML_MAINTENANCE = b"<!DOCTYPE html><html><body><h1>We'll be right back</h1></body></html>"


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, list[str]]
    headers: Message
    body: bytes = b""

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.params.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    #: Close the connection midway through the body (a dropped connection).
    drop: bool = False

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return b"" if self.body is None else json.dumps(self.body).encode()


@dataclass
class Fault:
    #: 429, 502, html200, truncated, drop, 401, 403, or "reply" (answer ``reply`` as it is).
    kind: str
    #: Answered to the first request whose path and query contain this.
    match: str
    times: int = 1
    retry_after: int = 7
    reply: Reply | None = None
    #: Matching requests answered normally before this fault strikes (1: the second one).
    skip: int = 0


@dataclass
class Logged:
    method: str
    path: str
    params: dict[str, list[str]]
    body: bytes
    at: float
    status: int = 0


class FakeHttpServer:
    def __init__(self, clock: Any, *, per_minute: int = 1000) -> None:
        self.clock = clock
        self.per_minute = per_minute
        self.log: list[Logged] = []
        self.faults: list[Fault] = []
        self.violations: list[str] = []
        self._lock = threading.Lock()
        self._retry_deadline: float | None = None
        self._minute: list[float] = []
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                fake._serve(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                fake._serve(self, "POST")

            def date_time_string(self, timestamp: float | None = None) -> str:
                # The fake's own "now", so that epoch reset headers agree with Date.
                return formatdate(fake.clock.epoch(), usegmt=True)

            def log_message(self, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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

    def __enter__(self):  # noqa: ANN204
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- what tests ask ------------------------------------------------------------------------

    def fail(self, kind: str, match: str, **kwargs: Any) -> None:
        self.faults.append(Fault(kind, match, **kwargs))

    def requests_to(self, fragment: str, method: str | None = None) -> list[Logged]:
        return [r for r in self.log if fragment in r.path and (method is None or r.method == method)]

    # -- the vendor's part ---------------------------------------------------------------------

    def authenticated(self, request: Request) -> bool:
        return True

    def route(self, request: Request) -> Reply:
        raise NotImplementedError

    def refused(self, status: int) -> Reply:
        return Reply(status, {"message": "Unauthorized" if status == 401 else "Forbidden"})

    def rate_limited(self, seconds: int) -> Reply:
        return Reply(429, {"message": "Too many requests"}, {"Retry-After": str(seconds)})

    def limit_headers(self, remaining: int) -> dict[str, str]:
        return {}

    # -- serving -------------------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = Request(method, parts.path, parse_qs(parts.query, keep_blank_values=True), handler.headers, body)
        with self._lock:
            entry = Logged(method, parts.path, request.params, body, self.clock.monotonic())
            self.log.append(entry)
        reply = self._answer(request, handler.path)
        entry.status = reply.status
        payload = reply.payload()
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload) + (1000 if reply.drop else 0)))
        handler.end_headers()
        handler.wfile.write(payload)
        handler.wfile.flush()
        if reply.drop:
            handler.close_connection = True

    def _answer(self, request: Request, raw_path: str) -> Reply:
        now = self.clock.monotonic()
        with self._lock:
            if self._retry_deadline is not None and now < self._retry_deadline:
                self.violations.append(f"{request.path} {self._retry_deadline - now:.3f}s before Retry-After elapsed")
                return self._limited(self._retry_deadline - now)
        fault = self._take_fault(f"{request.method} {raw_path}")
        if fault is not None:
            return self._fault(fault)
        if not self.authenticated(request):
            return self.refused(401)
        with self._lock:
            self._minute = [t for t in self._minute if t > now - 60]
            if len(self._minute) >= self.per_minute:
                wait = self._minute[0] + 60 - now
                return self._limited(wait)
            self._minute.append(now)
            remaining = self.per_minute - len(self._minute)
        reply = self.route(request)
        reply.headers = {**self.limit_headers(remaining), **reply.headers}
        return reply

    def _take_fault(self, where: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.match in where and fault.times > 0:
                    if fault.skip > 0:
                        fault.skip -= 1
                        continue
                    fault.times -= 1
                    return fault
        return None

    def _fault(self, fault: Fault) -> Reply:
        if fault.kind == "429":
            return self._limited(fault.retry_after)
        if fault.kind == "502":
            return Reply(502, HTML_502, content_type="text/html")
        if fault.kind == "html200":
            return Reply(200, HTML_MAINTENANCE, content_type="text/html; charset=utf-8")
        if fault.kind == "truncated":
            return Reply(200, b'[{"id": 1, "status": "op')
        if fault.kind == "drop":
            return Reply(200, b"[", drop=True)
        if fault.kind in ("401", "403"):
            return self.refused(int(fault.kind))
        if fault.kind == "reply" and fault.reply is not None:
            return fault.reply
        raise ValueError(fault.kind)

    def _limited(self, seconds: float) -> Reply:
        wait = max(1, math.ceil(seconds))
        with self._lock:
            self._retry_deadline = max(self._retry_deadline or 0.0, self.clock.monotonic() + wait)
        return self.rate_limited(wait)
