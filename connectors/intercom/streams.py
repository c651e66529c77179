"""The Intercom streams: teams (with their members), admins, and conversations with their ratings.

Conversations come from the search endpoint, ``updated_at`` ascending, 150 a page, each next page
asked for with the ``pages.next.starting_after`` cursor of the one before. The cursor stored with
each page is ``{"after": t, "high": h}`` (``{"after": t}`` between passes): conversations updated
after ``t``, one second before the newest ``updated_at`` read. A resumed sync starts a new search
from there rather than reuse a search cursor from another run; the conversations of that second
are read again and updated in place.

The search index lags behind the conversations: a change can be found only after a newer one
was, and a search from ``t`` would never see it (the known symptom: conversations left "open";
Airbyte's source-intercom offers a look-back for it). So each search starts ``overlap_minutes``
before the stored ``t``; ``t`` itself only moves forward, and what the overlap reads again is
updated in place. https://github.com/airbytehq/airbyte/issues/66292
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

from connectors.base import Page, SyncOptions
from connectors.http.paging import BodyCursorPaginator, PageRequest, SinglePage, walk
from connectors.http.streams import ApiStream
from connectors.intercom import mapping
from connectors.intercom.client import IntercomClient
from kpis.records import Ticket

#: The search endpoint's largest page.
# https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/searchconversations
PER_PAGE = 150


class IntercomStream(ApiStream):
    client: IntercomClient


class ConversationsStream(IntercomStream):
    """Conversations as tickets, each with its rating (``conversation_rating``) in the same page."""

    name: ClassVar[str] = "tickets"
    what = "conversation"

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        after = int(state["after"]) if "after" in state else int(options.since.timestamp()) - 1
        high = int(state["high"]) if state.get("high") is not None else None
        search_after = after - self.client.settings.overlap_minutes * 60 if "after" in state else after
        body = {
            "query": {"operator": "AND", "value": [{"field": "updated_at", "operator": ">", "value": search_after}]},
            "sort": {"field": "updated_at", "order": "ascending"},
            "pagination": {"per_page": PER_PAGE},
        }
        paginator = BodyCursorPaginator("pages.next.starting_after", body_path="pagination.starting_after")
        request = PageRequest("POST", self.client.url("/conversations/search"), json=body)
        link = self.client.conversation_link
        for page in walk(self.client.session, request, paginator, items_path="conversations", what=self.what):
            records = self.records(
                page.items,
                lambda c: [
                    record
                    for record in (
                        mapping.ticket_record(c, instance=self.instance, link=link),
                        mapping.rating_record(c, instance=self.instance),
                    )
                    if record is not None
                ],
            )
            updated = [int(r.updated_at.timestamp()) for r in records if isinstance(r, Ticket)]
            high = max(updated + ([high] if high is not None else []), default=None)
            resume = max(after, high - 1) if high is not None else after
            yield Page(records, json.dumps({"after": resume, "high": high} if page.has_next else {"after": resume}))


class _DirectoryStream(IntercomStream):
    """A list Intercom answers whole, read again on every sync."""

    path: ClassVar[str]
    key: ClassVar[str]

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        request = PageRequest("GET", self.client.url(self.path))
        for page in walk(self.client.session, request, SinglePage(), items_path=self.key, what=self.what):
            yield Page(self.records(page.items, self.record), None)

    def record(self, item: Any) -> Any:
        raise NotImplementedError


class TeamsStream(_DirectoryStream):
    """Teams, and a membership for each admin a team lists.

    https://developers.intercom.com/docs/references/rest-api/api.intercom.io/teams/listteams
    """

    name: ClassVar[str] = "teams"
    path = "/teams"
    key = "teams"
    what = "team"

    def record(self, item: Any) -> Any:
        return mapping.team_records(item, instance=self.instance)


class AdminsStream(_DirectoryStream):
    """Admins (teammates) as agents. https://developers.intercom.com/docs/references/rest-api/api.intercom.io/admins/listadmins"""

    name: ClassVar[str] = "agents"
    path = "/admins"
    key = "admins"
    what = "admin"

    def record(self, item: Any) -> Any:
        return mapping.agent_record(item, instance=self.instance)
