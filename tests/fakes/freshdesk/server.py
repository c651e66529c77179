"""A fake Freshdesk API v2 on 127.0.0.1, speaking its wire format.

Bare JSON arrays; ``Link: <...>; rel="next"`` pagination with ``page`` / ``per_page`` (at most
100) and no ticket page past 300 (a 400 saying so); ``updated_since`` (inclusive) with
``order_by`` / ``order_type`` and ``include=stats`` on tickets, the ``deleted`` and ``spam``
filters (left out of the plain list), and changes that show in the list some time after their
``updated_at``; ``created_since`` on satisfaction ratings (created, not updated); groups listed
without ``agent_ids``, which only ``GET /groups/{id}`` carries; basic auth with the API key as
user and "X" as password; the plan's per-minute limit in ``X-RateLimit-Total`` /
``X-RateLimit-Remaining`` on every answer, the ticket list's own lower limit (20 / 100 / 200 a
minute on Growth / Pro / Enterprise, announced nowhere), and 429 with ``Retry-After``;
Freshdesk's error bodies. Faults come from the shared fake server.

https://developers.freshdesk.com/api/#ratelimit,
https://support.freshdesk.com/support/solutions/articles/225439-what-are-the-rate-limits-for-the-api-calls-to-freshdesk
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from tests.fakes.freshdesk.data import FreshdeskAccount
from tests.fakes.http_fake import FakeHttpServer, Reply, Request

API = "/api/v2"
PAGE_LIMIT = 300
#: The ticket list's own per-minute limit by the plan's total (Growth, Pro, Enterprise).
TICKET_LIST_LIMITS = {200: 20, 400: 100, 700: 200}


class FakeFreshdesk(FakeHttpServer):
    def __init__(
        self,
        account: FreshdeskAccount,
        clock: Any,
        *,
        page_size: int = 100,
        per_minute: int = 700,
        admin: bool = True,
        ticket_list_per_minute: int | None = None,
    ) -> None:
        super().__init__(clock, per_minute=per_minute)
        self.account = account
        #: Largest page served (Freshdesk: 100); lower it to get many pages of little data.
        self.page_size = page_size
        self.admin = admin
        #: The ticket list's own limit; by default the plan's (none for a made-up total).
        self.ticket_list_per_minute = ticket_list_per_minute or TICKET_LIST_LIMITS.get(per_minute)
        self._ticket_list_sent: list[float] = []

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
        if path == "/agents":
            if not self.admin:
                return self.refused(403)
            return self._paged(request, [a.agents[k] for k in sorted(a.agents)])
        if path == "/groups":
            if not self.admin:
                return self.refused(403)
            # The list leaves out agent_ids; the single group carries them.
            listed = [{k: v for k, v in a.groups[k].items() if k != "agent_ids"} for k in sorted(a.groups)]
            return self._paged(request, listed)
        if path.startswith("/groups/") and path.removeprefix("/groups/").isdigit():
            group = a.groups.get(int(path.removeprefix("/groups/")))
            if group is not None:
                return Reply(200, group) if self.admin else self.refused(403)
        return _not_found()

    # -- endpoints -----------------------------------------------------------------------------

    def _tickets(self, request: Request) -> Reply:
        limited = self._ticket_list_limited()
        if limited is not None:
            return limited
        chosen_filter = request.param("filter")
        if chosen_filter not in (None, "deleted", "spam"):
            return _invalid("filter", "It should be one of these values: 'new_and_my_open,watching,spam,deleted'")
        since = request.param("updated_since")
        tickets = []
        for ticket in filter(None, map(self._listed, self.account.tickets.values())):
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

    def _listed(self, ticket: dict[str, Any]) -> dict[str, Any] | None:
        """The ticket as the list shows it now: a change not yet visible shows the ticket as it
        was before (a ticket created by it: not at all)."""
        if ticket.get("_visible_at", 0) > self.clock.epoch():
            ticket = ticket.get("_before")
        return None if ticket is None else {k: v for k, v in ticket.items() if not k.startswith("_")}

    def _ticket_list_limited(self) -> Reply | None:
        """A 429 once the ticket list's own per-minute limit is used up (the account's remaining
        requests say nothing about it)."""
        if self.ticket_list_per_minute is None:
            return None
        now = self.clock.monotonic()
        with self._lock:
            self._ticket_list_sent = [t for t in self._ticket_list_sent if t > now - 60]
            if len(self._ticket_list_sent) >= self.ticket_list_per_minute:
                wait = self._ticket_list_sent[0] + 60 - now
            else:
                self._ticket_list_sent.append(now)
                return None
        return self._limited(wait)

    def _paged(self, request: Request, items: list[dict]) -> Reply:
        per_page = min(int(request.param("per_page", "30")), 100, self.page_size)
        page = int(request.param("page", "1"))
        if page > PAGE_LIMIT:
            # The text Freshdesk answers page 301 with (Airbyte's connector matches on it).
            return _invalid("page", f"You cannot access tickets beyond the {PAGE_LIMIT}th page")
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(items) and page < PAGE_LIMIT:
            query = {k: v[0] for k, v in request.params.items()}
            query["page"] = str(page + 1)
            headers["Link"] = f'<{self.url}{request.path}?{urlencode(query)}>; rel="next"'
        return Reply(200, chunk, headers)


def _not_found() -> Reply:
    return Reply(404, {"code": "not_found", "message": "Resource not found"})


def _invalid(field: str, message: str) -> Reply:
    return Reply(
        400,
        {"description": "Validation failed", "errors": [{"field": field, "message": message, "code": "invalid_value"}]},
    )
