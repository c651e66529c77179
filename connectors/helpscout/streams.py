"""The Help Scout streams read in passes: conversations with their threads, and happiness ratings
(teams and users, read whole, are in ``directory_streams``). Lists are HAL (``_embedded.<items>``,
``page.totalPages``) paged by number.

Cursors are JSON, written with each page:

- conversations: ``{"since": t, "pass_now": n, "listing": l, "page": p}`` while a pass is under
  way (``l``: 0 for ``status=all``, 1 for ``status=spam``), ``{"since": t}`` between passes
  (``overlap_minutes`` before the previous pass began);
- ratings: ``{"since": t, "pass_now": n, "listing": 0, "page": p}`` / ``{"since": t}`` likewise
  (each pass reads from ``rating_lookback_days`` before ``t``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

from connectors.base import Page, SyncOptions
from connectors.helpscout import mapping
from connectors.helpscout.client import HelpScoutClient
from connectors.helpscout.reconcile import OpenConversations
from connectors.http.paging import PageNumberPaginator, PageRequest, walk
from connectors.http.streams import ApiStream, iso
from connectors.items import optional_id, utc_from_iso

log = logging.getLogger(__name__)


class HelpScoutStream(ApiStream):
    client: HelpScoutClient


class _PassStream(HelpScoutStream):
    """Pages of everything changed since the previous pass began (less ``overlap_minutes``), walked
    list by list (``listings``: one walk each, in order), then the pass's ``follow_up`` pages."""

    def read(self, state: dict[str, Any], options: SyncOptions) -> Iterator[Page]:
        since = utc_from_iso(state["since"]) if "since" in state else options.since
        pass_now = utc_from_iso(state.get("pass_now")) or options.now
        self.resume(state, pass_now)
        after = len(self.listings)  # the listing number of the follow-up

        def cursor(position: dict[str, Any] | None) -> str:
            """Mid-pass at ``position``, or (``None``) the pass done: the next one starts here."""
            if position is None:
                start = {"since": iso(pass_now - timedelta(minutes=self.client.settings.overlap_minutes))}
            else:
                start = {"since": iso(since), "pass_now": iso(pass_now), **position}
            return json.dumps({**start, **self.carried()})

        first = int(state.get("listing", 0))
        for listing in range(first, after):
            page_number = int(state.get("page", 1)) if listing == first else 1
            paginator = PageNumberPaginator(total_pages_path=self.total_pages_path, page=page_number)
            request = PageRequest(
                "GET", self.client.url(self.path), self.params(since, pass_now, self.listings[listing])
            )
            pages = walk(
                self.client.session,
                request,
                paginator,
                items_path=self.items_path,
                what=self.what,
                accept_status=self.accept_status,
            )
            walked = False
            for page in pages:
                walked = True
                records = self.records(page.items, self.record)
                self.seen(records)
                if page.has_next:
                    position: dict[str, Any] | None = {"listing": listing, **paginator.state()}
                elif listing + 1 < after:
                    position = {"listing": listing + 1, "page": 1}
                else:
                    position = {"listing": after} if self.follow_up() else None
                yield Page(records, cursor(position))
            if not walked:
                self.unavailable()
                yield Page([], cursor(None))
                return
        batches = self.follow_up()
        if first == after and not batches:
            # Resumed into a follow-up that has nothing left (its settings changed meanwhile).
            yield Page([], cursor(None))
        for number, batch in enumerate(batches, 1):
            records = self.settle(batch)
            yield Page(records, cursor({"listing": after} if number < len(batches) else None))

    # -- what a pass of one kind adds (nothing, by default) ----------------------------------------

    def resume(self, state: dict[str, Any], pass_now: datetime) -> None:
        """Take up the state the stream carries from pass to pass."""

    def carried(self) -> dict[str, Any]:
        """That state, as it stands, for the cursor."""
        return {}

    def seen(self, records: Sequence[Any]) -> None:
        """Note the records of a page just read."""

    def follow_up(self) -> list[Sequence[str]]:
        """What is still to read once the lists are walked, in batches (a page each)."""
        return []

    def settle(self, batch: Sequence[str]) -> list[Any]:
        raise NotImplementedError

    path: ClassVar[str]
    items_path: ClassVar[str]
    total_pages_path: ClassVar[str]
    accept_status: ClassVar[tuple[int, ...]] = ()
    #: The lists one pass walks (a parameter value each, passed to ``params``).
    listings: ClassVar[tuple[str, ...]] = ("",)

    def params(self, since: datetime, now: datetime, listing: str) -> dict[str, Any]:
        raise NotImplementedError

    def record(self, item: Any) -> Any:
        raise NotImplementedError

    def unavailable(self) -> None:
        return None


