"""Records of the store's tables packed into block arrays: the one place rows become KPI columns.

Each kind has one SELECT and one packer. The SELECT does the per-value work the database does
fastest (exclusion flags, priority codes, "never" for a missing time, attribution to the rating's
own agent or else the ticket's), so that packing is a whole-column numpy conversion plus one
dictionary lookup per key. Rows come in a fixed order (time, then record key) so that
the same records always pack into the same bytes. (Keys are joined in Python, through a memo:
concatenating them in SQL costs more per row than a dictionary lookup.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Integer, and_, case, func, literal, or_, select, type_coerce
from sqlalchemy.sql import ColumnElement, Select

from kpis.breakdown import tag_keys
from kpis.channels import channel_code
from kpis.columnar.keys import AGENT, TAG, TEAM, KeyCodes
from kpis.columnar.layout import NO_TIME, RATING, REPLY, REVIEW, REVIEWED, SURVEY, TICKET
from kpis.compute.quality import QA_CATEGORIES
from kpis.dataset import PRIORITIES
from kpis.records import RatingState, SurveyKind
from kpis.store.schema import agent_replies, kpi_keys, ratings, reviews, survey_answers, tickets
from kpis.ticket_measures import TICKET_MEASURES


@dataclass
class Packed:
    """Rows of one kind as a structured array; ``details``: texts of low-rated candidates (ratings);
    ``tagsets``: the distinct tag sets the ``tagset`` column indexes, each as its tags' codes (key
    dictionary, kind ``tag``)."""

    array: np.ndarray
    details: list[dict[str, Any]] = field(default_factory=list)
    tagsets: list[tuple[int, ...]] = field(default_factory=list)


def _epoch(column, never: bool = False):  # noqa: ANN001, ANN202 - raw epoch seconds: no datetime per row
    seconds = type_coerce(column, BigInteger)
    return func.coalesce(seconds, literal(NO_TIME, BigInteger)) if never else seconds


def _flag(condition):  # noqa: ANN001, ANN202 - 0/1 (or a bool) as the driver gives it, no per-value conversion
    return type_coerce(condition, Integer)


def _priority_code(column):  # noqa: ANN001, ANN202
    return case({name: code for code, name in enumerate(PRIORITIES)}, value=column, else_=-1)


_TAG_LENGTH = kpi_keys.c.key.type.length


def _pack_facets(a: np.ndarray, sources: tuple, channels: tuple, tags: tuple, codes: KeyCodes) -> list[tuple[int, ...]]:
    """Fill ``channel`` and ``tagset`` (a lookup per distinct value, not per row); return the tag sets."""
    memo: dict[tuple, int] = {}
    channel = np.empty(len(a), dtype=np.int8)
    for row, key in enumerate(zip(sources, channels)):
        code = memo.get(key)
        channel[row] = code if code is not None else memo.setdefault(key, channel_code(*key))
    a["channel"] = channel
    index: dict[tuple[str, ...], int] = {}
    column = np.full(len(a), -1, dtype=np.int32)
    for row, row_tags in enumerate(tags):
        if row_tags:
            keys = tag_keys(row_tags)
            if keys:
                column[row] = index.setdefault(keys, len(index))
    a["tagset"] = column
    # A tag longer than a key may be is cut to fit (PostgreSQL would refuse it; none is that long in practice).
    return [tuple(codes.code(TAG, tag[:_TAG_LENGTH]) for tag in keys) for keys in index]


def tag_set_arrays(tagsets: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """Tag sets (tuples of codes) as the blocks keep them: each set's size, and the codes one set
    after another."""
    return (np.array([len(tags) for tags in tagsets], dtype=np.int64),
            np.array([code for tags in tagsets for code in tags], dtype=np.int32))


# -- tickets ---------------------------------------------------------------------------------------

_t = tickets.c
_EXCLUDED = or_(_t.is_deleted, _t.is_merged, _t.is_spam, _t.is_outbound)
_TICKET_COLUMNS = (
    _epoch(_t.created_at), _epoch(_t.solved_at, never=True), _t.source, _t.instance, _t.group_id, _t.assignee_id,
    _priority_code(_t.priority), _flag(_EXCLUDED), _t.channel, _t.tags, *(_t[m.record] for m in TICKET_MEASURES),
)
_TICKET_ORDER = (_t.created_at, _t.source, _t.instance, _t.id)


def ticket_rows(where: ColumnElement, *, ordered: bool = True) -> Select:
    """``ordered=False``: leave the planner free to pick a partial index (an ORDER BY created_at
    makes SQLite walk ix_tickets_created_at instead); the rows then carry their order key, for
    :func:`in_ticket_order`."""
    if ordered:
        return select(*_TICKET_COLUMNS).where(where).order_by(*_TICKET_ORDER)
    return select(*_TICKET_COLUMNS, _t.source, _t.instance, _t.id).where(where)


def in_ticket_order(rows: list) -> list:
    return [row[: len(_TICKET_COLUMNS)] for row in sorted(rows, key=lambda row: (row[0], *row[len(_TICKET_COLUMNS):]))]


def pack_tickets(rows: list, codes: KeyCodes) -> Packed:
    a = np.zeros(len(rows), TICKET)
    if rows:
        created, solved, source, instance, team, agent, priority, excluded, channel, tags, *measured = zip(*rows)
        a["created"] = created
        a["solved"] = solved
        a["team"] = codes.codes(TEAM, source, instance, team)
        a["agent"] = codes.codes(AGENT, source, instance, agent)
        a["priority"] = priority
        a["excluded"] = excluded
        tagsets = _pack_facets(a, source, channel, tags, codes)
        # None (not measured) becomes NaN in a float conversion.
        for measure, values in zip(TICKET_MEASURES, measured):
            a[measure.name] = np.array(values, dtype=np.float64)
        return Packed(a, tagsets=tagsets)
    return Packed(a)


# -- ratings ---------------------------------------------------------------------------------------

_r = ratings.c
_RATED_TICKET = ratings.outerjoin(tickets, and_(_t.source == _r.source, _t.instance == _r.instance,
                                                _t.id == _r.ticket_id))
_RECEIVED = _r.state == RatingState.RECEIVED.value
# A received rating below the middle of its scale may be listed as low-rated: only its texts are read.
_CANDIDATE = and_(_RECEIVED, _r.score < 0.5)
_TEXTS = (_r.id, _r.ticket_id, _t.url, _t.subject, _r.score_raw, _r.comment, _r.reason)
_RATING_COLUMNS = (
    _epoch(_r.offered_at), _epoch(_r.rated_at, never=True), _flag(_RECEIVED),
    _flag(_r.state != RatingState.UNOFFERED.value), _flag(func.coalesce(_r.positive, False)), _r.score,
    # Attribution: the agent and team on the rating at rating time, else the ticket's current ones.
    func.coalesce(_r.team_id, _t.group_id), func.coalesce(_r.agent_id, _t.assignee_id),
    _flag(func.coalesce(_EXCLUDED, False)), _r.source, _r.instance,
    # The breakdowns: a rating counts for its ticket's channel, priority and tags.
    _t.channel, _priority_code(_t.priority), _t.tags,
    *(case((_CANDIDATE, column)) for column in _TEXTS),
)


def rating_rows(where: ColumnElement) -> Select:
    return (select(*_RATING_COLUMNS).select_from(_RATED_TICKET).where(where)
            .order_by(_r.offered_at, _r.source, _r.instance, _r.id))


def pack_ratings(rows: list, codes: KeyCodes) -> Packed:
    a = np.zeros(len(rows), RATING)
    details: list[dict[str, Any]] = []
    if not rows:
        return Packed(a, details)
    (offered, rated, received, is_offer, positive, score, team, agent, excluded, source, instance,
     channel, priority, tags, rating_id, ticket_id, url, subject, score_raw, comment, reason) = zip(*rows)
    a["offered"], a["rated"], a["received"], a["is_offer"], a["positive"] = offered, rated, received, is_offer, positive
    a["score"] = np.array(score, dtype=np.float64)
    a["team"] = codes.codes(TEAM, source, instance, team)
    a["agent"] = codes.codes(AGENT, source, instance, agent)
    a["excluded"] = excluded
    a["priority"] = priority
    tagsets = _pack_facets(a, source, channel, tags, codes)
    detail = np.full(len(rows), -1, dtype=np.int32)
    for row in np.flatnonzero(a["received"] & (a["score"] < 0.5)).tolist():
        detail[row] = len(details)
        details.append({"rating_id": f"{source[row]}:{instance[row]}:{rating_id[row]}", "ticket_id": ticket_id[row],
                        "ticket_url": url[row], "subject": subject[row], "score_raw": score_raw[row],
                        "comment": comment[row], "reason": reason[row]})
    a["detail"] = detail
    return Packed(a, details, tagsets)


# -- survey answers --------------------------------------------------------------------------------

_s = survey_answers.c
_ANSWERED_TICKET = survey_answers.outerjoin(tickets, and_(_t.source == _s.source, _t.instance == _s.instance,
                                                          _t.id == _s.ticket_id))
# CES "easy": the top two points of the scale once oriented so that higher means easier.
_EASY = case((_s.higher_is_better, _s.value >= _s.scale_max - 1), else_=_s.value <= _s.scale_min + 1)
_SURVEY_COLUMNS = (
    case((_s.kind == SurveyKind.NPS.value, 0), else_=1), _epoch(_s.answered_at), _s.value, _flag(_EASY),
    _s.source, _s.instance, func.coalesce(_s.team_id, _t.group_id), func.coalesce(_s.agent_id, _t.assignee_id),
    _t.channel, _priority_code(_t.priority), _t.tags,
)
# Answers about deleted, merged, spam or unanswered outbound tickets are excluded like the tickets.
_LIVE_TICKET = or_(_t.id.is_(None), and_(~_t.is_deleted, ~_t.is_merged, ~_t.is_spam, ~_t.is_outbound))


def survey_rows(where: ColumnElement) -> Select:
    return (select(*_SURVEY_COLUMNS).select_from(_ANSWERED_TICKET).where(where, _LIVE_TICKET)
            .order_by(_s.answered_at, _s.source, _s.instance, _s.id))


def pack_surveys(rows: list, codes: KeyCodes) -> Packed:
    a = np.zeros(len(rows), SURVEY)
    if rows:
        kind, answered, value, easy, source, instance, team, agent, channel, priority, tags = zip(*rows)
        a["kind"], a["answered"], a["value"], a["easy"] = kind, answered, value, easy
        a["team"] = codes.codes(TEAM, source, instance, team)
        a["agent"] = codes.codes(AGENT, source, instance, agent)
        a["priority"] = priority
        return Packed(a, tagsets=_pack_facets(a, source, channel, tags, codes))
    return Packed(a)


# -- agent replies ---------------------------------------------------------------------------------

_a = agent_replies.c
_REPLIED_TICKET = agent_replies.join(tickets, and_(_t.source == _a.source, _t.instance == _a.instance,
                                                   _t.id == _a.ticket_id))
_REPLY_COLUMNS = (_epoch(_a.replied_at), _a.source, _a.instance, _t.group_id, _a.agent_id, _priority_code(_t.priority),
                  _t.channel, _t.tags)


def reply_rows(where: ColumnElement) -> Select:
    """Replies to live tickets (not deleted, merged or spam; a reply to a ticket not in the store
    counts for no one), with their ticket's team and facets."""
    return (select(*_REPLY_COLUMNS).select_from(_REPLIED_TICKET).where(where, _LIVE)
            .order_by(_a.replied_at, _a.source, _a.instance, _a.id))


