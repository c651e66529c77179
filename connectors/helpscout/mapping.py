"""Help Scout payloads to records: conversations (as tickets) with their threads, happiness
ratings, users (as agents), teams and their members.

The conversation carries no reply or resolution time: both come from its threads (``embed=threads``),
read in time order. Shapes: https://developer.helpscout.com/mailbox-api/endpoints/conversations/list/,
https://developer.helpscout.com/mailbox-api/endpoints/conversations/threads/list/,
https://developer.helpscout.com/mailbox-api/endpoints/reports/happiness/reports-happiness-ratings/
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from connectors.items import minutes_between, optional_id, utc_from_iso
from kpis.records import Agent, AgentReply, Membership, Rating, RatingScale, RatingState, Team, Ticket, TicketStatus
from kpis.scales import normalize

SOURCE = "helpscout"

_STATUS = {
    "active": TicketStatus.OPEN,
    "pending": TicketStatus.PENDING,
    "closed": TicketStatus.CLOSED,
    "spam": TicketStatus.OPEN,
}
#: The happiness report's ``ratingId``: 1 Great, 2 Okay, 3 Not Good.
RATING_WORDS = {1: "great", 2: "okay", 3: "not good"}


def _threads(conversation: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    threads = ((conversation.get("_embedded") or {}).get("threads")) or []
    # ISO 8601 UTC times sort as text; the API lists threads newest first.
    return sorted(threads, key=lambda t: (str(t.get("createdAt") or ""), t.get("id") or 0))


#: Threads carrying a message between the customer and a user: an email reply, a chat message, a
#: logged call. https://developer.helpscout.com/mailbox-api/endpoints/conversations/threads/list/
#: (the official client's thread types: customer, reply, note, chat, phone;
#: helpscout/helpscout-api-php src/Conversations/Threads/ThreadFactory.php)
_MESSAGE_TYPES = ("reply", "chat", "phone")


def _by(thread: Mapping[str, Any]) -> str | None:
    return (thread.get("createdBy") or {}).get("type")


def _is_customer_message(thread: Mapping[str, Any]) -> bool:
    """The customer writing: an email (``customer``), or a chat or phone thread created by them."""
    kind = thread.get("type")
    return kind == "customer" or (kind in _MESSAGE_TYPES and _by(thread) == "customer")


def _is_agent_reply(thread: Mapping[str, Any]) -> bool:
    """A public message by a user (an agent) to the customer: an email reply, a chat message or a
    logged call, created by a user, not a draft."""
    return (
        thread.get("type") in _MESSAGE_TYPES
        and _by(thread) == "user"
        and thread.get("state", "published") == "published"
    )


def thread_facts(
    threads: Sequence[Mapping[str, Any]],
) -> tuple[datetime | None, datetime | None, int, datetime | None, int]:
    """(first customer message, first agent reply after it, agent replies, first close, reopens).

    A thread's ``status`` is the conversation status it left behind (``nochange`` leaves it);
    a reopen is a thread taking a closed conversation back to active or pending.
    """
    first_customer = first_reply = first_close = None
    replies = reopens = 0
    status = "active"
    for thread in threads:
        at = utc_from_iso(thread.get("createdAt"))
        if _is_customer_message(thread) and first_customer is None:
            first_customer = at
        if _is_agent_reply(thread):
            replies += 1
            if first_customer is not None and first_reply is None:
                first_reply = at
        new = thread.get("status")
        if new in ("active", "pending", "closed"):
            if status == "closed" and new != "closed":
                reopens += 1
            if new == "closed" and status != "closed" and first_close is None:
                first_close = at
            status = new
    return first_customer, first_reply, replies, first_close, reopens


def _team_of(conversation: Mapping[str, Any], threads: Sequence[Mapping[str, Any]]) -> str | None:
    """The team the conversation is assigned to: the conversation's assignee when it is a team,
    else the latest thread assigning it to a team."""
    assignee = conversation.get("assignee") or {}
    if assignee.get("type") == "team":
        return optional_id(assignee.get("id"))
    for thread in reversed(threads):
        assigned = thread.get("assignedTo") or {}
        if assigned.get("type") == "team":
            return optional_id(assigned.get("id"))
    return None


def reply_records(conversation: Mapping[str, Any], *, instance: str) -> list[AgentReply]:
    """The agents' public replies of a conversation, each with its author and time (what makes an
    agent's working day). A thread's ``createdBy`` names its user:
    https://developer.helpscout.com/mailbox-api/endpoints/conversations/threads/list/"""
    return [
        AgentReply(SOURCE, instance, str(thread["id"]), str(conversation["id"]), str(thread["createdBy"]["id"]),
                   utc_from_iso(thread["createdAt"]))
        for thread in _threads(conversation)
        if _is_agent_reply(thread) and (thread.get("createdBy") or {}).get("id") is not None
    ]


