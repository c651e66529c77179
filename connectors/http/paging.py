"""One paginator abstraction for every paged vendor endpoint, and the loop that walks the pages.

As in dlt's REST client: a :class:`Paginator` reads, after each response, where the next page is
(:meth:`~Paginator.update_state`), says whether there is one (:attr:`~Paginator.has_next_page`)
and writes it into the next request (:meth:`~Paginator.update_request`). The kinds cover the
helpdesks: the ``Link: <...>; rel="next"`` header (Freshdesk), a cursor in the body (Intercom's
``pages.next.starting_after``), and page numbers (Help Scout); a time-based export (Zendesk's
``end_time``); and :class:`SinglePage` for a list answered whole.

A paginator's :meth:`~Paginator.state` is the JSON-able position of the next page, so that a
stream can store it as the cursor written with each page and resume from it in another process.

:func:`walk` sends the requests through the session and guards against a vendor looping: a
page whose next request is the one just sent (the same URL, cursor or page) stops the walk with
:class:`MalformedResponse` *before* that page is handed on, so nothing of it is stored.
"""

from __future__ import annotations

import copy
import json
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from connectors.errors import MalformedResponse, stopped
from connectors.http.page import ApiPage
from connectors.http.session import ApiSession


@dataclass
class PageRequest:
    method: str
    url: str
    params: dict[str, Any] = field(default_factory=dict)
    json: dict[str, Any] | None = None

    def identity(self) -> str:
        """What the request asks for: method, the full URL with its parameters, and the body."""
        url = requests.Request(self.method, self.url, params=self.params).prepare().url
        return json.dumps([self.method, url, self.json], sort_keys=True, default=str)


class Paginator(ABC):
    has_next_page: bool = True

    def init_request(self, request: PageRequest) -> None:
        """Point the first request at the saved position, when resuming (default: as it is)."""

    @abstractmethod
    def update_state(self, page: ApiPage, items: Sequence[Any]) -> None:
        """Read where the next page is from a response and its items."""

    @abstractmethod
    def update_request(self, request: PageRequest) -> None:
        """Make ``request`` ask for the next page."""

    @abstractmethod
    def state(self) -> dict[str, Any]:
        """The next page's position, JSON-able (part of the cursor stored with the page)."""


class LinkHeaderPaginator(Paginator):
    """``Link: <url>; rel="next"`` (RFC 8288): the next page is that URL, with all its parameters.

    Freshdesk: https://developers.freshdesk.com/api/#pagination
    """

    def __init__(self, next_url: str | None = None) -> None:
        self.next_url = next_url

    def init_request(self, request: PageRequest) -> None:
        if self.next_url:
            request.url, request.params = self.next_url, {}

    def update_state(self, page: ApiPage, items: Sequence[Any]) -> None:
        self.next_url = page.links.get("next", {}).get("url")
        self.has_next_page = bool(self.next_url)

    def update_request(self, request: PageRequest) -> None:
        assert self.next_url is not None
        request.url, request.params = self.next_url, {}

    def state(self) -> dict[str, Any]:
        return {"next_url": self.next_url}


class BodyCursorPaginator(Paginator):
    """A cursor at ``cursor_path`` in the body, sent back as query parameter ``param`` or at
    ``body_path`` in a JSON body. ``has_more_path`` names a flag that must be true for a next
    page (Zendesk's ``meta.has_more``), ``end_path`` one that ends the walk when true (Zendesk's
    export ``end_of_stream``); either way a missing cursor ends it. ``replaces`` lists the query
    parameters the cursor stands in for (the export takes ``start_time`` or ``cursor``, not both).
    """

    def __init__(
        self,
        cursor_path: str,
        *,
        param: str | None = None,
        body_path: str | None = None,
        has_more_path: str | None = None,
        end_path: str | None = None,
        replaces: tuple[str, ...] = (),
        cursor: str | None = None,
    ) -> None:
        if (param is None) == (body_path is None):
            raise ValueError("give exactly one of param and body_path")
        self.cursor_path, self.param, self.body_path, self.has_more_path = cursor_path, param, body_path, has_more_path
        self.end_path, self.replaces = end_path, replaces
        self.cursor = cursor

    def init_request(self, request: PageRequest) -> None:
        if self.cursor is not None:
            self.update_request(request)

    def update_state(self, page: ApiPage, items: Sequence[Any]) -> None:
        payload = page.body
        cursor = dig(payload, self.cursor_path)
        more = True if self.has_more_path is None else bool(dig(payload, self.has_more_path))
        if self.end_path is not None and dig(payload, self.end_path):
            more = False
        self.has_next_page = more and cursor not in (None, "")
        if cursor not in (None, ""):
            self.cursor = str(cursor)

    def update_request(self, request: PageRequest) -> None:
        if self.param is not None:
            for name in self.replaces:
                request.params.pop(name, None)
            request.params[self.param] = self.cursor
            return
        assert self.body_path is not None
        request.json = request.json or {}
        *parents, leaf = self.body_path.split(".")
        node = request.json
        for name in parents:
            node = node.setdefault(name, {})
        node[leaf] = self.cursor

    def state(self) -> dict[str, Any]:
        return {"cursor": self.cursor}


