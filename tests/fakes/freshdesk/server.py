"""A fake Freshdesk API v2 on 127.0.0.1, speaking its wire format.

Bare JSON arrays; ``Link: <...>; rel="next"`` pagination with ``page`` / ``per_page`` (at most
100) and no page past 300; ``updated_since`` (inclusive) with ``order_by`` / ``order_type`` and
``include=stats`` on tickets, the ``deleted`` and ``spam`` filters (left out of the plain list);
``created_since`` on satisfaction ratings; basic auth with the API key as user and "X" as
password; ``X-RateLimit-Total`` / ``X-RateLimit-Remaining`` on every answer and 429 with
``Retry-After``; Freshdesk's error bodies. Faults come from the shared fake server.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from tests.fakes.freshdesk.data import FreshdeskAccount
from tests.fakes.http_fake import FakeHttpServer, Reply, Request

API = "/api/v2"
PAGE_LIMIT = 300


class FakeFreshdesk(FakeHttpServer):
    def __init__(
        self, account: FreshdeskAccount, clock: Any, *, page_size: int = 100, per_minute: int = 700, admin: bool = True
    ) -> None:
        super().__init__(clock, per_minute=per_minute)
        self.account = account
        #: Largest page served (Freshdesk: 100); lower it to get many pages of little data.
        self.page_size = page_size
        self.admin = admin

    # -- the vendor's part ---------------------------------------------------------------------

    def authenticated(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        user, _, _password = base64.b64decode(header[6:]).decode().partition(":")
        return user == self.account.api_key

    def refused(self, status: int) -> Reply:
        if status == 401:
            return Reply(
                401, {"code": "invalid_credentials", "message": "You have to be logged in to perform this action."}
            )
        return Reply(403, {"code": "access_denied", "message": "You are not authorized to perform this action."})

    def rate_limited(self, seconds: int) -> Reply:
        return Reply(
            429, {"message": "You have exceeded the limit of requests per minute"}, {"Retry-After": str(seconds)}
        )

    def limit_headers(self, remaining: int) -> dict[str, str]:
        return {
            "X-RateLimit-Total": str(self.per_minute),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Used-CurrentRequest": "1",
        }

    def route(self, request: Request) -> Reply:
        a = self.account
        path = request.path.removeprefix(API)
        if path == "/agents/me":
            return Reply(200, a.agents[a.me])
        if path == "/tickets":
            return self._tickets(request)
        if path == "/surveys/satisfaction_ratings":
            if not self.admin:
                return self.refused(403)
            since = request.param("created_since", "1970-01-01T00:00:00Z")
            chosen = sorted((r for r in a.ratings.values() if r["created_at"] >= since), key=lambda r: r["id"])
            return self._paged(request, chosen)
        if path == "/surveys":
            return self._paged(request, sorted(a.surveys.values(), key=lambda s: s["id"]))
        if path in ("/agents", "/groups"):
            if not self.admin:
                return self.refused(403)
            items = a.agents if path == "/agents" else a.groups
            return self._paged(request, [items[k] for k in sorted(items)])
        return Reply(404, {"code": "not_found", "message": "Resource not found"})

    # -- endpoints -----------------------------------------------------------------------------

    def _tickets(self, request: Request) -> Reply:
        chosen_filter = request.param("filter")
        if chosen_filter not in (None, "deleted", "spam"):
            return _invalid("filter", "It should be one of these values: 'new_and_my_open,watching,spam,deleted'")
        since = request.param("updated_since")
        tickets = []
        for ticket in self.account.tickets.values():
            deleted, spam = bool(ticket.get("deleted")), bool(ticket.get("spam"))
            wanted = {"deleted": deleted, "spam": spam and not deleted, None: not deleted and not spam}[chosen_filter]
            if wanted and (since is None or ticket["updated_at"] >= since):
                tickets.append(ticket)
        order = request.param("order_by", "created_at")
        tickets.sort(key=lambda t: (t[order], t["id"]), reverse=request.param("order_type", "desc") == "desc")
        include = request.param("include", "")
        if "stats" not in include:
            tickets = [{k: v for k, v in t.items() if k != "stats"} for t in tickets]
        return self._paged(request, tickets)

    def _paged(self, request: Request, items: list[dict]) -> Reply:
        per_page = min(int(request.param("per_page", "30")), 100, self.page_size)
        page = int(request.param("page", "1"))
        if page > PAGE_LIMIT:
            return _invalid("page", f"You cannot access pages beyond {PAGE_LIMIT}")
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(items) and page < PAGE_LIMIT:
            query = {k: v[0] for k, v in request.params.items()}
            query["page"] = str(page + 1)
            headers["Link"] = f'<{self.url}{request.path}?{urlencode(query)}>; rel="next"'
        return Reply(200, chunk, headers)


def _invalid(field: str, message: str) -> Reply:
    return Reply(
        400,
        {"description": "Validation failed", "errors": [{"field": field, "message": message, "code": "invalid_value"}]},
    )
