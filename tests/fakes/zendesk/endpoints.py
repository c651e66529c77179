"""The fake's Zendesk endpoints: each turns a request's parameters into (status, JSON body, items).

Shapes as Zendesk sends them:
https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/
https://developer.zendesk.com/api-reference/introduction/pagination/#using-cursor-pagination
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

API = "/api/v2"
EXPORT = f"{API}/incremental/tickets/cursor.json"
METRIC_EVENTS = f"{API}/incremental/ticket_metric_events"
#: A time-based export page holds up to 1000 items.
# https://developer.zendesk.com/documentation/ticketing/managing-tickets/using-the-incremental-export-api/#time-based-incremental-exports
TIME_EXPORT_PAGE = 1000
NOT_FOUND = {"error": "InvalidEndpoint", "description": "Not found"}


# -- endpoints -----------------------------------------------------------------------------

def export(fake, params):
    per_page = min(int(one(params, "per_page", "1000")), fake.page_cap, 1000)
    if "cursor" in params and "start_time" in params:
        return 400, {"error": "InvalidPaginationParameter", "description": "cursor and start_time are exclusive"}, 0
    if "cursor" in params:
        ts, _, tid = base64.urlsafe_b64decode(one(params, "cursor")).decode().partition("|")
        key = (int(ts), int(tid))
    elif "start_time" in params:
        start = int(one(params, "start_time"))
        if start > fake.clock.epoch() - 60:
            return 400, {"error": "InvalidValue", "description": "Too recent start_time. Use a start_time older than 1 minute"}, 0
        key = (start, -1)
    else:
        return 400, {"error": "InvalidPaginationParameter", "description": "start_time or cursor is required"}, 0
    pairs, more = fake.tickets.after(key, per_page)
    if pairs:
        last = pairs[-1][0]
        key = (last["generated_timestamp"], last["id"])
    cursor = base64.urlsafe_b64encode(f"{key[0]}|{key[1]}".encode()).decode()
    query = {"cursor": cursor, "per_page": per_page}
    if "include" in params:
        query["include"] = one(params, "include")
    body: dict[str, Any] = {"tickets": [t for t, _ in pairs]}
    if "metric_sets" in one(params, "include", ""):
        body["metric_sets"] = [m for _, m in pairs if m is not None]
    body.update(
        after_url=f"{fake.url}{EXPORT}?{urlencode(query)}", after_cursor=cursor,
        before_url=None, before_cursor=None, end_of_stream=not more,
    )
    return 200, body, len(pairs)

def metric_events(fake, params):
    """The time-based export of ticket metric events, in the documented envelope (``ticket_metric_events``,
    ``count``, ``end_time``, ``next_page``; no ``end_of_stream`` in Zendesk's example): events on or after
    ``start_time`` in time order, up to 1000 a page, the next page starting at the last event's second
    (so that second's events come again). Always 1000 a page, whatever ``page_cap`` says: a client
    knows the last page by its holding fewer, so a smaller page would end its walk early."""
    if "start_time" not in params:
        return 400, {"error": "InvalidValue", "description": "start_time is required"}, 0
    start = int(one(params, "start_time"))
    if start > fake.clock.epoch() - 60:
        return 400, {"error": "InvalidValue", "description": "Too recent start_time. Use a start_time older than 1 minute"}, 0
    size = TIME_EXPORT_PAGE
    events = getattr(fake.account, "metric_events", [])
    chosen = sorted((e for e in events if start <= _epoch(e["time"]) <= fake.clock.epoch()),
                    key=lambda e: (_epoch(e["time"]), e["id"]))[:size]
    end = _epoch(chosen[-1]["time"]) if chosen else start
    body = {"ticket_metric_events": chosen, "count": len(chosen), "end_time": end,
            "next_page": f"{fake.url}{METRIC_EVENTS}.json?{urlencode({'start_time': end})}"}
    return 200, body, len(chosen)

def sla_policies(fake, params):
    # https://developer.zendesk.com/api-reference/ticketing/business-rules/sla_policies/#list-sla-policies
    if not getattr(fake.account, "sla_plan", True):  # a plan without SLAs (Team)
        return 403, {"error": "Forbidden", "description": "You do not have access to this page. Please contact the account owner of this help desk for further help."}, 0
    policies = getattr(fake.account, "sla_policies", [])
    return 200, {"sla_policies": policies, "next_page": None, "previous_page": None, "count": len(policies)}, len(policies)

def paged(fake, params, items: list[dict], key: str, path: str, order=lambda item: item["id"]):
    size = min(int(one(params, "page[size]", "100")), 100)
    items = sorted(items, key=order)
    after = one(params, "page[after]", "")
    if after:
        last = json.loads(base64.urlsafe_b64decode(after))
        items = [item for item in items if order(item) > last]
    page, more = items[:size], len(items) > size
    cursor = base64.urlsafe_b64encode(json.dumps(order(page[-1])).encode()).decode() if page else after or None
    query = {k: v[0] for k, v in params.items() if k != "page[after]"}
    next_url = f"{fake.url}{path}?{urlencode({**query, 'page[after]': cursor})}" if more else None
    body = {key: page, "meta": {"has_more": more, "after_cursor": cursor, "before_cursor": None},
            "links": {"next": next_url, "prev": None}}
    return 200, body, len(page)

def ratings(fake, params):
    if fake.account.csat not in ("legacy", "both"):
        return 404, NOT_FOUND, 0
    start = int(one(params, "start_time", "0"))
    if hasattr(fake.account, "ratings_after"):  # a synthetic account, generated page by page
        return paged_lazy(fake, params, start, "satisfaction_ratings", f"{API}/satisfaction_ratings.json")
    chosen = [r for r in fake.account.ratings.values() if _epoch(r["updated_at"]) >= start]
    return paged(fake, params, chosen, "satisfaction_ratings", f"{API}/satisfaction_ratings.json")

def paged_lazy(fake, params, start: int, key: str, path: str):
    size = min(int(one(params, "page[size]", "100")), 100)
    after = one(params, "page[after]", "")
    after_id = json.loads(base64.urlsafe_b64decode(after)) if after else None
    page, more = fake.account.ratings_after(start, after_id, size)
    cursor = base64.urlsafe_b64encode(json.dumps(page[-1]["id"]).encode()).decode() if page else after or None
    query = {k: v[0] for k, v in params.items() if k != "page[after]"}
    next_url = f"{fake.url}{path}?{urlencode({**query, 'page[after]': cursor})}" if more else None
    body = {key: page, "meta": {"has_more": more, "after_cursor": cursor, "before_cursor": None},
            "links": {"next": next_url, "prev": None}}
    return 200, body, len(page)

def survey_responses(fake, params):
    if fake.account.csat not in ("new", "both"):
        return 404, NOT_FOUND, 0
    start = int(one(params, "filter[created_at_start]", "0"))
    chosen = [r for r in fake.account.survey_responses.values() if fake.account.created_ms(r) >= start]
    return paged(fake, params, chosen, "survey_responses", f"{API}/guide/survey_responses")

def users(fake, params):
    roles = set(params.get("role[]", [])) or {"end-user", "agent", "admin"}
    chosen = [u for u in fake.account.users.values() if u["role"] in roles]
    return paged(fake, params, chosen, "users", f"{API}/users.json")

def me(fake, params):
    # https://developer.zendesk.com/api-reference/ticketing/users/users/#show-the-currently-authenticated-user
    known = next((u for u in fake.account.users.values() if u["email"] == fake.email), None)
    user = {"id": known["id"] if known else 1, "name": known["name"] if known else "Admin", "email": fake.email,
            "role": "admin" if fake.admin else "agent", "role_type": None if fake.admin else 0, "active": True,
            "suspended": False, "url": f"{fake.url}{API}/users/me.json"}
    return 200, {"user": user}, 1

def groups(fake, params):
    return paged(fake, params, list(fake.account.groups.values()), "groups", f"{API}/groups.json")

def memberships(fake, params):
    return paged(fake, params, list(fake.account.memberships.values()), "group_memberships", f"{API}/group_memberships.json")


def one(params: dict[str, list[str]], name: str, default: str | None = None) -> str:
    values = params.get(name)
    if not values:
        if default is None:
            raise KeyError(name)
        return default
    return values[0]


def _epoch(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


ROUTES = {
    EXPORT: export,
    f"{API}/satisfaction_ratings.json": ratings,
    f"{API}/guide/survey_responses": survey_responses,
    f"{API}/users.json": users,
    f"{API}/users/me.json": me,
    f"{API}/groups.json": groups,
    f"{API}/group_memberships.json": memberships,
    # Zendesk answers with and without the .json suffix (zenpy adds it).
    METRIC_EVENTS: metric_events,
    f"{METRIC_EVENTS}.json": metric_events,
    f"{API}/slas/policies": sla_policies,
    f"{API}/slas/policies.json": sla_policies,
}
