"""Zendesk payloads to records: tickets with their metric sets, legacy ratings, new CSAT survey
responses, agents, groups and group memberships.

Every field Zendesk may leave out is treated as optional (metric sets omit keys for events that
have not happened yet, ratings may have no assignee). Timestamps are whole UTC seconds, as the
store keeps them. Shapes:
https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/
https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metrics/
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from kpis.records import (
    Agent,
    Membership,
    Priority,
    Rating,
    RatingScale,
    RatingState,
    SlaEvent,
    Team,
    Ticket,
    TicketStatus,
)
from kpis.scales import normalize

SOURCE = "zendesk"

_STATUS = {status.value: status for status in TicketStatus}
_PRIORITY = {priority.value: priority for priority in Priority}
_RATING_STATES = {"offered": RatingState.OFFERED, "unoffered": RatingState.UNOFFERED}

#: Zendesk tags a ticket closed by merging it into another with this tag.
# https://support.zendesk.com/hc/en-us/articles/4408882445594-Merging-tickets
MERGED_TAG = "closed_by_merge"
#: A permanently deleted ticket stays in the export, scrubbed: subject "SCRUBBED", status deleted.
# https://developer.zendesk.com/documentation/ticketing/managing-tickets/using-the-incremental-export-api/#excluding-deleted-tickets
SCRUBBED_SUBJECT = "SCRUBBED"


def parse_time(value: Any) -> datetime | None:
    """``2024-08-14T12:00:00Z`` (or with milliseconds) to an aware UTC datetime, whole seconds."""
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).replace(microsecond=0)


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _minutes(metric_set: Mapping[str, Any], key: str, kind: str) -> float | None:
    value = (metric_set.get(key) or {}).get(kind)
    return None if value is None else float(value)


def _count(metric_set: Mapping[str, Any], key: str) -> int | None:
    value = metric_set.get(key)
    return None if value is None else int(value)


def metric_sets_by_ticket(page: Mapping[str, Any]) -> dict[Any, Mapping[str, Any]]:
    """The ``include=metric_sets`` sideload of an export page, keyed by ticket id.

    The sideload arrives as a top-level ``metric_sets`` list (each with its ``ticket_id``); some
    responses also nest a ``metric_set`` in each ticket. Both are read.
    """
    by_ticket: dict[Any, Mapping[str, Any]] = {}
    for metric_set in page.get("metric_sets") or ():
        by_ticket[metric_set.get("ticket_id")] = metric_set
    for ticket in page.get("tickets") or ():
        if ticket.get("metric_set"):
            by_ticket.setdefault(ticket.get("id"), ticket["metric_set"])
    return by_ticket


def ticket_record(
    ticket: Mapping[str, Any], metric_set: Mapping[str, Any] | None, *, instance: str, base_url: str
) -> Ticket:
    metrics = metric_set or {}
    status_raw = str(ticket.get("status") or "new")
    status = _STATUS.get(status_raw, TicketStatus.OPEN)
    tags = tuple(ticket.get("tags") or ())
    subject = ticket.get("subject")
    deleted = status is TicketStatus.DELETED or subject == SCRUBBED_SUBJECT
    solved = status in (TicketStatus.SOLVED, TicketStatus.CLOSED)
    created_at = parse_time(ticket.get("created_at"))
    return Ticket(
        source=SOURCE,
        instance=instance,
        id=str(ticket["id"]),
        created_at=created_at,
        updated_at=parse_time(ticket.get("updated_at")) or created_at,
        status=TicketStatus.DELETED if deleted else status,
        status_raw=status_raw,
        # A reopened ticket keeps its old solved_at in the metric set; it counts as unsolved.
        solved_at=parse_time(metrics.get("solved_at")) if solved else None,
        channel=(ticket.get("via") or {}).get("channel"),
        priority=_PRIORITY.get(ticket.get("priority") or ""),
        assignee_id=_id(ticket.get("assignee_id")),
        group_id=_id(ticket.get("group_id")),
        requester_id=_id(ticket.get("requester_id")),
        organization_id=_id(ticket.get("organization_id")),
        tags=tags,
        subject=subject,
        url=f"{base_url}/agent/tickets/{ticket['id']}",
        is_deleted=deleted,
        is_merged=MERGED_TAG in tags,
        first_reply_minutes=_minutes(metrics, "reply_time_in_minutes", "calendar"),
        first_reply_minutes_business=_minutes(metrics, "reply_time_in_minutes", "business"),
        first_resolution_minutes=_minutes(metrics, "first_resolution_time_in_minutes", "calendar"),
        first_resolution_minutes_business=_minutes(metrics, "first_resolution_time_in_minutes", "business"),
        full_resolution_minutes=_minutes(metrics, "full_resolution_time_in_minutes", "calendar"),
        full_resolution_minutes_business=_minutes(metrics, "full_resolution_time_in_minutes", "business"),
        replies=_count(metrics, "replies"),
        reopens=_count(metrics, "reopens"),
    )


def rating_record(rating: Mapping[str, Any], *, instance: str) -> Rating:
    """A legacy satisfaction rating (good / bad), with the assignee and group at rating time.

    https://developer.zendesk.com/api-reference/ticketing/ticket-management/satisfaction_ratings/
    """
    score_raw = str(rating.get("score") or "offered").lower()
    created_at = parse_time(rating.get("created_at"))
    updated_at = parse_time(rating.get("updated_at")) or created_at
    # "good_with_comment" and the like are filters, not scores; a received score is good or bad.
    received = score_raw in ("good", "bad")
    positive, score = normalize(RatingScale.GOOD_BAD, score_raw) if received else (None, None)
    return Rating(
        source=SOURCE,
        instance=instance,
        id=str(rating["id"]),
        ticket_id=_id(rating.get("ticket_id")),
        state=RatingState.RECEIVED if received else _RATING_STATES.get(score_raw, RatingState.OFFERED),
        scale=RatingScale.GOOD_BAD,
        offered_at=created_at,
        # The list gives no separate answer time; a received rating was given or last changed
        # at its last update.
        rated_at=updated_at if received else None,
        score_raw=score_raw,
        positive=positive,
        score=score,
        comment=rating.get("comment") or None,
        reason=rating.get("reason") or None,
        agent_id=_id(rating.get("assignee_id")),
        team_id=_id(rating.get("group_id")),
        updated_at=updated_at,
    )


def survey_ticket_id(response: Mapping[str, Any]) -> str | None:
    """The ticket a survey response is about (``subjects`` of type ticket, else a ``zen:ticket:`` zrn)."""
    for subject in response.get("subjects") or ():
        if subject.get("type") == "ticket" and subject.get("id") is not None:
            return str(subject["id"])
    for zrn in response.get("subject_zrns") or ():
        if str(zrn).startswith("zen:ticket:"):
            return str(zrn).rsplit(":", 1)[1]
    return None


def survey_created_at(response: Mapping[str, Any]) -> datetime | None:
    """When the response was created (its own field, else its earliest answer)."""
    own = parse_time(response.get("created_at"))
    if own is not None:
        return own
    times = [t for t in (parse_time(a.get("created_at")) for a in response.get("answers") or ()) if t]
    return min(times, default=None)


def survey_rating(response: Mapping[str, Any], *, instance: str) -> Rating | None:
    """A new CSAT survey response as a 1-5 rating; ``None`` when its CSAT question was not answered.

    The response names no agent or group: the rating is attributed through its ticket.
    https://developer.zendesk.com/api-reference/ticketing/ticket-management/csat_survey_responses/
    """
    answers = list(response.get("answers") or ())
    csat = next((a for a in answers if _is_csat(a) and a.get("rating") is not None), None)
    if csat is None:
        return None
    try:
        positive, score = normalize(RatingScale.ONE_TO_FIVE, csat["rating"])
    except ValueError:
        return None  # not on the 1-5 scale: not a CSAT score this project can read
    rated_at = parse_time(csat.get("updated_at")) or parse_time(csat.get("created_at"))
    offered_at = survey_created_at(response) or rated_at
    comment = next(
        (a.get("value") for a in answers if a.get("type") == "open_ended" and a.get("value")), None
    )
    updated = [t for t in (parse_time(a.get("updated_at")) for a in answers) if t]
    return Rating(
        source=SOURCE,
        instance=instance,
        id=str(response["id"]),
        ticket_id=survey_ticket_id(response),
        state=RatingState.RECEIVED,
        scale=RatingScale.ONE_TO_FIVE,
        offered_at=offered_at,
        rated_at=rated_at,
        score_raw=str(csat["rating"]),
        positive=positive,
        score=score,
        comment=comment,
        updated_at=max(updated, default=rated_at),
    )


def _is_csat(answer: Mapping[str, Any]) -> bool:
    question = answer.get("question") or {}
    return answer.get("type") == "rating_scale" and question.get("sub_type", "customer_satisfaction") == "customer_satisfaction"


#: Ticket metric events to the SLA policy metrics of kpis.sla_outcomes; ``reply_time`` instance 1 is
#: the first reply, later instances the next replies. Group SLAs (``apply_group_sla``,
#: ``group_ownership_time``) measure teams against each other, not the customer promise: not read.
# https://developer.zendesk.com/documentation/ticketing/reference-guides/ticket-metric-event-types-reference
_SLA_METRIC = {
    "requester_wait_time": "requester_wait", "agent_work_time": "agent_work", "periodic_update_time": "periodic_update",
    "pausable_update_time": "pausable_update", "resolution_time": "resolution",
}
#: The event types that decide a target's outcome (``measure`` and ``update_status`` do not).
_SLA_KINDS = frozenset({"apply_sla", "activate", "pause", "fulfill", "breach"})


def sla_event_record(event: Mapping[str, Any], *, instance: str) -> SlaEvent | None:
    """A ticket metric event that bears on an SLA target; ``None`` for the others.

    https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metric_events/
    """
    kind, metric, target = event.get("type"), event.get("metric"), int(event.get("instance_id") or 0)
    if kind not in _SLA_KINDS:
        return None
    name = ("first_reply" if target == 1 else "next_reply") if metric == "reply_time" else _SLA_METRIC.get(metric or "")
    if name is None or target < 1:
        return None
    sla = event.get("sla") or {}
    minutes = sla.get("target")
    if minutes is None and sla.get("target_in_seconds") is not None:
        minutes = sla["target_in_seconds"] / 60
    return SlaEvent(
        source=SOURCE,
        instance=instance,
        id=str(event["id"]),
        ticket_id=str(event["ticket_id"]),
        metric=name,
        target=target,
        kind=kind,
        at=parse_time(event.get("time")),
        target_minutes=None if minutes is None else float(minutes),
        business_hours=sla.get("business_hours"),
        policy_id=_id((sla.get("policy") or {}).get("id")),
        deleted=bool(event.get("deleted")),
    )


def agent_record(user: Mapping[str, Any], *, instance: str) -> Agent:
    return Agent(
        source=SOURCE,
        instance=instance,
        id=str(user["id"]),
        name=str(user.get("name") or user.get("email") or user["id"]),
        email=user.get("email") or None,
        active=bool(user.get("active", True)) and not user.get("suspended"),
        role=user.get("role"),
    )


def team_record(group: Mapping[str, Any], *, instance: str) -> Team:
    return Team(source=SOURCE, instance=instance, id=str(group["id"]), name=str(group.get("name") or group["id"]))


def membership_records(memberships: Iterable[Mapping[str, Any]], *, instance: str) -> list[Membership]:
    return [
        Membership(source=SOURCE, instance=instance, agent_id=str(m["user_id"]), team_id=str(m["group_id"]))
        for m in memberships
        if m.get("user_id") is not None and m.get("group_id") is not None
    ]
