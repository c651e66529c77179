"""The Zendesk streams: tickets (incremental export with metric sets), legacy ratings, new CSAT
survey responses, and the directory (groups, agents, memberships).

Every stream yields one :class:`Page` per API page with the cursor to resume after it; the sync
stores both in one transaction. Cursors are JSON:

- tickets: ``{"after": <export after_cursor>}`` -- Zendesk's own cursor, valid across runs;
- ratings: ``{"start_time": s, "after": <page[after]>, "pass_now": n}`` while a pass is under
  way, ``{"start_time": s}`` between passes (the next pass starts ``overlap_minutes`` before the
  previous pass began, so ratings changed while it ran are read again and updated in place);
- survey responses: the same, in epoch milliseconds, starting no later than the oldest response
  still open to changes (``expires_at`` in the future) when the pass began;
- SLA events: ``{"start_time": <end_time of the last page>}`` -- the time-based export of ticket
  metric events resumes from the second its last stored page ended on.

The paged streams talk to the session directly, not through zenpy: zenpy's generators hide page
boundaries and cursors (records and cursor must be stored together, page by page), zenpy reads the
ticket export's ``metric_sets`` sideload into nothing (the metrics would need one call per
ticket), its cursor resume (``tickets.incremental(cursor=...)``) silently drops ``per_page``, it
cannot resume ratings from ``page[after]``, it has no survey responses API, and its
``ticket_metric_events(start_time=...)`` generator ends a walk as soon as a page's ``end_time`` is
within five minutes of now (events of those minutes wait for the next sync either way here).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar

from connectors.base import Page, SyncOptions
from connectors.http.paging import BodyCursorPaginator, PageRequest, TimeExportPaginator, walk
from connectors.http.streams import ApiStream
from connectors.zendesk import mapping
from connectors.zendesk.client import ZendeskClient
from kpis.record_types import Record

#: The export's largest page.
# https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/#per_page
EXPORT_PAGE_SIZE = 1000
#: The largest cursor page of the list endpoints (ratings, survey responses).
# https://developer.zendesk.com/api-reference/introduction/pagination/#using-cursor-pagination
LIST_PAGE_SIZE = 100
#: The export refuses a start_time within the last minute.
EXPORT_MIN_AGE_SECONDS = 60
#: A time-based export page holds up to 1000 items; fewer means the last page.
# https://developer.zendesk.com/documentation/ticketing/managing-tickets/using-the-incremental-export-api/#time-based-incremental-exports
TIME_EXPORT_PAGE_SIZE = 1000


class ZendeskStream(ApiStream):
    """A stream of one Zendesk instance: the shared HTTP stream base on a :class:`ZendeskClient`."""

    client: ZendeskClient


def _epoch(value: datetime) -> int:
    return int(value.timestamp())


class TicketsStream(ZendeskStream):
    """Cursor-based incremental ticket export with the ``metric_sets`` sideload, 1000 a page.

    https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/#incremental-ticket-export-cursor-based
    """

    name: ClassVar[str] = "tickets"
    what = "ticket"
    path = "/incremental/tickets/cursor.json"

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        params: dict[str, Any] = {"per_page": EXPORT_PAGE_SIZE, "include": "metric_sets"}
        if not state.get("after"):
            params["start_time"] = min(_epoch(options.since), _epoch(options.now) - EXPORT_MIN_AGE_SECONDS)
        paginator = BodyCursorPaginator("after_cursor", param="cursor", end_path="end_of_stream",
                                        replaces=("start_time",), cursor=state.get("after"))
        request = PageRequest("GET", self.client.url(self.path), params)
        base_url = self.client.base_url
        for page in walk(self.client.session, request, paginator, items_path="tickets", what="ticket export"):
            metrics = mapping.metric_sets_by_ticket(page.answer.body)
            records = self.records(
                page.items,
                lambda t: mapping.ticket_record(t, metrics.get(t.get("id")), instance=self.instance, base_url=base_url),
            )
            yield Page(records, json.dumps({"after": paginator.cursor}) if paginator.cursor else None)


class SlaEventsStream(ZendeskStream):
    """SLA policy outcomes: the time-based incremental export of ticket metric events (apply_sla,
    activate, pause, fulfill, breach; up to 1000 a page, ``next_page`` / ``end_time`` / ``count``),
    paced with the ticket export under the one incremental-export limit.

    Read only while the account has SLA policies (one small request a sync): the export carries
    every metric's clock events, policy or not, and would spend the export's 10 requests a minute
    for nothing. The cursor is kept while there are none, so the stream resumes where it stopped.
    https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metric_events/
    """

    name: ClassVar[str] = "sla_events"
    what = "ticket metric event"
    path = "/incremental/ticket_metric_events.json"

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        if not self.client.has_sla_policies():
            yield Page([], json.dumps(state) if state else None)
            return
        latest = _epoch(options.now) - EXPORT_MIN_AGE_SECONDS
        start = min(state.get("start_time", _epoch(options.since)), latest)
        paginator = TimeExportPaginator(start, page_size=TIME_EXPORT_PAGE_SIZE)
        request = PageRequest("GET", self.client.url(self.path), {})
        for page in walk(self.client.session, request, paginator, items_path="ticket_metric_events",
                         what="ticket metric events export"):
            records = self.records(page.items, lambda e: mapping.sla_event_record(e, instance=self.instance))
            yield Page(records, json.dumps({"start_time": min(paginator.start_time, latest)}))


class _CursorListStream(ZendeskStream):
    """A cursor-paginated list filtered by a start time, re-read with an overlap on every pass."""

    path: ClassVar[str]
    key: ClassVar[str]
    #: Start times in this many units per second (1, or 1000 for epoch milliseconds).
    scale: ClassVar[int] = 1

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        after = state.get("after")
        if after:
            start, pass_now, open_since = state["start_time"], state["pass_now"], state.get("open_since")
        else:
            start = state.get("start_time", _epoch(options.since) * self.scale)
            pass_now, open_since = _epoch(options.now), None
        paginator = BodyCursorPaginator("meta.after_cursor", param="page[after]", has_more_path="meta.has_more",
                                        cursor=after)
        request = PageRequest("GET", self.client.url(self.path), self.params(start))
        # 404: the account does not have this kind of survey; the other kind is in use.
        for page in walk(self.client.session, request, paginator, items_path=self.key, what=self.what,
                         accept_status=(404,)):
            open_since = self.still_open(page.items, pass_now, open_since)
            records = self.records(page.items, self.record)
            if page.has_next:
                state = {"start_time": start, "after": paginator.cursor, "pass_now": pass_now, "open_since": open_since}
                yield Page(records, json.dumps(state))
                continue
            next_start = (pass_now - self.client.settings.overlap_minutes * 60) * self.scale
            if open_since is not None:
                next_start = min(next_start, open_since)
            yield Page(records, json.dumps({"start_time": next_start}))
            return
        # Answered 404: nothing to read; the next pass starts from the same time.
        yield Page([], json.dumps({"start_time": start}))

    def params(self, start: int) -> dict[str, Any]:
        raise NotImplementedError

    def in_use(self) -> bool:
        """Whether the account has this kind of survey: one small page, where 404 means it uses
        the other kind (the same rule :meth:`read` follows)."""
        return self.client.get(self.path, {**self.params(0), "page[size]": 1}, accept_status=(404,)) is not None

    def record(self, item: Any) -> Record | None:
        raise NotImplementedError

    def still_open(self, items: list[Any], pass_now: int, open_since: int | None) -> int | None:
        return open_since


class RatingsStream(_CursorListStream):
    """Legacy CSAT (good / bad): every rating created or changed since the start time.

    https://developer.zendesk.com/api-reference/ticketing/ticket-management/satisfaction_ratings/#list-satisfaction-ratings
    """

    name: ClassVar[str] = "ratings"
    path = "/satisfaction_ratings.json"
    key = "satisfaction_ratings"
    what = "satisfaction rating"

    def params(self, start: int) -> dict[str, Any]:
        return {"start_time": start, "page[size]": LIST_PAGE_SIZE}

    def record(self, item: Any) -> Record | None:
        return mapping.rating_record(item, instance=self.instance)


class SurveyResponsesStream(_CursorListStream):
    """New CSAT (1-5) survey responses, attributed through their ticket.

    https://developer.zendesk.com/api-reference/ticketing/ticket-management/csat_survey_responses/
    """

    name: ClassVar[str] = "survey_responses"
    path = "/guide/survey_responses"
    key = "survey_responses"
    what = "CSAT survey response"
    scale = 1000

    def params(self, start: int) -> dict[str, Any]:
        return {"filter[created_at_start]": start, "page[size]": LIST_PAGE_SIZE, "sort": "id"}

    def record(self, item: Any) -> Record | None:
        return mapping.survey_rating(item, instance=self.instance)

    def still_open(self, items: list[Any], pass_now: int, open_since: int | None) -> int | None:
        # A customer may change a response until it expires; the next pass starts early enough
        # to read such responses again.
        for item in items:
            expires = mapping.parse_time(item.get("expires_at"))
            created = mapping.survey_created_at(item)
            if expires is not None and created is not None and _epoch(expires) > pass_now:
                created_ms = _epoch(created) * 1000
                open_since = created_ms if open_since is None else min(open_since, created_ms)
        return open_since


class _DirectoryStream(ZendeskStream):
    """A small list read whole on every sync, as one page (no cursor: nothing to resume)."""

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        yield Page(self.records(list(self.fetch()), self.record), None)

    def fetch(self) -> Iterator[dict[str, Any]]:
        raise NotImplementedError

    def record(self, item: Any) -> Record | None:
        raise NotImplementedError


class TeamsStream(_DirectoryStream):
    name: ClassVar[str] = "teams"
    what = "group"

    def fetch(self) -> Iterator[dict[str, Any]]:
        return (group for group in self.client.groups() if not group.get("deleted"))

    def record(self, item: Any) -> Record | None:
        return mapping.team_record(item, instance=self.instance)


class AgentsStream(_DirectoryStream):
    name: ClassVar[str] = "agents"
    what = "agent"

    def fetch(self) -> Iterator[dict[str, Any]]:
        return self.client.agents()

    def record(self, item: Any) -> Record | None:
        return mapping.agent_record(item, instance=self.instance)


class MembershipsStream(_DirectoryStream):
    name: ClassVar[str] = "memberships"
    what = "group membership"

    def fetch(self) -> Iterator[dict[str, Any]]:
        return self.client.group_memberships()

    def record(self, item: Any) -> Record | None:
        records = mapping.membership_records([item], instance=self.instance)
        return records[0] if records else None
