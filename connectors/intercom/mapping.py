"""Intercom payloads to records: conversations (as tickets) with their statistics and rating,
admins (as agents), teams and the memberships teams list.

Shapes (API 2.15): https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/
Timestamps are UNIX seconds; durations in ``statistics`` are seconds with out-of-office hours
subtracted (the business-hours twins).

**AI agent (Fin).** A conversation Fin handled alone -- Fin took part (``ai_agent_participated``),
no teammate ever replied (no ``first_admin_reply_at``) and Fin gave an answer it did not hand over
(``ai_agent.resolution_state`` is a resolution or ``negative_feedback``, before API 2.15
``abandoned``; Intercom leaves it null when Fin gave no answer) -- is stored as a ticket without
assignee or team, without times, reopens or rating. It counts in the volume the desk receives
(created, solved, backlog, resolution rate, overall) and in no KPI of the human team: Fin answers
in seconds, and mixing those answers in would flatter first reply, resolution times and CSAT of
the people the digest is for. A conversation Fin handed over, or could not answer, is a human one:
it waits for its team, in its backlog and its first reply target. Handed over is ``escalated`` or
``procedure_handoff`` (a Fin procedure set to escalate), before 2.15 ``routed_to_team``.
https://developers.intercom.com/docs/references/rest-api/api.intercom.io/models/ai_agent
https://developers.intercom.com/docs/references/2.15/changelog

**Outbound messages.** A conversation Intercom started (``source.delivered_as`` other than
``customer_initiated``: campaigns, Series, custom bots, a teammate's message) that the customer
never answered (no ``first_contact_reply``) is kept flagged ``is_outbound``: Intercom's own
conversation volume counts inbound conversations only. Once the customer answers, it is a
conversation from that first message on (created, first reply and resolution measured from it,
as Intercom's ``statistics`` are). https://www.intercom.com/help/en/articles/4549035-create-a-custom-report

**Replies.** Intercom counts no replies, but its first and last teammate reply
(``first_admin_reply_at``, ``last_admin_reply_at``: visible parts by a human teammate after the
customer's first message) tell none, one and several apart: ``replies`` is 0, 1, or 2 for two or
more -- what first contact resolution and one-touch (at most one reply) need.
https://www.intercom.com/help/en/articles/6762778-reporting-metrics-for-rest-api-and-csv-exports
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from connectors.items import minutes_between, optional_id, utc_from_epoch
from kpis.records import Agent, Membership, Priority, Rating, RatingScale, RatingState, Team, Ticket, TicketStatus
from kpis.scales import normalize

SOURCE = "intercom"

_STATE = {"open": TicketStatus.OPEN, "snoozed": TicketStatus.PENDING, "closed": TicketStatus.SOLVED}


#: Fin's resolution states that hand the conversation to the team: 2.15's and (before it) 2.14's.
HANDED_OVER = frozenset({"escalated", "procedure_handoff", "routed_to_team"})


def handled_by_ai_alone(conversation: Mapping[str, Any]) -> bool:
    statistics = conversation.get("statistics") or {}
    ai_agent = conversation.get("ai_agent") or {}
    return (
        bool(conversation.get("ai_agent_participated"))
        and not statistics.get("first_admin_reply_at")
        and ai_agent.get("resolution_state") is not None
        and ai_agent.get("resolution_state") not in HANDED_OVER
    )


def started_by_intercom(conversation: Mapping[str, Any]) -> bool:
    """An outbound message: a campaign, Series, custom bot or a teammate's message."""
    # https://developers.intercom.com/docs/references/rest-api/api.intercom.io/models/conversation_source
    return ((conversation.get("source") or {}).get("delivered_as") or "customer_initiated") != "customer_initiated"


def customer_wrote_at(conversation: Mapping[str, Any]) -> int | None:
    """When the customer first wrote (epoch second); ``None`` if they never did."""
    first = conversation.get("first_contact_reply") or {}
    return first.get("created_at") or (conversation.get("statistics") or {}).get("first_contact_reply_at")


def _replies(statistics: Mapping[str, Any]) -> int | None:
    first, last = statistics.get("first_admin_reply_at"), statistics.get("last_admin_reply_at")
    if not first:
        return 0
    if not last:
        return None
    return 1 if last <= first else 2


def _business_minutes(statistics: Mapping[str, Any], key: str) -> float | None:
    value = statistics.get(key)
    return None if value is None else float(value) / 60