class TimeExportPaginator(Paginator):
    """A time-based export (Zendesk's ``start_time`` / ``end_time``): each page's ``end_time`` (the
    time of its last item) is the next page's ``start_time``, so the items of that second come
    again (the store's upsert makes them harmless). A page with fewer than ``page_size`` items, or
    ``end_of_stream`` true, is the last. A full page that ends on the second it started from
    would be asked for again: :func:`walk` stops that as a pagination loop.
    https://developer.zendesk.com/documentation/ticketing/managing-tickets/using-the-incremental-export-api/#time-based-incremental-exports
    """

    def __init__(self, start_time: int, *, page_size: int) -> None:
        self.start_time, self.page_size = start_time, page_size

    def init_request(self, request: PageRequest) -> None:
        self.update_request(request)

    def update_state(self, page: ApiPage, items: Sequence[Any]) -> None:
        end = dig(page.body, "end_time")
        self.has_next_page = end is not None and len(items) >= self.page_size and not dig(page.body, "end_of_stream")
        if end is not None:
            self.start_time = int(end)

    def update_request(self, request: PageRequest) -> None:
        request.params["start_time"] = self.start_time

    def state(self) -> dict[str, Any]:
        return {"start_time": self.start_time}


class PageNumberPaginator(Paginator):
    """Page numbers in query parameter ``param``, from ``first``. The last page is the one
    ``total_pages_path`` names (Help Scout's ``page.totalPages``), else the first empty page.
    """

    def __init__(
        self, param: str = "page", *, first: int = 1, total_pages_path: str | None = None, page: int | None = None
    ) -> None:
        self.param, self.total_pages_path = param, total_pages_path
        self.page = first if page is None else page

    def init_request(self, request: PageRequest) -> None:
        request.params[self.param] = self.page

    def update_state(self, page: ApiPage, items: Sequence[Any]) -> None:
        if self.total_pages_path is None:
            self.has_next_page = bool(items)
        else:
            total = dig(page.body, self.total_pages_path)
            self.has_next_page = isinstance(total, int) and self.page < total
        if self.has_next_page:
            self.page += 1

    def update_request(self, request: PageRequest) -> None:
        request.params[self.param] = self.page

    def state(self) -> dict[str, Any]:
        return {"page": self.page}


class SinglePage(Paginator):
    """An endpoint that answers everything at once (Intercom's admins and teams)."""

    has_next_page = False

    def update_state(self, page: ApiPage, items: Sequence[Any]) -> None:
        return None

    def update_request(self, request: PageRequest) -> None:
        return None

    def state(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True, slots=True)
class FetchedPage:
    items: list[Any]
    answer: ApiPage
    #: Whether another page follows (the paginator's verdict after this page).
    has_next: bool


def walk(
    session: ApiSession,
    request: PageRequest,
    paginator: Paginator,
    *,
    items_path: str | None,
    what: str,
    accept_status: Collection[int] = (),
) -> Iterator[FetchedPage]:
    """Every page from ``request`` on; ``items_path`` locates the page's list (``None``: the body is
    the list). A page without its list, or whose next request repeats it, is a malformed response.
    An answer with a status in ``accept_status`` (an endpoint the plan lacks) ends the walk empty."""
    paginator.init_request(request)
    while True:
        answer = session.page(
            request.method, request.url, params=request.params or None, json=request.json, accept_status=accept_status
        )
        if not answer.ok:
            return
        payload = answer.body
        items = payload if items_path is None else dig(payload, items_path)
        if not isinstance(items, list):
            where = "a JSON list" if items_path is None else f"its {items_path!r} list"
            reason = f"{session.service} sent a {what} page without {where}"
            raise MalformedResponse(stopped(reason), reason=reason)
        paginator.update_state(answer, items)
        following = copy.deepcopy(request)
        if paginator.has_next_page:
            paginator.update_request(following)
            if following.identity() == request.identity():
                reason = (
                    f"{session.service} sent a {what} page that points at itself as the next page "
                    f"({urlsplit(request.url).path}, {json.dumps(paginator.state(), default=str)[:120]}): a pagination "
                    "loop"
                )
                raise MalformedResponse(stopped(reason), reason=reason)
        yield FetchedPage(items, answer, paginator.has_next_page)
        if not paginator.has_next_page:
            return
        request = following


def dig(payload: Any, path: str) -> Any:
    """``payload["a"]["b"]`` for ``"a.b"``; ``None`` where any step is missing."""
    node = payload
    for name in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(name)
    return node
