"""The query for comment themes: received ratings with a comment in a span, with ticket, agent,
team and tags. (The KPI block cache keeps texts of low ratings only; themes read every comment.)

Attribution follows the KPIs: the agent and team on the rating at rating time, else the ticket's
current ones. Ratings on deleted, merged, spam or unanswered outbound tickets count for nothing,
as for CSAT.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from kpis.directory import scoped_id
from kpis.records import RatingState
from kpis.store import Store
from kpis.store.schema import agents, ratings, tickets
from kpis.themes.report import RatedComment

_r, _t = ratings.c, tickets.c
_JOINED = ratings.outerjoin(tickets, and_(_t.source == _r.source, _t.instance == _r.instance, _t.id == _r.ticket_id))
_EXCLUDED = func.coalesce(or_(_t.is_deleted, _t.is_merged, _t.is_spam, _t.is_outbound), False)


def load_rated_comments(
    store: Store, start: datetime, end: datetime, *, team_ids: Collection[str] | None = None
) -> list[RatedComment]:
    """Comments of ratings received in ``[start, end)``, oldest first; ``team_ids`` (scoped helpdesk
    team ids): only ratings attributed to one of them."""
    query = (
        select(_r.source, _r.instance, _r.id, _r.comment, _r.rated_at, _r.positive, _r.score, _r.score_raw,
               _r.ticket_id, _t.url, func.coalesce(_r.agent_id, _t.assignee_id), func.coalesce(_r.team_id, _t.group_id),
               _t.tags)
        .select_from(_JOINED)
        .where(_r.state == RatingState.RECEIVED.value, _r.rated_at >= start, _r.rated_at < end,
               _r.comment.is_not(None), _r.comment != "", ~_EXCLUDED)
        .order_by(_r.rated_at, _r.source, _r.instance, _r.id)
    )
    with store.errors(), store.engine.connect() as connection:
        names = {scoped_id(row.source, row.instance, row.id): row.name
                 for row in connection.execute(select(agents.c.source, agents.c.instance, agents.c.id, agents.c.name))}
        rows = connection.execute(query).all()
    out = []
    for (source, instance, rating_id, text, rated_at, positive, score, score_raw, ticket_id, url, agent, team,
         tags) in rows:
        team_id = scoped_id(source, instance, team) if team is not None else None
        if team_ids is not None and team_id not in team_ids:
            continue
        agent_id = scoped_id(source, instance, agent) if agent is not None else None
        out.append(RatedComment(
            id=scoped_id(source, instance, rating_id), text=text, rated_at=rated_at, positive=bool(positive),
            low=score is not None and score < 0.5, score_raw=score_raw, ticket_id=ticket_id, url=url,
            agent_id=agent_id, agent_name=names.get(agent_id) if agent_id else None, team_id=team_id,
            tags=tuple(str(t) for t in (tags or ())),
        ))
    return out
