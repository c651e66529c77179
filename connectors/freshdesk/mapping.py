"""Freshdesk payloads to records: tickets with their ``stats``, satisfaction ratings, agents,
groups and the memberships groups list.

Shapes: https://developers.freshdesk.com/api/#tickets (``include=stats``),
https://developers.freshdesk.com/api/#satisfaction-ratings, https://developers.freshdesk.com/api/#agents,
https://developers.freshdesk.com/api/#groups. Every field Freshdesk may leave out is optional.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from connectors.items import minutes_between, optional_id, utc_from_iso
from kpis.records import Agent, Membership, Priority, Rating, RatingScale, RatingState, Team, Ticket, TicketStatus
from kpis.scales import FRESHDESK_BY_POINTS, freshdesk_codes, normalize

SOURCE = "freshdesk"

#: 2 Open, 3 Pending, 4 Resolved, 5 Closed; an account's own statuses (6 and up) are waiting states.
_STATUS = {
    2: ("open", TicketStatus.OPEN),
    3: ("pending", TicketStatus.PENDING),
    4: ("resolved", TicketStatus.SOLVED),
    5: ("closed", TicketStatus.CLOSED),
}
_PRIORITY = {1: Priority.LOW, 2: Priority.NORMAL, 3: Priority.HIGH, 4: Priority.URGENT}
#: Ticket sources. https://developers.freshdesk.com/api/#tickets
_CHANNEL = {1: "email", 2: "portal", 3: "phone", 7: "chat", 9: "feedback_widget", 10: "outbound_email"}
#: An agent's outbound email starts the ticket, created Closed by default; it becomes a normal
#: ticket when the customer answers, and that answer, not the creation, starts the first-response
#: clock, which ``stats`` does not give (``requester_responded_at`` is the latest answer).
# https://support.natero.com/en/support/solutions/articles/50000007997 ("outbound ticket and a normal ticket")
OUTBOUND_EMAIL = 10
#: The classic survey's answers (1 Happy, 2 Neutral, 3 Unhappy); it lists no questions.
CLASSIC_CODES = frozenset({1, 2, 3})


def ticket_record(ticket: Mapping[str, Any], *, instance: str, link: Callable[[Any], str]) -> Ticket:
    """A ticket with the first reply and resolution its ``stats`` give.

    Freshdesk keeps only the latest resolve and the latest reopen: a ticket never reopened has
    its first resolution equal to its full one; a reopened ticket has no known first resolution
    and counts one reopen (at least one happened).
    """
    stats = ticket.get("stats") or {}
    code = int(ticket["status"])
    status_raw, status = _STATUS.get(code, (f"status {code}", TicketStatus.PENDING))
    created_at = utc_from_iso(ticket["created_at"])
    deleted = bool(ticket.get("deleted"))
    solved = status in (TicketStatus.SOLVED, TicketStatus.CLOSED)
    solved_at = (utc_from_iso(stats.get("resolved_at")) or utc_from_iso(stats.get("closed_at"))) if solved else None
    reopened_at = utc_from_iso(stats.get("reopened_at"))
    outbound = ticket.get("source") == OUTBOUND_EMAIL
    first_responded = utc_from_iso(stats.get("first_responded_at"))
    # An outbound email nobody answered is created closed: its "resolution" is the agent's own
    # message, not a customer's problem solved.
    full = None if outbound and not stats.get("requester_responded_at") else minutes_between(created_at, solved_at)
    return Ticket(
        source=SOURCE,
        instance=instance,
        id=str(ticket["id"]),
        created_at=created_at,
        updated_at=utc_from_iso(ticket.get("updated_at")) or created_at,
        status=TicketStatus.DELETED if deleted else status,
        status_raw=status_raw,
        solved_at=solved_at,
        channel=_CHANNEL.get(ticket.get("source"), None if ticket.get("source") is None else str(ticket.get("source"))),
        priority=_PRIORITY.get(ticket.get("priority")),
        assignee_id=optional_id(ticket.get("responder_id")),
        group_id=optional_id(ticket.get("group_id")),
        requester_id=optional_id(ticket.get("requester_id")),
        organization_id=optional_id(ticket.get("company_id")),
        tags=tuple(str(tag) for tag in ticket.get("tags") or ()),
        subject=ticket.get("subject"),
        url=link(ticket["id"]),
        is_deleted=deleted,
        is_spam=bool(ticket.get("spam")),
        first_reply_minutes=None if outbound else minutes_between(created_at, first_responded),
        first_resolution_minutes=full if reopened_at is None else None,
        full_resolution_minutes=full,
        reopens=0 if reopened_at is None else 1,
    )


def survey_scales(surveys: Any) -> dict[str, RatingScale]:
    """Each survey's scale (``GET /surveys``): the codes its default question accepts make a
    custom survey on 2, 3, 5 or 7 points; a survey listing no questions is the classic one.
    A custom survey whose codes match no known scale is left out (read as 7-point)."""
    scales: dict[str, RatingScale] = {}
    for survey in surveys if isinstance(surveys, list) else ():
        questions = survey.get("questions") or []
        if not questions:
            scales[str(survey.get("id"))] = RatingScale.FRESHDESK_CLASSIC
            continue
        default = next((q for q in questions if q.get("default") or q.get("id") == "default_question"), None)
        accepted = {int(r) for r in (default or {}).get("accepted_ratings") or ()}
        scale = FRESHDESK_BY_POINTS.get(len(accepted))
        if scale is not None and accepted == freshdesk_codes(scale):
            scales[str(survey.get("id"))] = scale
    return scales


def rating_scale(code: Any, survey_id: Any, scales: Mapping[str, RatingScale]) -> RatingScale:
    """The scale of one answer: its survey's; for a survey this account no longer lists, classic
    for 1, 2 and 3, else the 7-point scale, which holds every custom code."""
    known = scales.get(str(survey_id))
    if known is not None:
        return known
    return RatingScale.FRESHDESK_CLASSIC if int(code) in CLASSIC_CODES else RatingScale.FRESHDESK_7


def rating_record(item: Mapping[str, Any], *, instance: str, scales: Mapping[str, RatingScale]) -> Rating | None:
    """A satisfaction rating: ``ratings.default_question`` is the CSAT answer (other keys are
    extra survey questions); ``None`` when only those were answered.
    """
    code = (item.get("ratings") or {}).get("default_question")
    if code is None:
        return None
    scale = rating_scale(code, item.get("survey_id"), scales)
    positive, score = normalize(scale, code)
    created_at = utc_from_iso(item["created_at"])
    updated_at = utc_from_iso(item.get("updated_at")) or created_at
    return Rating(
        source=SOURCE,
        instance=instance,
        id=str(item["id"]),
        ticket_id=optional_id(item.get("ticket_id")),
        state=RatingState.RECEIVED,
        scale=scale,
        offered_at=created_at,
        rated_at=updated_at,
        score_raw=str(int(code)),
        positive=positive,
        score=score,
        comment=item.get("feedback") or None,
        agent_id=optional_id(item.get("agent_id")),
        team_id=optional_id(item.get("group_id")),
        updated_at=updated_at,
    )


def agent_record(agent: Mapping[str, Any], *, instance: str) -> Agent:
    contact = agent.get("contact") or {}
    return Agent(
        source=SOURCE,
        instance=instance,
        id=str(agent["id"]),
        name=str(contact.get("name") or contact.get("email") or agent["id"]),
        email=contact.get("email") or None,
        active=bool(contact.get("active", True)) and not agent.get("deactivated"),
        role=agent.get("type"),
    )


def group_records(group: Mapping[str, Any], *, instance: str) -> list[Team | Membership]:
    """A group as a team, and a membership for each agent it lists."""
    team_id = str(group["id"])
    records: list[Team | Membership] = [Team(SOURCE, instance, team_id, str(group.get("name") or team_id))]
    records += [Membership(SOURCE, instance, str(agent), team_id) for agent in group.get("agent_ids") or ()]
    return records
