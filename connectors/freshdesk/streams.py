"""The Freshdesk streams: groups (with their members), agents, tickets (live, deleted, spam) and
satisfaction ratings. Every list is a bare JSON array paged by the ``Link`` header, 100 a page.

Cursors are JSON, written with each page:

- tickets: ``{"since": t, "page": p, "high": h}`` while a pass is under way (the next request),
  ``{"since": t}`` between passes, ``t`` ``overlap_minutes`` (at least one second) before the
  newest ``updated_at`` read: the list shows a change some time after its ``updated_at``;
- ratings: ``{"since": t, "pass_now": n, "next_url": u}`` while a pass is under way,
  ``{"since": t}`` between passes (``ratings_lookback_days`` before the previous pass began);
- groups, agents: ``{"next_url": u}`` between pages; read whole again on every sync.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

from connectors.base import Page, SyncOptions
from connectors.freshdesk import mapping
from connectors.freshdesk.client import FreshdeskClient
from connectors.http.page import ApiPage
from connectors.http.paging import LinkHeaderPaginator, PageRequest, Paginator, walk
from connectors.http.streams import ApiStream, iso
from connectors.items import utc_from_iso
from kpis.errors import RunFailed

log = logging.getLogger(__name__)

#: The largest page of every list endpoint. https://developers.freshdesk.com/api/#pagination
PER_PAGE = 100
#: The ticket list stops paging at page 300 (30,000 tickets) for one filter.
PAGE_CAP = 300
ONE_SECOND = timedelta(seconds=1)


class FreshdeskStream(ApiStream):
    client: FreshdeskClient


class UpdatedSincePaginator(Paginator):
    """Tickets in ``updated_at`` order, re-anchored after every page.

    Each next request asks for the tickets updated since (one second before) the last one read,
    from page 1, instead of following the ``Link`` header to page n + 1, for two reasons: the list
    stops paging at page 300, and page offsets shift when a ticket already read is updated while
    we page (it moves to the end, and the ticket after the page boundary would be skipped). The
    ``Link`` header still says whether a next page exists. Only when a whole page shares that one
    second does it page on by number, up to the cap.
    """

    def __init__(self, since: datetime, page: int = 1) -> None:
        self.since, self.page = since, page
        self._links = LinkHeaderPaginator()

    def init_request(self, request: PageRequest) -> None:
        self.update_request(request)

    def update_state(self, page: ApiPage, items: Sequence[Any]) -> None:
        self._links.update_state(page, items)
        self.has_next_page = self._links.has_next_page
        if not self.has_next_page:
            return
        last = _updated_at(items[-1]) if items else None
        if last is not None and last - ONE_SECOND > self.since:
            self.since, self.page = last - ONE_SECOND, 1
            return
        self.page += 1
        if self.page > PAGE_CAP:
            raise RunFailed(
                f"more than {PAGE_CAP * PER_PAGE:,} Freshdesk tickets were updated in the second after "
                f"{iso(self.since)}, and the ticket list stops paging at page {PAGE_CAP}: nothing after them can be "
                "read; everything synced so far is kept"
            )

    def update_request(self, request: PageRequest) -> None:
        request.params.update(updated_since=iso(self.since), page=self.page)

    def state(self) -> dict[str, Any]:
        return {"since": iso(self.since), "page": self.page}


def _updated_at(item: Any) -> datetime | None:
    try:
        return utc_from_iso(item["updated_at"])
    except (KeyError, TypeError, ValueError):
        return None


class TicketsStream(FreshdeskStream):
    """Tickets by ``updated_since`` with ``include=stats`` (first reply and resolution with each
    ticket, never one request per ticket). The plain list leaves out deleted and spam tickets;
    two more streams read those through the list's ``filter``, so that a ticket deleted or marked
    spam after it was stored is marked and left out of every KPI.

    https://developers.freshdesk.com/api/#list_all_tickets
    """

    name: ClassVar[str] = "tickets"
    what = "ticket"
    filter: ClassVar[str | None] = None
    #: Deleted and spam tickets count for no KPI: their stats (extra API credits) are not asked for.
    include: ClassVar[str | None] = "stats"

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        since = utc_from_iso(state["since"]) if "since" in state else options.since
        high = utc_from_iso(state.get("high"))
        paginator = UpdatedSincePaginator(since, int(state.get("page", 1)))
        params: dict[str, Any] = {
            "order_by": "updated_at",
            "order_type": "asc",
            "per_page": PER_PAGE,
        }
        if self.include:
            params["include"] = self.include
        if self.filter:
            params["filter"] = self.filter
        request = PageRequest("GET", self.client.url("/tickets"), params)
        link = self.client.ticket_link
        # A filtered list refused (400) is left out with a warning rather than stop every sync.
        refused = (400,) if self.filter else ()
        walked = False
        for page in walk(
            self.client.session, request, paginator, items_path=None, what=self.what, accept_status=refused
        ):
            walked = True
            records = self.records(page.items, lambda t: mapping.ticket_record(t, instance=self.instance, link=link))
            high = max([r.updated_at for r in records] + ([high] if high else []), default=None)
            if page.has_next:
                cursor = {**paginator.state(), "high": iso(high) if high else None}
            else:
                # From the newest change read (kept across a resumed pass), not from where the pass
                # stands: a resumed pass ends on the same cursor as an uninterrupted one.
                cursor = {"since": iso(high - self.overlap() if high else since)}
            yield Page(records, json.dumps(cursor))
        if not walked:
            log.warning(
                "Freshdesk %s refused the %s ticket list; those tickets stay as last synced", self.instance, self.filter
            )
            yield Page([], json.dumps({"since": iso(since)}))

    def overlap(self) -> timedelta:
        """How far before the newest change read the next pass starts. A ticket changed at ``t``
        may show in the list only later (its ``stats`` fill in asynchronously too), after the pass
        has read changes past ``t``; the overlap reads it then. At least one second: the list
        filters by whole seconds. https://developers.freshdesk.com/api/#list_all_tickets"""
        return max(ONE_SECOND, timedelta(minutes=self.client.settings.overlap_minutes))