def ticket_record(conversation: Mapping[str, Any], *, instance: str, link: Callable[[Any], str]) -> Ticket:
    statistics = conversation.get("statistics") or {}
    state = str(conversation.get("state") or ("open" if conversation.get("open") else "closed"))
    status = _STATE.get(state, TicketStatus.OPEN)
    opened = utc_from_epoch(conversation["created_at"])
    outbound, customer_first = started_by_intercom(conversation), utc_from_epoch(customer_wrote_at(conversation))
    # An outbound message the customer answered: a conversation from their first message on.
    created_at = customer_first if outbound and customer_first else opened
    first_close, last_close = (
        utc_from_epoch(statistics.get("first_close_at")),
        utc_from_epoch(statistics.get("last_close_at")),
    )
    solved_at = (last_close or first_close) if status is TicketStatus.SOLVED else None
    contacts = (conversation.get("contacts") or {}).get("contacts") or []
    tags = tuple(str(tag.get("name")) for tag in (conversation.get("tags") or {}).get("tags") or () if tag.get("name"))
    ai_alone = handled_by_ai_alone(conversation)
    common = dict(
        source=SOURCE,
        instance=instance,
        id=str(conversation["id"]),
        created_at=created_at,
        updated_at=utc_from_epoch(conversation.get("updated_at")) or opened,
        status=status,
        status_raw=state,
        solved_at=solved_at,
        channel=(conversation.get("source") or {}).get("type"),
        priority=Priority.HIGH if conversation.get("priority") == "priority" else None,
        requester_id=optional_id(contacts[0].get("id")) if contacts else None,
        # The conversation's company (Intercom's id, not the customer's own company_id), from API
        # 2.15 on (the default version); 2.14 names none:
        # https://github.com/intercom/Intercom-OpenAPI/blob/main/descriptions/2.15/api.intercom.io.yaml
        organization_id=optional_id((conversation.get("company") or {}).get("id")),
        tags=tags,
        subject=conversation.get("title") or (conversation.get("source") or {}).get("subject") or None,
        url=link(conversation["id"]),
        is_outbound=outbound and customer_first is None,
    )
    if ai_alone:
        return Ticket(**common)
    started = utc_from_epoch(statistics.get("first_contact_reply_at")) or created_at
    return Ticket(
        **common,
        assignee_id=optional_id(conversation.get("admin_assignee_id")),
        group_id=optional_id(conversation.get("team_assignee_id")),
        first_reply_minutes=minutes_between(started, utc_from_epoch(statistics.get("first_admin_reply_at"))),
        first_reply_minutes_business=_business_minutes(statistics, "time_to_admin_reply"),
        first_resolution_minutes=minutes_between(created_at, first_close),
        first_resolution_minutes_business=_business_minutes(statistics, "time_to_first_close"),
        full_resolution_minutes=minutes_between(created_at, last_close) if solved_at else None,
        full_resolution_minutes_business=_business_minutes(statistics, "time_to_last_close") if solved_at else None,
        reopens=None if statistics.get("count_reopens") is None else int(statistics["count_reopens"]),
        replies=_replies(statistics),
    )


def rating_record(conversation: Mapping[str, Any], *, instance: str) -> Rating | None:
    """The conversation's rating (1-5), with the teammate it was given to; ``None`` without one,
    or for a conversation the AI agent handled alone. A rating asked for but not given is an offer."""
    rating = conversation.get("conversation_rating")
    if not isinstance(rating, Mapping) or handled_by_ai_alone(conversation):
        return None
    offered_at = utc_from_epoch(rating.get("requested_at")) or utc_from_epoch(rating.get("created_at"))
    if offered_at is None:
        return None
    teammate = rating.get("teammate") or {}
    common = dict(
        source=SOURCE,
        instance=instance,
        id=str(conversation["id"]),
        ticket_id=str(conversation["id"]),
        scale=RatingScale.ONE_TO_FIVE,
        offered_at=offered_at,
        agent_id=optional_id(teammate.get("id")) if teammate.get("type", "admin") == "admin" else None,
    )
    if rating.get("rating") is None:
        return Rating(**common, state=RatingState.OFFERED, updated_at=offered_at)
    positive, score = normalize(RatingScale.ONE_TO_FIVE, rating["rating"])
    rated_at = utc_from_epoch(rating.get("updated_at")) or utc_from_epoch(rating.get("created_at")) or offered_at
    return Rating(
        **common,
        state=RatingState.RECEIVED,
        rated_at=rated_at,
        score_raw=str(int(rating["rating"])),
        positive=positive,
        score=score,
        comment=rating.get("remark") or None,
        updated_at=rated_at,
    )


def agent_record(admin: Mapping[str, Any], *, instance: str) -> Agent:
    return Agent(
        source=SOURCE,
        instance=instance,
        id=str(admin["id"]),
        name=str(admin.get("name") or admin.get("email") or admin["id"]),
        email=admin.get("email") or None,
        active=bool(admin.get("has_inbox_seat", True)),
        role="admin",
    )


def team_records(team: Mapping[str, Any], *, instance: str) -> list[Team | Membership]:
    team_id = str(team["id"])
    records: list[Team | Membership] = [Team(SOURCE, instance, team_id, str(team.get("name") or team_id))]
    records += [Membership(SOURCE, instance, str(admin), team_id) for admin in team.get("admin_ids") or ()]
    return records
