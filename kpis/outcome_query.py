"""The query for support and churn: every account with the support its organisation received.

An account names its helpdesk organisation by living in that helpdesk's namespace: the account
``(zendesk, acme, 360001)`` is the organisation ``360001`` of ``zendesk:acme``, whose tickets carry
``organization_id = 360001`` (an accounts file says so with its ``helpdesk`` column). An account
is *linked* when the store holds tickets of its namespace, and its organisation *known* when one
of them names it. Deleted, merged and spam tickets count for nothing, as for every KPI.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from kpis.directory import scoped_id
from kpis.outcomes import AccountSupport, SupportTicket
from kpis.query import epoch_column
from kpis.records import RatingState, SurveyKind
from kpis.store import Store
from kpis.store.schema import accounts, ratings, survey_answers, tickets

_a, _t, _r, _s = accounts.c, tickets.c, ratings.c, survey_answers.c
_OWN = and_(_t.source == _a.source, _t.instance == _a.instance, _t.organization_id == _a.id)
_LIVE = ~_t.is_deleted & ~_t.is_merged & ~_t.is_spam


def load_account_support(store: Store, before: datetime) -> tuple[list[AccountSupport], int]:
    """Every account with its organisation's live tickets created before ``before`` (a window's
    start: the support its outcomes look at), their ratings and NPS answers of any date (the
    computation cuts them), and how many organisations on tickets have no account."""
    with store.errors(), store.engine.connect() as connection:
        rows = connection.execute(select(accounts).order_by(_a.source, _a.instance, _a.id)).all()
        if not rows:
            return [], 0  # nothing to report on: no need to read the tickets
        namespaces = {(row.source, row.instance) for row in connection.execute(
            select(_t.source, _t.instance).distinct())}
        organisations = {(row.source, row.instance, row.organization_id) for row in connection.execute(
            select(_t.source, _t.instance, _t.organization_id).where(_t.organization_id.is_not(None)).distinct())}
        support = _tickets(connection, before)
    owned = {(row.source, row.instance, row.id) for row in rows}
    out = [
        AccountSupport(
            id=scoped_id(row.source, row.instance, row.id), started_at=row.started_at, ended_at=row.ended_at,
            monthly_revenue=row.monthly_revenue, name=row.name, linked=(row.source, row.instance) in namespaces,
            known=(row.source, row.instance, row.id) in organisations,
            tickets=tuple(support.get((row.source, row.instance, row.id), ())),
        )
        for row in rows
    ]
    return out, len(organisations - owned)


def _tickets(connection: Connection, before: datetime) -> dict[tuple[str, str, str], list[SupportTicket]]:
    key = (_t.source, _t.instance, _t.id)
    # Times as epoch seconds: an account may have thousands of tickets, and no datetime is needed.
    owned = select(*key, _t.organization_id, epoch_column(_t.created_at), _t.priority, _t.first_reply_minutes,
                   epoch_column(_t.solved_at)) \
        .select_from(tickets.join(accounts, _OWN)).where(_LIVE, _t.created_at < before)
    rated: dict[tuple, list] = defaultdict(list)
    for row in connection.execute(
        select(_r.source, _r.instance, _r.ticket_id, epoch_column(_r.rated_at), _r.score, _r.positive)
        .select_from(ratings.join(tickets, and_(_t.source == _r.source, _t.instance == _r.instance,
                                                _t.id == _r.ticket_id)).join(accounts, _OWN))
        .where(_r.state == RatingState.RECEIVED.value, _LIVE, _t.created_at < before)
    ):
        rated[(row.source, row.instance, row.ticket_id)].append((row.rated_at, float(row.score), bool(row.positive)))
    answered: dict[tuple, list] = defaultdict(list)
    for row in connection.execute(
        select(_s.source, _s.instance, _s.ticket_id, epoch_column(_s.answered_at), _s.value)
        .select_from(survey_answers.join(tickets, and_(_t.source == _s.source, _t.instance == _s.instance,
                                                       _t.id == _s.ticket_id)).join(accounts, _OWN))
        .where(_s.kind == SurveyKind.NPS.value, _LIVE, _t.created_at < before)
    ):
        answered[(row.source, row.instance, row.ticket_id)].append((row.answered_at, float(row.value)))
    out: dict[tuple[str, str, str], list[SupportTicket]] = defaultdict(list)
    for source, instance, ticket_id, organisation, created, priority, first_reply, solved in connection.execute(
            owned.order_by(_t.created_at, _t.id)):
        ticket = (source, instance, ticket_id)
        out[(source, instance, organisation)].append(SupportTicket(
            created, priority, first_reply, solved, tuple(rated.get(ticket, ())), tuple(answered.get(ticket, ()))))
    return out
