"""Reading the attached sets (reviews, reviewed tickets, agent replies) of a span from the store.

Small next to tickets (a review covers a sample of conversations; a reply is a few rows a ticket),
so they are read as rows joined to their ticket, not through the block cache. Rows of excluded
tickets (deleted, merged, spam) and of tickets not in the store are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from kpis.breakdown import tag_keys
from kpis.channels import channel_code
from kpis.compute.quality import QA_CATEGORIES, SCORE
from kpis.dataset import PRIORITIES, REPLIES, REVIEWED_TICKETS, REVIEWS, AttachedColumns
from kpis.directory import Directory, scoped_id
from kpis.store.schema import agent_replies, reviews, tickets

_PRIORITY = {name: code for code, name in enumerate(PRIORITIES)}


def load_attached(connection: Connection, start: int, end: int, directory: Directory) -> dict[str, AttachedColumns]:
    """The three sets for ``[start, end)`` (epoch seconds); their teams and agents join ``directory``."""
    t, r, a = tickets.c, reviews.c, agent_replies.c
    live = and_(~t.is_deleted, ~t.is_merged, ~t.is_spam)
    ticket_of = and_(t.source == r.source, t.instance == r.instance, t.id == r.ticket_id)
    facets = (t.source, t.instance, t.channel, t.priority, t.tags)
    review_rows = connection.execute(
        select(r.reviewed_at, r.agent_id, r.team_id, *facets, r.score, r.scale_min, r.scale_max, r.categories)
        .join(tickets, ticket_of).where(live, r.reviewed_at >= start, r.reviewed_at < end)
        .order_by(r.reviewed_at, r.source, r.instance, r.id)
    ).all()
    reviewed_rows = connection.execute(
        select(t.solved_at, t.assignee_id, t.group_id, *facets)
        .where(live, t.solved_at >= start, t.solved_at < end,
               select(r.id).where(ticket_of).exists())
        .order_by(t.solved_at, t.source, t.instance, t.id)
    ).all()
    reply_rows = connection.execute(
        select(a.replied_at, a.agent_id, t.group_id, *facets)
        .join(tickets, and_(t.source == a.source, t.instance == a.instance, t.id == a.ticket_id))
        .where(live, a.replied_at >= start, a.replied_at < end)
        .order_by(a.replied_at, a.source, a.instance, a.id)
    ).all()
    attached = {REVIEWS: _columns(review_rows, directory), REVIEWED_TICKETS: _columns(reviewed_rows, directory),
                REPLIES: _columns(reply_rows, directory)}
    attached[REVIEWS].values.update(_review_scores(review_rows))
    return attached


def _columns(rows: Sequence, directory: Directory) -> AttachedColumns:
    """Rows of (time, agent id, team id, source, instance, channel, priority, tags, ...) as columns."""
    def code(register, source: str, instance: str, vendor_id: str | None) -> int:  # noqa: ANN001
        return register(None if vendor_id is None else scoped_id(source, instance, vendor_id))

    return AttachedColumns(
        time=np.array([int(row[0].timestamp()) for row in rows], dtype=np.int64),
        team=np.array([code(directory.team_code, row[3], row[4], row[2]) for row in rows], dtype=np.int32),
        agent=np.array([code(directory.agent_code, row[3], row[4], row[1]) for row in rows], dtype=np.int32),
        channel=np.array([channel_code(row[3], row[5]) for row in rows], dtype=np.int8),
        priority=np.array([_PRIORITY.get(row[6], -1) for row in rows], dtype=np.int8),
        tags=[tag_keys(row[7] or ()) for row in rows],
    )


def _review_scores(rows: Sequence) -> dict[str, np.ndarray]:
    """Each review's overall and category scores on 0..100 (NaN: category not scored)."""
    def scaled(value: float | None, low: float, high: float) -> float:
        return np.nan if value is None else (value - low) / (high - low) * 100.0

    scores = {SCORE: np.array([scaled(row[8], row[9], row[10]) for row in rows], dtype=np.float64)}
    for category in QA_CATEGORIES:
        scores[f"qa_{category}"] = np.array([scaled((row[11] or {}).get(category), row[9], row[10]) for row in rows],
                                            dtype=np.float64)
    return scores