def pack_replies(rows: list, codes: KeyCodes) -> Packed:
    return _pack_attached(rows, codes, REPLY)


def _pack_attached(rows: list, codes: KeyCodes, dtype: np.dtype) -> Packed:
    """Rows of (time, source, instance, team, agent, priority code, channel, tags, values...): the
    ``values`` fill the dtype's fields after ``tagset``, in order (None: NaN)."""
    a = np.zeros(len(rows), dtype)
    if not rows:
        return Packed(a)
    when, source, instance, team, agent, priority, channel, tags, *values = zip(*rows)
    a[dtype.names[0]] = when
    a["team"] = codes.codes(TEAM, source, instance, team)
    a["agent"] = codes.codes(AGENT, source, instance, agent)
    a["priority"] = priority
    for name, column in zip(dtype.names[dtype.names.index("tagset") + 1 :], values, strict=True):
        a[name] = np.array(column, dtype=np.float64)
    return Packed(a, tagsets=_pack_facets(a, source, channel, tags, codes))


# -- reviews and reviewed tickets ------------------------------------------------------------------

_v = reviews.c
_LIVE = and_(~_t.is_deleted, ~_t.is_merged, ~_t.is_spam)
_REVIEWED_TICKET = reviews.join(tickets, and_(_t.source == _v.source, _t.instance == _v.instance,
                                              _t.id == _v.ticket_id))


