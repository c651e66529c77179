"""A fake Intercom REST API (2.15, and 2.14 and older on request) on 127.0.0.1, speaking its wire
format.

Conversations are answered in the shapes of the ``Intercom-Version`` asked for: from 2.15 with the
conversation's ``company`` and Fin's renamed resolution states; before 2.15 without ``company``,
``escalated`` and ``procedure_handoff`` read ``routed_to_team`` and ``negative_feedback`` reads
``abandoned`` (https://developers.intercom.com/docs/references/2.15/changelog,
https://github.com/intercom/Intercom-OpenAPI/blob/main/descriptions/2.14/api.intercom.io.yaml).

``POST /conversations/search`` with the query language's ``updated_at`` comparisons (a single
condition or an ``AND`` of them), ``sort`` and ``pagination`` (``per_page`` up to 150,
``starting_after``), answering ``conversation.list`` with ``pages.next.starting_after`` while more
remain, found through the lagging search index (``IntercomWorkspace.searchable``); ``GET /me``,
``/admins``, ``/teams``; bearer auth; the ``Intercom-Version`` header required; Intercom's
``error.list`` bodies.

Rate limits: an app's limit per minute is counted in 10-second windows (epoch seconds divisible
by 10), a sixth of it each (1000 a minute: 167 a window). ``X-RateLimit-Limit`` is the window's
limit, ``-Remaining`` what is left of it and ``-Reset`` the epoch second the window ends, on every
authenticated answer; past the limit, 429 ``rate_limit_exceeded`` without ``Retry-After``.
https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting
"""

from __future__ import annotations

import base64
import json
import math
import threading
from typing import Any

from tests.fakes.http_fake import FakeHttpServer, Reply, Request
from tests.fakes.intercom.data import IntercomWorkspace

WINDOW = 10


def _errors(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        status,
        {"type": "error.list", "request_id": "req-1", "errors": [{"code": code, "message": message}]},
        headers or {},
    )


