"""Records of the store's tables packed into block arrays: the one place rows become KPI columns.

Each kind has one SELECT (its KPI columns, timestamps as raw epoch seconds, and for ratings and
survey answers the ticket they attribute to and are excluded with) and one packer. Rows come in
a fixed order (time, then key) so that the same records always pack into the same bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Integer, and_, or_, select, type_coerce
from sqlalchemy.sql import ColumnElement, Select

from kpis.columnar.keys import AGENT, TEAM, KeyCodes
from kpis.columnar.layout import NO_TIME, RATING, SURVEY, TICKET, TIMES
from kpis.dataset import PRIORITIES, is_easy
from kpis.records import RatingState, SurveyKind
from kpis.store.schema import ratings, survey_answers, tickets

_PRIORITY = {name: code for code, name in enumerate(PRIORITIES)}
_RECEIVED, _UNOFFERED = RatingState.RECEIVED.value, RatingState.UNOFFERED.value
_NAN = math.nan


@dataclass
class Packed:
    """Rows of one kind as a structured array; ``details``: texts of low-rated candidates (ratings)."""

    array: np.ndarray
    details: list[dict[str, Any]] = field(default_factory=list)


def _epoch(column):  # noqa: ANN001, ANN202 - raw epoch seconds: no datetime per row
    return type_coerce(column, BigInteger)


def _flag(column):  # noqa: ANN001, ANN202 - 0/1 or bool as the driver gives it, no per-value conversion
    return type_coerce(column, Integer)


def _floats(values: tuple) -> list[float]:
    return [_NAN if v is None else v for v in values]


def _times(values: tuple) -> list[int]:
    return [NO_TIME if v is None else v for v in values]


# -- tickets ---------------------------------------------------------------------------------------

_t = tickets.c
_TICKET_COLUMNS = (
    _t.source, _t.instance, _epoch(_t.created_at), _epoch(_t.solved_at), _t.group_id, _t.assignee_id, _t.priority,
    _flag(_t.is_deleted), _flag(_t.is_merged), _flag(_t.is_spam), _t.replies, _t.reopens,
    _t.first_reply_minutes, _t.first_reply_minutes_business, _t.first_resolution_minutes,
    _t.first_resolution_minutes_business, _t.full_resolution_minutes, _t.full_resolution_minutes_business, _t.id,
)


def ticket_rows(where: ColumnElement, *, ordered: bool = True) -> Select:
    """``ordered=False``: leave the planner free to pick a partial index (an ORDER BY created_at
    makes SQLite walk ix_tickets_created_at instead); sort with :func:`in_ticket_order` then."""
    query = select(*_TICKET_COLUMNS).where(where)
    return query.order_by(_t.created_at, _t.source, _t.instance, _t.id) if ordered else query


def in_ticket_order(rows: list) -> list:
    return sorted(rows, key=lambda row: (row[2], row[0], row[1], row[-1]))


def pack_tickets(rows: list, codes: KeyCodes) -> Packed:
    a = np.zeros(len(rows), TICKET)
    if rows:
        (source, instance, created, solved, group, assignee, priority, deleted, merged, spam,
         replies, reopens, *times, _ids) = zip(*rows)
        a["created"] = created
        a["solved"] = _times(solved)
        a["team"] = [codes.scoped(TEAM, s, i, v) for s, i, v in zip(source, instance, group)]
        a["agent"] = [codes.scoped(AGENT, s, i, v) for s, i, v in zip(source, instance, assignee)]
        a["priority"] = [_PRIORITY.get(p, -1) for p in priority]
        a["excluded"] = [bool(d or m or s) for d, m, s in zip(deleted, merged, spam)]
        a["replies"] = _floats(replies)
        a["reopens"] = _floats(reopens)
        for name, values in zip(TIMES, times):
            a[name] = _floats(values)
    return Packed(a)


# -- ratings ---------------------------------------------------------------------------------------

_r = ratings.c
_RATED_TICKET = ratings.outerjoin(tickets, and_(_t.source == _r.source, _t.instance == _r.instance,
                                                _t.id == _r.ticket_id))
_RATING_COLUMNS = (
    _r.source, _r.instance, _r.id, _r.ticket_id, _r.state, _epoch(_r.offered_at), _epoch(_r.rated_at),
    _flag(_r.positive), _r.score, _r.score_raw, _r.comment, _r.reason, _r.agent_id, _r.team_id,
    _t.assignee_id, _t.group_id, _t.url, _t.subject, _flag(_t.is_deleted), _flag(_t.is_merged), _flag(_t.is_spam),
)


def rating_rows(where: ColumnElement) -> Select:
    return (select(*_RATING_COLUMNS).select_from(_RATED_TICKET).where(where)
            .order_by(_r.offered_at, _r.source, _r.instance, _r.id))


def pack_ratings(rows: list, codes: KeyCodes) -> Packed:
    a = np.zeros(len(rows), RATING)
    details: list[dict[str, Any]] = []
    if not rows:
        return Packed(a, details)
    detail = np.full(len(rows), -1, dtype=np.int32)
    team, agent = [], []
    for index, row in enumerate(rows):
        (source, instance, rating_id, ticket_id, state, _offered, _rated, _positive, score, score_raw, comment,
         reason, agent_id, team_id, assignee_id, group_id, url, subject, *_flags) = row
        # Attribution: the agent and team on the rating at rating time, else the ticket's current ones.
        team.append(codes.scoped(TEAM, source, instance, team_id if team_id is not None else group_id))
        agent.append(codes.scoped(AGENT, source, instance, agent_id if agent_id is not None else assignee_id))
        if state == _RECEIVED and score is not None and score < 0.5:  # a low-rated candidate
            detail[index] = len(details)
            details.append({"rating_id": f"{source}:{instance}:{rating_id}", "ticket_id": ticket_id,
                            "ticket_url": url, "subject": subject, "score_raw": score_raw, "comment": comment,
                            "reason": reason})
    columns = list(zip(*rows))
    state, offered, rated, positive, score = columns[4:9]
    deleted, merged, spam = columns[-3:]
    a["offered"] = offered
    a["rated"] = _times(rated)
    a["received"] = [s == _RECEIVED for s in state]
    a["is_offer"] = [s != _UNOFFERED for s in state]
    a["positive"] = [bool(p) for p in positive]
    a["score"] = _floats(score)
    a["team"] = team
    a["agent"] = agent
    a["excluded"] = [bool(d or m or s) for d, m, s in zip(deleted, merged, spam)]
    a["detail"] = detail
    return Packed(a, details)


# -- survey answers --------------------------------------------------------------------------------

_s = survey_answers.c
_ANSWERED_TICKET = survey_answers.outerjoin(tickets, and_(_t.source == _s.source, _t.instance == _s.instance,
                                                          _t.id == _s.ticket_id))
_SURVEY_COLUMNS = (
    _s.source, _s.instance, _s.kind, _epoch(_s.answered_at), _s.value, _s.scale_min, _s.scale_max,
    _flag(_s.higher_is_better), _s.agent_id, _s.team_id, _t.assignee_id, _t.group_id,
)
# Answers about deleted, merged or spam tickets are excluded like the tickets themselves.
_LIVE_TICKET = or_(_t.id.is_(None), and_(~_t.is_deleted, ~_t.is_merged, ~_t.is_spam))


def survey_rows(where: ColumnElement) -> Select:
    return (select(*_SURVEY_COLUMNS).select_from(_ANSWERED_TICKET).where(where, _LIVE_TICKET)
            .order_by(_s.answered_at, _s.source, _s.instance, _s.id))


def pack_surveys(rows: list, codes: KeyCodes) -> Packed:
    a = np.zeros(len(rows), SURVEY)
    if rows:
        (source, instance, kind, answered, value, low, high, better, agent_id, team_id, assignee_id,
         group_id) = zip(*rows)
        a["kind"] = [0 if k == SurveyKind.NPS.value else 1 for k in kind]
        a["answered"] = answered
        a["value"] = value
        a["easy"] = [is_easy(v, lo, hi, bool(b)) for v, lo, hi, b in zip(value, low, high, better)]
        a["team"] = [codes.scoped(TEAM, s, i, t if t is not None else g)
                     for s, i, t, g in zip(source, instance, team_id, group_id)]
        a["agent"] = [codes.scoped(AGENT, s, i, v if v is not None else g)
                      for s, i, v, g in zip(source, instance, agent_id, assignee_id)]
    return Packed(a)
