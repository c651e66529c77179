"""A fake Help Scout Mailbox API 2.0 on 127.0.0.1, speaking its wire format.

OAuth2 client credentials at ``POST /v2/oauth2/token`` (tokens that expire after ``expires_in``
seconds on the fake clock, and can be revoked: a request with an expired or unknown token gets
401); HAL lists (``_embedded``, ``page``, ``_links``) paged by ``page``, 25 conversations a page
and 50 of anything else (https://developer.helpscout.com/mailbox-api/overview/pagination/);
conversations by ``status`` (``all`` is active, pending and closed; ``spam`` its own),
``modifiedSince`` with ``sortField=modifiedAt`` / ``sortOrder`` and ``embed=threads``, where a
chat's embedded threads are truncated (the transcript's ``chat`` threads left out; the full
list is ``/conversations/{id}/threads``: "If using the embed=threads parameter with this call,
you will see truncated chat threads", https://developer.helpscout.com/mailbox-api/endpoints/conversations/list/);
one conversation at ``/conversations/{id}``: 404 once deleted, 301 with ``Location`` once merged
(https://developer.helpscout.com/mailbox-api/endpoints/conversations/delete); the happiness
ratings report (``results`` / ``page`` / ``pages``; 403 on a plan without reports); one
customer at ``/customers/{id}``, with its ``organizationId`` when it is in an organisation
(https://developer.helpscout.com/mailbox-api/endpoints/customers/get), 404 for an unknown one;
``X-RateLimit-Limit-Minute`` / ``X-RateLimit-Remaining-Minute`` on every answer and 429 with
``X-RateLimit-Retry-After``.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from tests.fakes.helpscout.data import HelpScoutAccount
from tests.fakes.http_fake import FakeHttpServer, Reply, Request

HAL = "application/hal+json;charset=UTF-8"
#: Help Scout's page sizes: List Conversations 25, every other list 50.
CONVERSATIONS_PER_PAGE, ITEMS_PER_PAGE = 25, 50


class FakeHelpScout(FakeHttpServer):
    def __init__(
        self,
        account: HelpScoutAccount,
        clock: Any,
        *,
        page_size: int | None = None,
        per_minute: int = 400,
        token_lifetime: int = 172800,
        reports: bool = True,
    ) -> None:
        super().__init__(clock, per_minute=per_minute)
        self.account = account
        #: ``None``: Help Scout's own sizes; a number shrinks every list to it (small test accounts).
        self.page_size = page_size
        self.token_lifetime = token_lifetime
        self.reports = reports
        self.tokens: dict[str, float] = {}  # token -> expiry (fake clock monotonic)
        self._counter = itertools.count(1)

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    # -- the vendor's part ---------------------------------------------------------------------

    def authenticated(self, request: Request) -> bool:
        if request.path == "/v2/oauth2/token":
            return True
        header = request.headers.get("Authorization", "")
        expiry = self.tokens.get(header.removeprefix("Bearer "))
        return header.startswith("Bearer ") and expiry is not None and self.clock.monotonic() < expiry

    def refused(self, status: int) -> Reply:
        if status == 401:
            return Reply(
                401, {"error": "invalid_token", "error_description": "The access token is invalid or has expired"}
            )
        return Reply(
            403, {"message": "Access denied", "logRef": "abc#1", "_embedded": {"errors": []}}, content_type=HAL
        )

    def rate_limited(self, seconds: int) -> Reply:
        return Reply(
            429,
            {"message": "Rate limit exceeded"},
            {"X-RateLimit-Retry-After": str(seconds), "X-RateLimit-Remaining-Minute": "0"},
        )

    def limit_headers(self, remaining: int) -> dict[str, str]:
        return {"X-RateLimit-Limit-Minute": str(self.per_minute), "X-RateLimit-Remaining-Minute": str(remaining)}

    def route(self, request: Request) -> Reply:
        a, path = self.account, request.path
        if path == "/v2/oauth2/token" and request.method == "POST":
            form = request.form()
            if form.get("grant_type") != "client_credentials" or (form.get("client_id"), form.get("client_secret")) != (
                a.app_id,
                a.app_secret,
            ):
                return Reply(401, {"error": "invalid_client", "error_description": "Bad client credentials"})
            token = f"hs-token-{next(self._counter)}"
            self.tokens[token] = self.clock.monotonic() + self.token_lifetime
            return Reply(200, {"token_type": "bearer", "access_token": token, "expires_in": self.token_lifetime})
        if path == "/v2/users/me":
            return Reply(200, next(iter(a.users.values())), content_type=HAL)
        if path == "/v2/users":
            return self._hal(request, "users", [a.users[k] for k in sorted(a.users)])
        if path == "/v2/teams":
            return self._hal(request, "teams", [a.teams[k] for k in sorted(a.teams)])
        if path.startswith("/v2/teams/") and path.endswith("/members"):
            members = a.members.get(int(path.split("/")[3]), [])
            return self._hal(request, "users", [a.users[u] for u in members])
        if path == "/v2/conversations":
            return self._conversations(request)
        if path.startswith("/v2/conversations/"):
            return self._conversation(request, path.split("/")[3:])
        if path.startswith("/v2/customers/") and path.count("/") == 3:
            customer_id = path.split("/")[3]
            customer = a.customers.get(int(customer_id)) if customer_id.isdigit() else None
            if customer is None:
                return Reply(404, None, content_type=HAL)
            return Reply(200, customer, content_type=HAL)
        if path == "/v2/reports/happiness/ratings":
            if not self.reports:
                return self.refused(403)
            start, end = request.param("start", ""), request.param("end", "9")
            rows = [r for r in a.ratings if start <= r["ratingCreatedAt"] < end]
            rows.sort(key=lambda r: (r["number"], r["threadid"]))
            page = int(request.param("page", "1"))
            size = self.page_size or ITEMS_PER_PAGE
            pages = max(1, -(-len(rows) // size))
            return Reply(
                200,
                {
                    "facets": {},
                    "results": rows[(page - 1) * size : page * size],
                    "page": page,
                    "count": len(rows),
                    "pages": pages,
                },
            )
        return Reply(404, {"message": "Not found"}, content_type=HAL)

    def _conversations(self, request: Request) -> Reply:
        a = self.account
        since = request.param("modifiedSince")
        floor = datetime.fromisoformat(since.replace("Z", "+00:00")).timestamp() if since else float("-inf")
        status = request.param("status", "active")
        statuses = ("active", "pending", "closed") if status == "all" else (status,)
        chosen = [
            cid
            for cid, modified in a.modified.items()
            if int(modified) >= floor and a.conversations[cid]["status"] in statuses
        ]
        chosen.sort(key=lambda cid: (a.modified[cid], cid), reverse=request.param("sortOrder", "desc") == "desc")
        embed = "threads" in request.param("embed", "")
        return self._hal(
            request,
            "conversations",
            chosen,
            lambda cid: self._listed(a.conversations[cid], embed),
            size=self.page_size or CONVERSATIONS_PER_PAGE,
        )

    @staticmethod
    def _listed(conversation: dict[str, Any], embed: bool) -> dict[str, Any]:
        shown = {k: v for k, v in conversation.items() if k != "_embedded"}
        if embed:
            threads = conversation["_embedded"]["threads"]
            if conversation["type"] == "chat":
                threads = [t for t in threads if t["type"] != "chat"]
            shown["_embedded"] = {"threads": threads}
        return shown

    def _conversation(self, request: Request, parts: list[str]) -> Reply:
        a = self.account
        cid = int(parts[0]) if parts[0].isdigit() else -1
        if cid in a.gone:
            why, into = a.gone[cid]
            if why == "merged":
                return Reply(301, None, {"Location": f"{self.url}/v2/conversations/{into}"}, content_type=HAL)
            return Reply(404, None, content_type=HAL)
        if cid not in a.conversations:
            return Reply(404, None, content_type=HAL)
        conversation = a.conversations[cid]
        if parts[1:] == ["threads"]:
            return self._hal(request, "threads", conversation["_embedded"]["threads"])
        if parts[1:]:
            return Reply(404, {"message": "Not found"}, content_type=HAL)
        embed = "threads" in request.param("embed", "")
        return Reply(200, conversation if embed else self._listed(conversation, False), content_type=HAL)

    def _hal(self, request: Request, key: str, items: list[Any], show: Any = None, size: int | None = None) -> Reply:
        page = int(request.param("page", "1"))
        size = size or self.page_size or ITEMS_PER_PAGE
        total_pages = max(1, -(-len(items) // size))
        query = {k: v[0] for k, v in request.params.items() if k != "page"}

        def link(number: int) -> dict[str, str]:
            return {"href": f"{self.url}{request.path}?{urlencode({**query, 'page': number})}"}

        links = {"self": link(page), "first": link(1), "last": link(total_pages)}
        if page < total_pages:
            links["next"] = link(page + 1)
        shown = items[(page - 1) * size : page * size]
        body = {
            "_embedded": {key: [show(item) for item in shown] if show else shown},
            "page": {"size": size, "totalElements": len(items), "totalPages": total_pages, "number": page},
            "_links": links,
        }
        return Reply(200, body, content_type=HAL)