class FakeIntercom(FakeHttpServer):
    def __init__(
        self,
        workspace: IntercomWorkspace,
        clock: Any,
        *,
        page_size: int = 150,
        per_minute: int = 1000,
        scopes: tuple[str, ...] = ("admins", "conversations"),
    ) -> None:
        # The shared per-minute count never refuses here: Intercom counts in windows (below).
        super().__init__(clock, per_minute=10**9)
        self.workspace = workspace
        self.page_size = page_size
        self.scopes = scopes
        self.per_window = math.ceil(per_minute / 6)
        self._window_lock = threading.Lock()
        self._window_start = -1
        self._window_used = 0

    def _window(self) -> tuple[int, int]:
        """The current window's end (epoch second) and the requests already counted in it."""
        start = int(self.clock.epoch()) // WINDOW * WINDOW
        if start != self._window_start:
            self._window_start, self._window_used = start, 0
        return start + WINDOW, self._window_used

    def authenticated(self, request: Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.workspace.token}"

    def refused(self, status: int) -> Reply:
        if status == 401:
            return _errors(401, "unauthorized", "Access Token Invalid")
        return _errors(403, "token_unauthorized", "The PAT is not authorized for this action.")

    def rate_limited(self, seconds: int) -> Reply:
        reset = int(self.clock.epoch()) + seconds
        return _errors(
            429,
            "rate_limit_exceeded",
            f"Exceeded rate limit of {self.per_window} in 10_seconds",
            {"X-RateLimit-Limit": str(self.per_window), "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
        )

    def limit_headers(self, remaining: int) -> dict[str, str]:
        with self._window_lock:
            reset, used = self._window()
        return {
            "X-RateLimit-Limit": str(self.per_window),
            "X-RateLimit-Remaining": str(max(0, self.per_window - used)),
            "X-RateLimit-Reset": str(reset),
        }

    def route(self, request: Request) -> Reply:
        with self._window_lock:
            reset, used = self._window()
            if used < self.per_window:
                self._window_used = used + 1
        if used >= self.per_window:
            return self._limited(reset - self.clock.epoch())
        return self._routed(request)

    def _routed(self, request: Request) -> Reply:
        if not request.headers.get("Intercom-Version"):
            return _errors(400, "intercom_version_missing", "Intercom-Version header is required")
        w = self.workspace
        if request.method == "GET" and request.path == "/me":
            admin = next(iter(w.admins.values()), {"id": "1", "email": "bot@acme.test"})
            return Reply(200, {**admin, "app": {"type": "app", "id_code": w.app_id, "name": "Acme", "region": "US"}})
        if request.method == "GET" and request.path in ("/admins", "/teams"):
            if "admins" not in self.scopes:
                return self.refused(403)
            key = request.path[1:]
            items = w.admins if key == "admins" else w.teams
            return Reply(200, {"type": f"{key[:-1]}.list", key: [items[k] for k in sorted(items, key=int)]})
        if request.method == "POST" and request.path == "/conversations/search":
            if "conversations" not in self.scopes:
                return self.refused(403)
            return self._search(request.json(), request.headers["Intercom-Version"])
        return _errors(404, "not_found", "Resource Not Found")

    def _search(self, body: dict[str, Any], version: str) -> Reply:
        try:
            conditions = _conditions(body["query"])
        except (KeyError, TypeError, ValueError) as error:
            return _errors(400, "parameter_invalid", f"invalid query: {error}")
        pagination = body.get("pagination") or {}
        per_page = min(int(pagination.get("per_page", 20)), 150, self.page_size)
        sort = body.get("sort") or {"field": "updated_at", "order": "descending"}
        chosen = [c for c in self.workspace.searchable() if all(test(c) for test in conditions)]
        chosen.sort(key=lambda c: (c[sort["field"]], int(c["id"])), reverse=sort.get("order") == "descending")
        start = 0
        if pagination.get("starting_after"):
            start = json.loads(base64.b64decode(pagination["starting_after"]))["offset"]
        chunk = [_in_version(c, version) for c in chosen[start : start + per_page]]
        total_pages = max(1, -(-len(chosen) // per_page))
        pages: dict[str, Any] = {
            "type": "pages",
            "page": start // per_page + 1,
            "per_page": per_page,
            "total_pages": total_pages,
        }
        if start + per_page < len(chosen):
            cursor = base64.b64encode(json.dumps({"offset": start + per_page}).encode()).decode()
            pages["next"] = {"page": start // per_page + 2, "starting_after": cursor}
        return Reply(
            200, {"type": "conversation.list", "pages": pages, "total_count": len(chosen), "conversations": chunk}
        )


#: Fin's resolution states 2.15 renamed (or added), as versions before it say them.
_BEFORE_2_15 = {"escalated": "routed_to_team", "procedure_handoff": "routed_to_team", "negative_feedback": "abandoned"}


def _in_version(conversation: dict[str, Any], version: str) -> dict[str, Any]:
    """The conversation (kept in 2.15's shape) as the ``Intercom-Version`` asked for answers it."""
    try:
        major, minor = (int(part) for part in version.split("."))
    except ValueError:  # "Unstable", "Preview": the newest shapes
        return conversation
    if (major, minor) >= (2, 15):
        return conversation
    older = {k: v for k, v in conversation.items() if k != "company"}
    if older.get("ai_agent"):
        state = older["ai_agent"].get("resolution_state")
        older["ai_agent"] = {**older["ai_agent"], "resolution_state": _BEFORE_2_15.get(state, state)}
    return older


def _conditions(query: dict[str, Any]) -> list:
    if "value" in query and isinstance(query["value"], list):
        if query.get("operator") != "AND":
            raise ValueError("only AND of conditions is served")
        return [test for part in query["value"] for test in _conditions(part)]
    field, operator, value = query["field"], query["operator"], int(query["value"])
    compare = {">": lambda x: x > value, "<": lambda x: x < value, "=": lambda x: x == value}[operator]
    return [lambda c: compare(c[field])]
