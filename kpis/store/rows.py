"""Mapping between record types and table rows (one place, both directions)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from sqlalchemy import Table

from kpis.imported_records import Account, RetentionSpend, Review, SurveyAnswer
from kpis.records import (
    Agent,
    AgentReply,
    Membership,
    Priority,
    Rating,
    RatingScale,
    RatingState,
    SlaEvent,
    SurveyKind,
    Team,
    Ticket,
    TicketStatus,
)
from kpis.store import schema

TABLE_OF: dict[type, Table] = {
    Team: schema.teams,
    Agent: schema.agents,
    Membership: schema.memberships,
    Ticket: schema.tickets,
    Rating: schema.ratings,
    SurveyAnswer: schema.survey_answers,
    Account: schema.accounts,
    RetentionSpend: schema.retention_spend,
    Review: schema.reviews,
    AgentReply: schema.agent_replies,
    SlaEvent: schema.sla_events,
}

_ENUMS: dict[type, dict[str, type]] = {
    Ticket: {"status": TicketStatus, "priority": Priority},
    Rating: {"state": RatingState, "scale": RatingScale},
    SurveyAnswer: {"kind": SurveyKind},
}


def record_to_row(record: Any) -> dict[str, Any]:
    row = {f.name: getattr(record, f.name) for f in fields(record)}
    if isinstance(record, Membership):
        row["id"] = record.id
    for name in _ENUMS.get(type(record), {}):
        if row[name] is not None:
            row[name] = row[name].value
    if isinstance(record, Ticket):
        row["tags"] = list(record.tags)
    if isinstance(record, Review):
        row["categories"] = dict(record.categories)
    return row


def row_to_record(kind: type, row: Mapping[str, Any]) -> Any:
    values = {f.name: row[f.name] for f in fields(kind)}
    for name, enum_type in _ENUMS.get(kind, {}).items():
        if values[name] is not None:
            values[name] = enum_type(values[name])
    if kind is Ticket:
        values["tags"] = tuple(values["tags"] or ())
    if kind is Review:
        values["categories"] = values["categories"] or {}
    return kind(**values)