class DeletedTicketsStream(TicketsStream):
    name: ClassVar[str] = "deleted_tickets"
    filter = "deleted"
    include = None


class SpamTicketsStream(TicketsStream):
    name: ClassVar[str] = "spam_tickets"
    filter = "spam"
    include = None


class RatingsStream(FreshdeskStream):
    """Satisfaction ratings created since the start of the pass (``created_since``, the only
    filter the list has). A rating is created by the customer's click in the survey email and
    updated when they send the survey's form afterwards (comment, changed score), so each pass
    starts ``ratings_lookback_days`` (Airbyte's connector: 14) before the previous one began, and
    reads those ratings again. Each survey's scale comes from ``GET /surveys``.

    https://developers.freshdesk.com/api/#satisfaction-ratings
    """

    name: ClassVar[str] = "ratings"
    what = "satisfaction rating"

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        since = utc_from_iso(state["since"]) if "since" in state else options.since
        pass_now = utc_from_iso(state.get("pass_now")) or options.now
        # 403 / 404: an account or role without surveys; every code is read on the 7-point scale.
        scales = mapping.survey_scales(self.client.get("/surveys", accept_status=(403, 404)))
        paginator = LinkHeaderPaginator(state.get("next_url"))
        request = PageRequest(
            "GET", self.client.url("/surveys/satisfaction_ratings"), {"created_since": iso(since), "per_page": PER_PAGE}
        )
        for page in walk(self.client.session, request, paginator, items_path=None, what=self.what):
            records = self.records(
                page.items, lambda r: mapping.rating_record(r, instance=self.instance, scales=scales)
            )
            if page.has_next:
                cursor = {"since": iso(since), "pass_now": iso(pass_now), **paginator.state()}
            else:
                cursor = {"since": iso(pass_now - self.look_back())}
            yield Page(records, json.dumps(cursor))

    def look_back(self) -> timedelta:
        settings = self.client.settings
        return max(timedelta(days=settings.ratings_lookback_days), timedelta(minutes=settings.overlap_minutes))


class _DirectoryStream(FreshdeskStream):
    """A small list read whole on every sync (the last page's cursor is ``None``: start over)."""

    path: ClassVar[str]

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        paginator = LinkHeaderPaginator(state.get("next_url"))
        request = PageRequest("GET", self.client.url(self.path), {"per_page": PER_PAGE})
        for page in walk(self.client.session, request, paginator, items_path=None, what=self.what):
            records = self.records(page.items, self.record)
            yield Page(records, json.dumps(paginator.state()) if page.has_next else None)

    def record(self, item: Any) -> Any:
        raise NotImplementedError


class TeamsStream(_DirectoryStream):
    """Groups, and a membership for each agent a group has. The group list leaves out
    ``agent_ids``; only the single group carries them, so each group is read once more (one
    request per group and sync: directories are small). A group deleted in between keeps no
    members. https://developers.freshdesk.com/api/#view_a_group
    """

    name: ClassVar[str] = "teams"
    path = "/groups"
    what = "group"

    def record(self, item: Any) -> Any:
        if isinstance(item, dict) and "agent_ids" not in item and "id" in item:
            item = self.client.get(f"/groups/{item['id']}", accept_status=(404,)) or item
        return mapping.group_records(item, instance=self.instance)


class AgentsStream(_DirectoryStream):
    name: ClassVar[str] = "agents"
    path = "/agents"
    what = "agent"

    def record(self, item: Any) -> Any:
        return mapping.agent_record(item, instance=self.instance)