class ConversationsStream(_PassStream):
    """Conversations modified since the pass's start, with their threads, newest first.

    Two lists a pass: ``status=all`` (active, pending and closed) and then ``status=spam``, spam
    being a status of its own that ``all`` is not documented to include, so that a conversation
    moved to spam is read again and leaves the KPIs (read twice where ``all`` does list it: the
    upsert keeps one). https://developer.helpscout.com/mailbox-api/endpoints/conversations/list/

    Newest first so that a conversation modified while we page moves to a page already read:
    the pages after it shift by one towards us and one conversation is read twice, where oldest
    first would shift them away and skip one. The moved conversation itself is read again by the
    next pass (its change is after this pass began).

    A chat's threads come truncated in the list ("If using the embed=threads parameter with this
    call, you will see truncated chat threads ... call the List Threads endpoint", same page): a
    chat conversation's threads are read from ``/conversations/{id}/threads`` instead.

    A conversation names its primary customer but not their organisation, which only the
    customer says (``organizationId``,
    https://developer.helpscout.com/mailbox-api/endpoints/customers/get): each customer is read
    once a pass (``/customers/{id}``; a customer deleted since, 404, is in none), so a pass costs
    one request more per customer it meets, not per conversation.
    """

    name: ClassVar[str] = "tickets"
    what = "conversation"
    path = "/conversations"
    items_path = "_embedded.conversations"
    total_pages_path = "page.totalPages"
    listings = ("all", "spam")

    def params(self, since: datetime, now: datetime, listing: str) -> dict[str, Any]:
        return {
            "status": listing,
            "modifiedSince": iso(since),
            "sortField": "modifiedAt",
            "sortOrder": "desc",
            "embed": "threads",
        }

    def resume(self, state: dict[str, Any], pass_now: datetime) -> None:
        after = timedelta(days=self.client.settings.reconcile_after_days)
        self.open = OpenConversations(state, now=pass_now, after=after)
        #: Customer id -> their organisation's id (or None), for this pass.
        self.organisations: dict[str, str | None] = {}

    def carried(self) -> dict[str, Any]:
        return self.open.state()

    def seen(self, records: Sequence[Any]) -> None:
        self.open.seen(records)

    def follow_up(self) -> list[Sequence[str]]:
        return self.open.batches()

    def settle(self, batch: Sequence[str]) -> list[Any]:
        """Read each open conversation of ``batch`` on its own: as it is now, or gone (404 deleted,
        301 merged; the redirect is not followed, the merged conversation is what it names)."""
        settled: list[Any] = []
        for cid in batch:
            answer = self.client.session.page(
                "GET",
                self.client.url(f"/conversations/{cid}"),
                params={"embed": "threads"},
                accept_status=(404,),
                allow_redirects=False,
            )
            if answer.status == 404 or 300 <= answer.status < 400:
                settled.append(self.open.gone(cid, merged=answer.status != 404, instance=self.instance))
                continue
            records = self.records([answer.body], self.record)
            self.open.seen(records)
            settled.extend(records)
        return settled

    def record(self, item: Any) -> Any:
        if item.get("type") == "chat":  # the list truncates a chat's threads: read them all
            item = {**item, "_embedded": {**(item.get("_embedded") or {}), "threads": self._threads(item["id"])}}
        # The conversation and, from its threads, its agents' replies (authors and times).
        organisation = self._organisation_of((item.get("primaryCustomer") or {}).get("id"))
        ticket = mapping.ticket_record(
            item, instance=self.instance, link=self.client.conversation_link, organization_id=organisation
        )
        return [ticket, *mapping.reply_records(item, instance=self.instance)]

    def _organisation_of(self, customer_id: Any) -> str | None:
        """The organisation of one customer (read once a pass); ``None`` when in none, or gone."""
        if customer_id is None:
            return None
        key = str(customer_id)
        if key not in self.organisations:
            customer = self.client.get(f"/customers/{key}", accept_status=(404,)) or {}
            self.organisations[key] = optional_id(customer.get("organizationId"))
        return self.organisations[key]

    def _threads(self, conversation_id: Any) -> list[Any]:
        """Every thread of one conversation (List Threads, paged like any HAL list)."""
        # https://developer.helpscout.com/mailbox-api/endpoints/conversations/threads/list/
        request = PageRequest("GET", self.client.url(f"/conversations/{conversation_id}/threads"))
        paginator = PageNumberPaginator(total_pages_path="page.totalPages")
        threads: list[Any] = []
        for page in walk(self.client.session, request, paginator, items_path="_embedded.threads", what="thread"):
            threads.extend(page.items)
        return threads


class RatingsStream(_PassStream):
    """Happiness ratings given in the pass's window, from the ratings report (Plus and Pro plans;
    on another plan the report answers 403 and there are no ratings to read).

    A customer may change a rating (and add a comment) after giving it: Help Scout's rating has a
    ``modifiedAt`` of its own (https://developer.helpscout.com/webhooks/objects/rating), while
    the report places a rating at its creation. Each pass therefore starts ``rating_lookback_days``
    before the previous one; a rating re-read replaces the stored one (same conversation and thread).
    https://developer.helpscout.com/mailbox-api/endpoints/reports/happiness/reports-happiness-ratings/
    """

    name: ClassVar[str] = "ratings"
    what = "happiness rating"
    path = "/reports/happiness/ratings"
    items_path = "results"
    total_pages_path = "pages"
    accept_status = (403,)

    def params(self, since: datetime, now: datetime, listing: str) -> dict[str, Any]:
        start = since - timedelta(days=self.client.settings.rating_lookback_days)
        return {"start": iso(start), "end": iso(now), "rating": "all", "sortField": "number", "sortOrder": "ASC"}

    def record(self, item: Any) -> Any:
        return mapping.rating_record(item, instance=self.instance)

    def unavailable(self) -> None:
        log.warning("Help Scout %s: the ratings report needs a Plus or Pro plan; no ratings synced", self.instance)
