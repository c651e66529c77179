"""The Help Scout streams: teams (with their members), users, conversations with their threads,
and happiness ratings. Lists are HAL (``_embedded.<items>``, ``page.totalPages``) paged by number.

Cursors are JSON, written with each page:

- conversations: ``{"since": t, "pass_now": n, "page": p}`` while a pass is under way,
  ``{"since": t}`` between passes (``overlap_minutes`` before the previous pass began);
- ratings: ``{"since": t, "pass_now": n, "page": p}`` / ``{"since": t}`` likewise;
- teams, users: ``{"page": p}`` between pages; read whole again on every sync.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, ClassVar

from connectors.base import Page, SyncOptions
from connectors.helpscout import mapping
from connectors.helpscout.client import HelpScoutClient
from connectors.http.paging import PageNumberPaginator, PageRequest, walk
from connectors.http.streams import ApiStream, iso
from connectors.items import utc_from_iso

log = logging.getLogger(__name__)


class HelpScoutStream(ApiStream):
    client: HelpScoutClient


class _PassStream(HelpScoutStream):
    """Pages of everything changed since the previous pass began (less ``overlap_minutes``)."""

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        since = utc_from_iso(state["since"]) if "since" in state else options.since
        pass_now = utc_from_iso(state.get("pass_now")) or options.now
        paginator = PageNumberPaginator(total_pages_path=self.total_pages_path, page=int(state.get("page", 1)))
        request = PageRequest("GET", self.client.url(self.path), self.params(since, pass_now))
        pages = walk(
            self.client.session,
            request,
            paginator,
            items_path=self.items_path,
            what=self.what,
            accept_status=self.accept_status,
        )
        done = json.dumps({"since": iso(pass_now - timedelta(minutes=self.client.settings.overlap_minutes))})
        walked = False
        for page in pages:
            walked = True
            records = self.records(page.items, self.record)
            state = {"since": iso(since), "pass_now": iso(pass_now), **paginator.state()}
            yield Page(records, json.dumps(state) if page.has_next else done)
        if not walked:
            self.unavailable()
            yield Page([], done)

    path: ClassVar[str]
    items_path: ClassVar[str]
    total_pages_path: ClassVar[str]
    accept_status: ClassVar[tuple[int, ...]] = ()

    def params(self, since: datetime, now: datetime) -> dict[str, Any]:
        raise NotImplementedError

    def record(self, item: Any) -> Any:
        raise NotImplementedError

    def unavailable(self) -> None:
        return None


class ConversationsStream(_PassStream):
    """Conversations modified since the pass's start, with their threads, newest first.

    Newest first so that a conversation modified while we page moves to a page already read:
    the pages after it shift by one towards us and one conversation is read twice, where oldest
    first would shift them away and skip one. The moved conversation itself is read again by the
    next pass (its change is after this pass began).
    https://developer.helpscout.com/mailbox-api/endpoints/conversations/list/
    """

    name: ClassVar[str] = "tickets"
    what = "conversation"
    path = "/conversations"
    items_path = "_embedded.conversations"
    total_pages_path = "page.totalPages"

    def params(self, since: datetime, now: datetime) -> dict[str, Any]:
        return {
            "status": "all",
            "modifiedSince": iso(since),
            "sortField": "modifiedAt",
            "sortOrder": "desc",
            "embed": "threads",
        }

    def record(self, item: Any) -> Any:
        # The conversation and, from its threads, its agents' replies (authors and times).
        return [mapping.ticket_record(item, instance=self.instance, link=self.client.conversation_link),
                *mapping.reply_records(item, instance=self.instance)]


class RatingsStream(_PassStream):
    """Happiness ratings given in the pass's window, from the ratings report (Plus and Pro plans;
    on another plan the report answers 403 and there are no ratings to read).
    https://developer.helpscout.com/mailbox-api/endpoints/reports/happiness/reports-happiness-ratings/
    """

    name: ClassVar[str] = "ratings"
    what = "happiness rating"
    path = "/reports/happiness/ratings"
    items_path = "results"
    total_pages_path = "pages"
    accept_status = (403,)

    def params(self, since: datetime, now: datetime) -> dict[str, Any]:
        return {"start": iso(since), "end": iso(now), "rating": "all", "sortField": "number", "sortOrder": "ASC"}

    def record(self, item: Any) -> Any:
        return mapping.rating_record(item, instance=self.instance)

    def unavailable(self) -> None:
        log.warning("Help Scout %s: the ratings report needs a Plus or Pro plan; no ratings synced", self.instance)


class _DirectoryStream(HelpScoutStream):
    """A small list read whole on every sync (the last page's cursor is ``None``: start over)."""

    path: ClassVar[str]
    items_path: ClassVar[str]

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        paginator = PageNumberPaginator(total_pages_path="page.totalPages", page=int(state.get("page", 1)))
        request = PageRequest("GET", self.client.url(self.path))
        for page in walk(self.client.session, request, paginator, items_path=self.items_path, what=self.what):
            yield Page(self.records(page.items, self.record), json.dumps(paginator.state()) if page.has_next else None)

    def record(self, item: Any) -> Any:
        raise NotImplementedError


class TeamsStream(_DirectoryStream):
    """Teams, each with a membership for every member (``/teams/{id}/members``).
    https://developer.helpscout.com/mailbox-api/endpoints/teams/list-teams/"""

    name: ClassVar[str] = "teams"
    path = "/teams"
    items_path = "_embedded.teams"
    what = "team"

    def record(self, item: Any) -> Any:
        members: list[Any] = []
        request = PageRequest("GET", self.client.url(f"/teams/{item['id']}/members"))
        paginator = PageNumberPaginator(total_pages_path="page.totalPages")
        for page in walk(self.client.session, request, paginator, items_path="_embedded.users", what="team member"):
            members.extend(page.items)
        return [
            mapping.team_record(item, instance=self.instance),
            *mapping.membership_records(item["id"], members, instance=self.instance),
        ]


class UsersStream(_DirectoryStream):
    """Users as agents. https://developer.helpscout.com/mailbox-api/endpoints/users/list/"""

    name: ClassVar[str] = "agents"
    path = "/users"
    items_path = "_embedded.users"
    what = "user"

    def record(self, item: Any) -> Any:
        return mapping.agent_record(item, instance=self.instance)