def ticket_record(
    conversation: Mapping[str, Any],
    *,
    instance: str,
    link: Callable[[Mapping[str, Any]], str],
    organization_id: str | None = None,
) -> Ticket:
    """The conversation as a ticket; ``organization_id`` is its primary customer's organisation,
    which the conversation itself does not carry (the stream reads it from the customer)."""
    threads = _threads(conversation)
    first_customer, first_reply, replies, first_close, reopens = thread_facts(threads)
    status_raw = str(conversation.get("status") or "active")
    status = _STATUS.get(status_raw, TicketStatus.OPEN)
    created_at = utc_from_iso(conversation["createdAt"])
    closed_at = utc_from_iso(conversation.get("closedAt"))
    solved_at = closed_at if status is TicketStatus.CLOSED else None
    assignee = conversation.get("assignee") or {}
    deleted = conversation.get("state") == "deleted"
    # The last change the payload shows (a conversation carries no modification time of its own).
    changes = [created_at, closed_at, utc_from_iso(conversation.get("userUpdatedAt"))]
    changes += [utc_from_iso(t.get("createdAt")) for t in threads]
    return Ticket(
        source=SOURCE,
        instance=instance,
        id=str(conversation["id"]),
        created_at=created_at,
        updated_at=max(moment for moment in changes if moment is not None),
        status=TicketStatus.DELETED if deleted else status,
        status_raw=status_raw,
        solved_at=solved_at,
        channel=conversation.get("type") or (conversation.get("source") or {}).get("type"),
        assignee_id=None if assignee.get("type") == "team" else optional_id(assignee.get("id")),
        group_id=_team_of(conversation, threads),
        requester_id=optional_id((conversation.get("primaryCustomer") or {}).get("id")),
        organization_id=organization_id,
        tags=tuple(str(t.get("tag")) for t in conversation.get("tags") or () if t.get("tag")),
        subject=conversation.get("subject"),
        url=link(conversation),
        is_deleted=deleted,
        is_spam=status_raw == "spam",
        first_reply_minutes=minutes_between(first_customer, first_reply),
        first_resolution_minutes=minutes_between(created_at, first_close or solved_at) if solved_at else None,
        full_resolution_minutes=minutes_between(created_at, solved_at),
        replies=replies if threads else None,
        reopens=reopens if threads else None,
    )


def rating_record(row: Mapping[str, Any], *, instance: str) -> Rating:
    """A row of the happiness ratings report: a customer's rating of one reply (thread)."""
    word = RATING_WORDS[int(row["ratingId"])]
    positive, score = normalize(RatingScale.HELPSCOUT_3, word)
    rated_at = utc_from_iso(row["ratingCreatedAt"])
    return Rating(
        source=SOURCE,
        instance=instance,
        id=f"{row['id']}:{row.get('threadid')}",
        ticket_id=str(row["id"]),
        state=RatingState.RECEIVED,
        scale=RatingScale.HELPSCOUT_3,
        # The survey goes out with the reply it rates.
        offered_at=utc_from_iso(row.get("threadCreatedAt")) or rated_at,
        rated_at=rated_at,
        score_raw=word,
        positive=positive,
        score=score,
        comment=row.get("ratingComments") or None,
        agent_id=optional_id(row.get("ratingUserId")),
        updated_at=rated_at,
    )


def agent_record(user: Mapping[str, Any], *, instance: str) -> Agent:
    name = " ".join(part for part in (user.get("firstName"), user.get("lastName")) if part)
    return Agent(
        source=SOURCE,
        instance=instance,
        id=str(user["id"]),
        name=name or str(user.get("email") or user["id"]),
        email=user.get("email") or None,
        role=user.get("role"),
    )


def team_record(team: Mapping[str, Any], *, instance: str) -> Team:
    return Team(SOURCE, instance, str(team["id"]), str(team.get("name") or team["id"]))


def membership_records(team_id: Any, users: Sequence[Mapping[str, Any]], *, instance: str) -> list[Membership]:
    return [Membership(SOURCE, instance, str(user["id"]), str(team_id)) for user in users if user.get("id") is not None]
