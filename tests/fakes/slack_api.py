"""A local fake of the Slack Web API and of ``response_url``, on a real HTTP server (127.0.0.1).

slack-sdk's WebClient speaks urllib, which ``responses`` cannot intercept, so tests point it at
this server with ``WebClient(base_url=fake.api_url)``. It answers in Slack's wire format: HTTP
200 with ``{"ok": true, ...}`` or ``{"ok": false, "error": "..."}``, and 429 with
``Retry-After`` when told to rate limit (https://docs.slack.dev/apis/web-api/#responses).
Posts to ``/commands/...`` stand for a slash command's ``response_url`` (Slack answers ``ok``).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_TOKEN = "xoxb-test-token"


@dataclass
class FakeSlack:
    #: Slack user ID -> email (users.info, users.lookupByEmail).
    users: dict[str, str] = field(default_factory=dict)
    #: User-group ID -> member user IDs (usergroups.users.list).
    groups: dict[str, list[str]] = field(default_factory=dict)
    #: Method names answered with 429 (Retry-After: 1) this many times before answering.
    rate_limited: dict[str, int] = field(default_factory=dict)
    #: Method names answered with an error code instead (e.g. "missing_scope").
    failing: dict[str, str] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "1") -> str:
        return f"http://127.0.0.1:{self.port}/commands/T0TEAM/{name}/secretpart"

    def calls_to(self, method: str) -> list[dict[str, str]]:
        return [params for name, params in self.calls if name == method]

    def wait_for_responses(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.responses) >= count, timeout=timeout)
        return list(self.responses)

    def __post_init__(self) -> None:
        self._arrived = threading.Condition()

    # -- the Web API ----------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, str], token: str | None) -> tuple[int, dict[str, Any], dict[str, str]]:
        self.calls.append((method, params))
        if self.rate_limited.get(method, 0) > 0:
            self.rate_limited[method] -= 1
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
        if token != BOT_TOKEN:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        if method in self.failing:
            return 200, {"ok": False, "error": self.failing[method]}, {}
        if method == "auth.test":
            return 200, {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "kpibot",
                         "team_id": "T0TEAM", "user_id": "U0BOT", "bot_id": "B0BOT", "is_enterprise_install": False}, {}
        if method == "users.info":
            user = params.get("user", "")
            if user not in self.users:
                return 200, {"ok": False, "error": "user_not_found"}, {}
            return 200, {"ok": True, "user": {"id": user, "team_id": "T0TEAM", "name": user.lower(),
                                              "profile": {"email": self.users[user], "real_name": user}}}, {}
        if method == "users.lookupByEmail":
            email = params.get("email", "").lower()
            found = next((u for u, e in self.users.items() if e.lower() == email), None)
            if found is None:
                return 200, {"ok": False, "error": "users_not_found"}, {}
            return 200, {"ok": True, "user": {"id": found, "profile": {"email": email}}}, {}
        if method == "usergroups.users.list":
            group = params.get("usergroup", "")
            if group not in self.groups:
                return 200, {"ok": False, "error": "no_such_subteam"}, {}
            return 200, {"ok": True, "users": list(self.groups[group])}, {}
        return 200, {"ok": False, "error": "unknown_method"}, {}

    def record_response(self, body: dict[str, Any]) -> None:
        with self._arrived:
            self.responses.append(body)
            self._arrived.notify_all()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSlack

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.startswith("/commands/"):
            self.fake.record_response(json.loads(raw or b"{}"))
            self._send(200, b"ok", "text/plain")
            return
        if not self.path.startswith("/api/"):
            self._send(404, b"not found", "text/plain")
            return
        method = self.path[len("/api/"):].split("?")[0]
        if self.headers.get("Content-Type", "").startswith("application/json"):
            params = json.loads(raw or b"{}")
        else:
            params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        auth = self.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else params.get("token")
        status, body, headers = self.fake.answer(method, params, token)
        self._send(status, json.dumps(body).encode(), "application/json; charset=utf-8", headers)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet in tests
        pass


class FakeSlackServer:
    """``with FakeSlackServer(fake) as fake: ...`` serves ``fake`` on a free port of 127.0.0.1."""

    def __init__(self, fake: FakeSlack | None = None) -> None:
        self.fake = fake or FakeSlack()
        handler = type("Handler", (_Handler,), {"fake": self.fake})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.fake.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self.fake

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
