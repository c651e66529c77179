"""The Help Scout directory streams: teams (with their members) and users, small HAL lists
(``_embedded.<items>``, ``page.totalPages``) read whole again on every sync.

Cursor: ``{"page": p}`` between pages, ``None`` after the last (the next sync starts over).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

from connectors.base import Page, SyncOptions
from connectors.helpscout import mapping
from connectors.helpscout.streams import HelpScoutStream
from connectors.http.paging import PageNumberPaginator, PageRequest, walk


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
