"""Reading the small attached sets (reviews, reviewed tickets) of a span from the store.

Small next to tickets (a review covers a sample of conversations), so they are read as rows
joined to their ticket, not through the block cache. Rows of excluded tickets (deleted, merged,
spam) and of tickets not in the store are left out. Agent replies, several a ticket (millions in
a large store), come through the block cache like tickets (:mod:`kpis.columnar`, kind ``replies``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
from sqlalchemy import BigInteger, Text, and_, cast, null, select, type_coerce
from sqlalchemy.engine import Connection

from kpis.breakdown import tag_keys
from kpis.channels import channel_code
from kpis.compute.quality import QA_CATEGORIES, SCORE
from kpis.dataset import PRIORITIES, REVIEWED_TICKETS, REVIEWS, AttachedColumns
from kpis.directory import Directory, scoped_id
from kpis.store.schema import reviews, tickets
from kpis.tag_table import RowTags

_PRIORITY = {name: code for code, name in enumerate(PRIORITIES)}


def load_attached(connection: Connection, start: int, end: int, directory: Directory, *,
                  tags: bool = True) -> dict[str, AttachedColumns]:
    """Reviews and reviewed tickets for ``[start, end)`` (epoch seconds); their teams and agents join
    ``directory``. ``tags=False``: no row has tags (as for the tickets: every scope but ``tag``)."""
    t, r = tickets.c, reviews.c
    live = and_(~t.is_deleted, ~t.is_merged, ~t.is_spam)
    ticket_of = and_(t.source == r.source, t.instance == r.instance, t.id == r.ticket_id)
    # Raw epoch seconds and the tags' JSON text: decoded once per distinct value below, not per row.
    facets = (t.source, t.instance, t.channel, t.priority, cast(t.tags, Text) if tags else null())
    # The categories the KPIs read, taken out of the JSON by the database (no document decoded per row).
    categories = [r.categories[category].as_float() for category in QA_CATEGORIES]
    review_rows = connection.execute(
        select(_epoch(r.reviewed_at), r.agent_id, r.team_id, *facets, r.score, r.scale_min, r.scale_max, *categories)
        .join(tickets, ticket_of).where(live, r.reviewed_at >= start, r.reviewed_at < end)
        .order_by(r.reviewed_at, r.source, r.instance, r.id)
    ).all()
    # The reviewed tickets' keys first, each ticket then looked up: reviews are few next to the tickets
    # solved in a span, each of which a semi-join (EXISTS) would look up in the reviews instead.
    keys = select(r.source, r.instance, r.ticket_id).distinct().subquery("reviewed_keys")
    reviewed_rows = connection.execute(
        select(_epoch(t.solved_at), t.assignee_id, t.group_id, *facets)
        .select_from(keys.join(tickets, and_(t.source == keys.c.source, t.instance == keys.c.instance,
                                             t.id == keys.c.ticket_id)))
        .where(live, t.solved_at >= start, t.solved_at < end)
        .order_by(t.solved_at, t.source, t.instance, t.id)
    ).all()
    attached = {REVIEWS: _columns(review_rows, directory), REVIEWED_TICKETS: _columns(reviewed_rows, directory)}
    attached[REVIEWS].values.update(_review_scores(review_rows))
    return attached


def _epoch(column):  # noqa: ANN001, ANN202
    return type_coerce(column, BigInteger)


def _columns(rows: Sequence, directory: Directory) -> AttachedColumns:
    """Rows of (time, agent id, team id, source, instance, channel, priority, tags JSON, ...) as
    columns; each distinct key, channel and tag list is looked up once (a memo, as the packer does)."""
    memo: dict[tuple, object] = {}

    def once(key: tuple, make):  # noqa: ANN001, ANN202
        found = memo.get(key)
        return found if found is not None or key in memo else memo.setdefault(key, make())

    def code(register, kind: str, source: str, instance: str, vendor_id: str | None) -> int:  # noqa: ANN001
        return once((kind, source, instance, vendor_id),
                    lambda: register(None if vendor_id is None else scoped_id(source, instance, vendor_id)))

    return AttachedColumns(
        time=np.array([row[0] for row in rows], dtype=np.int64),
        team=np.array([code(directory.team_code, "team", row[3], row[4], row[2]) for row in rows], dtype=np.int32),
        agent=np.array([code(directory.agent_code, "agent", row[3], row[4], row[1]) for row in rows], dtype=np.int32),
        channel=np.array([once(("channel", row[3], row[5]), lambda: channel_code(row[3], row[5])) for row in rows],
                         dtype=np.int8),
        priority=np.array([_PRIORITY.get(row[6], -1) for row in rows], dtype=np.int8),
        tags=RowTags.of(once(("tags", row[7]), lambda: tag_keys(json.loads(row[7]) if row[7] else ())) for row in rows),
    )


def _review_scores(rows: Sequence) -> dict[str, np.ndarray]:
    """Each review's overall and category scores on 0..100 (NaN: category not scored)."""
    def scaled(value: float | None, low: float, high: float) -> float:
        return np.nan if value is None else (value - low) / (high - low) * 100.0

    scores = {SCORE: np.array([scaled(row[8], row[9], row[10]) for row in rows], dtype=np.float64)}
    for k, category in enumerate(QA_CATEGORIES):
        scores[f"qa_{category}"] = np.array([scaled(row[11 + k], row[9], row[10]) for row in rows], dtype=np.float64)
    return scores
