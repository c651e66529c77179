"""The query layer: fetch from the store what the KPIs of a window (and its previous window) read.

Only the rows a report can touch are read, each population through an index:
tickets created in the span, tickets created earlier but solved in or after it (they are solved
in the span, or backlog at its boundaries), and tickets created earlier and still unsolved;
ratings given or offered in the span; survey answers given in it. The result is columnar
(:mod:`kpis.dataset`), ready for the pure KPI functions.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy import BigInteger, and_, or_, select, type_coerce, union_all
from sqlalchemy.engine import Connection

from kpis.dataset import (
    NO_TIME,
    PRIORITIES,
    AccountColumns,
    Directory,
    KpiData,
    RatingColumns,
    SpendColumns,
    SurveyColumns,
    TicketColumns,
    is_easy,
)
from kpis.records import RatingState, SurveyKind
from kpis.store import Store
from kpis.store.schema import (
    accounts,
    agents,
    memberships,
    ratings,
    retention_spend,
    survey_answers,
    teams,
    tickets,
)

_PRIORITY_CODE = {name: code for code, name in enumerate(PRIORITIES)}
_TICKET_TIMES = ("first_reply", "first_reply_business", "first_resolution", "first_resolution_business",
                 "full_resolution", "full_resolution_business")


def load_kpi_data(store: Store, start: datetime, end: datetime) -> KpiData:
    """Everything the KPIs of windows inside ``[start, end)`` need, in one read transaction."""
    with store.errors(), store.engine.connect() as connection:
        directory = _directory(connection)
        ticket_columns = _tickets(connection, directory, int(start.timestamp()), int(end.timestamp()))
        rating_columns = _ratings(connection, directory, int(start.timestamp()), int(end.timestamp()))
        survey_columns = _surveys(connection, directory, int(start.timestamp()), int(end.timestamp()))
        account_columns = _accounts(connection)
        spend_columns = _spend(connection, int(start.timestamp()), int(end.timestamp()))
    return KpiData(ticket_columns, rating_columns, survey_columns, directory, account_columns, spend_columns)


def _key(row, column: str) -> str | None:  # noqa: ANN001
    return _scoped(row, getattr(row, column))


def _directory(connection: Connection) -> Directory:
    d = Directory()
    for row in connection.execute(select(teams).order_by(teams.c.name, teams.c.id)):
        d.team_code(f"{row.source}:{row.instance}:{row.id}", row.name)
    for row in connection.execute(select(agents).order_by(agents.c.name, agents.c.id)):
        d.agent_code(f"{row.source}:{row.instance}:{row.id}", row.name, row.email)
    for row in connection.execute(select(memberships)):
        d.add_membership(_key(row, "agent_id"), _key(row, "team_id"))
    return d


def _tickets(connection: Connection, d: Directory, start: int, end: int) -> TicketColumns:
    c = tickets.c
    columns = [
        c.source, c.instance, c.created_at, c.solved_at, c.group_id, c.assignee_id, c.priority,
        c.is_deleted, c.is_merged, c.is_spam, c.replies, c.reopens,
        c.first_reply_minutes, c.first_reply_minutes_business, c.first_resolution_minutes,
        c.first_resolution_minutes_business, c.full_resolution_minutes, c.full_resolution_minutes_business,
    ]
    # Timestamps come back as raw epoch seconds: no datetime per row on the hot path.
    raw = [_epoch_column(col) for col in columns]
    created_in_span = select(*raw).where(c.created_at >= start, c.created_at < end)
    # Created before the span but solved in or after its start: solved in it, or open at a boundary.
    solved_later = select(*raw).where(c.solved_at >= start, c.created_at < start)
    still_open = select(*raw).where(c.solved_at.is_(None), c.created_at < start)
    rows = connection.execute(union_all(created_in_span, solved_later, still_open)).all()
    n = len(rows)
    created = np.empty(n, dtype=np.int64)
    solved = np.empty(n, dtype=np.int64)
    team = np.empty(n, dtype=np.int32)
    agent = np.empty(n, dtype=np.int32)
    priority = np.empty(n, dtype=np.int8)
    excluded = np.empty(n, dtype=bool)
    numbers = np.empty((n, 8), dtype=np.float64)
    team_codes: dict[tuple, int] = {}
    agent_codes: dict[tuple, int] = {}
    for i, row in enumerate(rows):
        (source, instance, created_at, solved_at, group_id, assignee_id, prio,
         deleted, merged, spam, *values) = row
        created[i] = _epoch(created_at)
        solved[i] = NO_TIME if solved_at is None else _epoch(solved_at)
        team[i] = _code(team_codes, d.team_code, source, instance, group_id)
        agent[i] = _code(agent_codes, d.agent_code, source, instance, assignee_id)
        priority[i] = _PRIORITY_CODE.get(prio, -1)
        excluded[i] = deleted or merged or spam
        numbers[i] = [np.nan if v is None else v for v in values]
    return TicketColumns(
        created, solved, team, agent, priority, excluded,
        numbers[:, 0], numbers[:, 1],
        *(numbers[:, 2 + j] for j in range(len(_TICKET_TIMES))),
    )


def _ratings(connection: Connection, d: Directory, start: int, end: int) -> RatingColumns:
    r, t = ratings.c, tickets.c
    joined = ratings.outerjoin(
        tickets, and_(t.source == r.source, t.instance == r.instance, t.id == r.ticket_id)
    )
    excluded = or_(t.is_deleted, t.is_merged, t.is_spam)
    query = (
        select(
            r.source, r.instance, r.id, r.ticket_id, r.state, r.offered_at, r.rated_at, r.positive, r.score,
            r.score_raw, r.comment, r.reason, r.agent_id, r.team_id,
            t.assignee_id, t.group_id, t.url, t.subject, excluded.label("excluded"),
        )
        .select_from(joined)
        .where(or_(and_(r.rated_at >= start, r.rated_at < end), and_(r.offered_at >= start, r.offered_at < end)))
    )
    rows = connection.execute(query).all()
    details, team, agent = [], [], []
    for row in rows:
        # Attribution: the agent and team on the rating at rating time, else the ticket's current ones.
        team.append(d.team_code(_scoped(row, row.team_id if row.team_id is not None else row.group_id)))
        agent.append(d.agent_code(_scoped(row, row.agent_id if row.agent_id is not None else row.assignee_id)))
        details.append(
            {"rating_id": f"{row.source}:{row.instance}:{row.id}", "ticket_id": row.ticket_id,
             "ticket_url": row.url, "subject": row.subject, "score_raw": row.score_raw,
             "comment": row.comment, "reason": row.reason}
        )
    received = RatingState.RECEIVED.value
    return RatingColumns(
        offered=np.array([_epoch(row.offered_at) for row in rows], dtype=np.int64),
        rated=np.array([NO_TIME if row.rated_at is None else _epoch(row.rated_at) for row in rows], dtype=np.int64),
        received=np.array([row.state == received for row in rows], dtype=bool),
        is_offer=np.array([row.state != RatingState.UNOFFERED.value for row in rows], dtype=bool),
        positive=np.array([bool(row.positive) for row in rows], dtype=bool),
        score=np.array([np.nan if row.score is None else row.score for row in rows], dtype=np.float64),
        team=np.array(team, dtype=np.int32),
        agent=np.array(agent, dtype=np.int32),
        excluded=np.array([bool(row.excluded) for row in rows], dtype=bool),
        details=details,
    )


def _surveys(connection: Connection, d: Directory, start: int, end: int) -> SurveyColumns:
    s, t = survey_answers.c, tickets.c
    joined = survey_answers.outerjoin(
        tickets, and_(t.source == s.source, t.instance == s.instance, t.id == s.ticket_id)
    )
    query = (
        select(s.source, s.instance, s.kind, s.answered_at, s.value, s.scale_min, s.scale_max,
               s.higher_is_better, s.agent_id, s.team_id, t.assignee_id, t.group_id)
        .select_from(joined)
        .where(s.answered_at >= start, s.answered_at < end)
        .where(or_(t.id.is_(None), and_(~t.is_deleted, ~t.is_merged, ~t.is_spam)))
    )
    rows = connection.execute(query).all()
    return SurveyColumns(
        kind=np.array([0 if row.kind == SurveyKind.NPS.value else 1 for row in rows], dtype=np.int8),
        answered=np.array([_epoch(row.answered_at) for row in rows], dtype=np.int64),
        value=np.array([row.value for row in rows], dtype=np.float64),
        easy=np.array([is_easy(row.value, row.scale_min, row.scale_max, row.higher_is_better) for row in rows], dtype=bool),
        team=np.array([d.team_code(_scoped(row, row.team_id if row.team_id is not None else row.group_id)) for row in rows], dtype=np.int32),
        agent=np.array([d.agent_code(_scoped(row, row.agent_id if row.agent_id is not None else row.assignee_id)) for row in rows], dtype=np.int32),
    )


def _accounts(connection: Connection) -> AccountColumns:
    # Every account: churn needs who was a customer at a window's start, however long ago they joined.
    c = accounts.c
    rows = connection.execute(
        select(_epoch_column(c.started_at), _epoch_column(c.ended_at), c.monthly_revenue)
    ).all()
    return AccountColumns(
        started=np.array([row[0] for row in rows], dtype=np.int64),
        ended=np.array([NO_TIME if row[1] is None else row[1] for row in rows], dtype=np.int64),
        monthly_revenue=np.array([np.nan if row[2] is None else row[2] for row in rows], dtype=np.float64),
    )


def _spend(connection: Connection, start: int, end: int) -> SpendColumns:
    c = retention_spend.c
    rows = connection.execute(
        select(_epoch_column(c.spent_at), c.amount).where(c.spent_at >= start, c.spent_at < end)
    ).all()
    return SpendColumns(
        spent=np.array([row[0] for row in rows], dtype=np.int64),
        amount=np.array([row[1] for row in rows], dtype=np.float64),
    )


def _epoch_column(column):  # noqa: ANN001, ANN202
    if column.name.endswith("_at"):
        return type_coerce(column, BigInteger).label(column.name)
    return column


def _scoped(row, vendor_id: str | None) -> str | None:  # noqa: ANN001
    return None if vendor_id is None else f"{row.source}:{row.instance}:{vendor_id}"


def _epoch(value: datetime | int) -> int:
    return value if isinstance(value, int) else int(value.timestamp())


def _code(cache: dict, make, source: str, instance: str, vendor_id: str | None) -> int:  # noqa: ANN001
    if vendor_id is None:
        return -1
    key = (source, instance, vendor_id)
    code = cache.get(key)
    if code is None:
        code = cache[key] = make(f"{source}:{instance}:{vendor_id}")
    return code