def _scaled(value):  # noqa: ANN001, ANN202 - a score on the review's scale as 0..100 (NULL stays NULL)
    return (value - _v.scale_min) / (_v.scale_max - _v.scale_min) * 100.0


# The review's own team and agent (pinned at import, see kpis.store.review_agents); the categories
# taken out of the JSON by the database (no document decoded per row).
_REVIEW_COLUMNS = (_epoch(_v.reviewed_at), _v.source, _v.instance, _v.team_id, _v.agent_id, _priority_code(_t.priority),
                   _t.channel, _t.tags, _scaled(_v.score),
                   *(_scaled(_v.categories[category].as_float()) for category in QA_CATEGORIES))


def review_rows(where: ColumnElement) -> Select:
    return (select(*_REVIEW_COLUMNS).select_from(_REVIEWED_TICKET).where(where, _LIVE)
            .order_by(_v.reviewed_at, _v.source, _v.instance, _v.id))


def pack_reviews(rows: list, codes: KeyCodes) -> Packed:
    return _pack_attached(rows, codes, REVIEW)


_REVIEWED_COLUMNS = (_epoch(_t.solved_at), _t.source, _t.instance, _t.group_id, _t.assignee_id,
                     _priority_code(_t.priority), _t.channel, _t.tags)


def reviewed_rows(where: ColumnElement) -> Select:
    """Live tickets with a review of any date (``where``: on their solve time)."""
    has_review = select(_v.id).where(_v.source == _t.source, _v.instance == _t.instance, _v.ticket_id == _t.id)
    return (select(*_REVIEWED_COLUMNS).where(where, _LIVE, has_review.exists())
            .order_by(_t.solved_at, _t.source, _t.instance, _t.id))


def pack_reviewed(rows: list, codes: KeyCodes) -> Packed:
    return _pack_attached(rows, codes, REVIEWED)
