"""KPI input built from plain records, as the tests write them (the store builds it from SQL rows).

Deliberately independent of the store's query layer, so that tests can check one against the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import numpy as np

from kpis.breakdown import tag_keys
from kpis.channels import channel_code
from kpis.dataset import (
    NO_TIME,
    PRIORITIES,
    AccountColumns,
    AttachedColumns,
    BreakdownFacets,
    Facets,
    KpiData,
    RatingColumns,
    SpendColumns,
    SurveyColumns,
    TicketColumns,
)
from kpis.directory import Directory, scoped_id
from kpis.imported_records import Account, RetentionSpend, Review, SurveyAnswer
from kpis.records import Agent, AgentReply, Membership, Rating, RatingState, SlaEvent, SurveyKind, Team, Ticket
from kpis.sla_outcomes import ticket_outcomes
from kpis.ticket_measures import TICKET_MEASURES, sla_columns


def epoch(value: datetime | None) -> int:
    return NO_TIME if value is None else int(value.timestamp())


def _f(value: float | int | None) -> float:
    return np.nan if value is None else float(value)


def from_records(
    tickets: Iterable[Ticket] = (),
    ratings: Iterable[Rating] = (),
    surveys: Iterable[SurveyAnswer] = (),
    teams: Iterable[Team] = (),
    agents: Iterable[Agent] = (),
    memberships: Iterable[Membership] = (),
    accounts: Iterable[Account] = (),
    spend: Iterable[RetentionSpend] = (),
    reviews: Iterable[Review] = (),
    replies: Iterable[AgentReply] = (),
    sla_events: Iterable[SlaEvent] = (),
) -> KpiData:
    """Columnar KPI input from plain records; a ticket's SLA columns come from its ``sla_events``
    (as the store derives them)."""
    d = Directory()
    for t in teams:
        d.team_code(scoped_id(t.source, t.instance, t.id), t.name)
    for a in agents:
        d.agent_code(scoped_id(a.source, a.instance, a.id), a.name, a.email)
    for m in memberships:
        d.add_membership(scoped_id(m.source, m.instance, m.agent_id), scoped_id(m.source, m.instance, m.team_id))

    def team_of(source: str, instance: str, vendor_id: str | None) -> int:
        return d.team_code(None if vendor_id is None else scoped_id(source, instance, vendor_id))

    def agent_of(source: str, instance: str, vendor_id: str | None) -> int:
        return d.agent_code(None if vendor_id is None else scoped_id(source, instance, vendor_id))

    tickets = list(tickets)
    by_key = {(t.source, t.instance, t.id): t for t in tickets}
    events: dict[tuple[str, str, str], list[SlaEvent]] = {}
    for e in sla_events:
        events.setdefault((e.source, e.instance, e.ticket_id), []).append(e)
    sla = {key: {column: np.nan if value is None else float(epoch(value) if isinstance(value, datetime) else value)
                 for metric, outcome in ticket_outcomes(found).items()
                 for column, value in zip(sla_columns(metric), outcome)} for key, found in events.items()}

    def measured(t: Ticket, record: str) -> float:
        if hasattr(t, record):
            return _f(getattr(t, record))
        return sla.get((t.source, t.instance, t.id), {}).get(record, np.nan)

    ticket_columns = TicketColumns(
        created=np.array([epoch(t.created_at) for t in tickets], dtype=np.int64),
        solved=np.array([epoch(t.solved_at) for t in tickets], dtype=np.int64),
        team=np.array([team_of(t.source, t.instance, t.group_id) for t in tickets], dtype=np.int32),
        agent=np.array([agent_of(t.source, t.instance, t.assignee_id) for t in tickets], dtype=np.int32),
        priority=np.array([PRIORITIES.index(t.priority.value) if t.priority else -1 for t in tickets], dtype=np.int8),
        excluded=np.array([t.excluded for t in tickets], dtype=bool),
        **{m.name: np.array([measured(t, m.record) for t in tickets]) for m in TICKET_MEASURES},
    )

    ratings = list(ratings)
    rating_team, rating_agent, excluded, details = [], [], [], []
    for r in ratings:
        ticket = by_key.get((r.source, r.instance, r.ticket_id))
        # Attribution: the agent and team on the rating at rating time, else the ticket's current ones.
        team_id = r.team_id if r.team_id is not None else (ticket.group_id if ticket else None)
        agent_id = r.agent_id if r.agent_id is not None else (ticket.assignee_id if ticket else None)
        rating_team.append(team_of(r.source, r.instance, team_id))
        rating_agent.append(agent_of(r.source, r.instance, agent_id))
        excluded.append(bool(ticket and ticket.excluded))
        details.append(
            {
                "rating_id": scoped_id(r.source, r.instance, r.id),
                "ticket_id": r.ticket_id,
                "ticket_url": ticket.url if ticket else None,
                "subject": ticket.subject if ticket else None,
                "score_raw": r.score_raw,
                "comment": r.comment,
                "reason": r.reason,
            }
        )
    rating_columns = RatingColumns(
        offered=np.array([epoch(r.offered_at) for r in ratings], dtype=np.int64),
        rated=np.array([epoch(r.rated_at) for r in ratings], dtype=np.int64),
        received=np.array([r.state is RatingState.RECEIVED for r in ratings], dtype=bool),
        is_offer=np.array([r.state is not RatingState.UNOFFERED for r in ratings], dtype=bool),
        positive=np.array([bool(r.positive) for r in ratings], dtype=bool),
        score=np.array([_f(r.score) for r in ratings]),
        team=np.array(rating_team, dtype=np.int32),
        agent=np.array(rating_agent, dtype=np.int32),
        excluded=np.array(excluded, dtype=bool),
        details=details,
    )

    # Answers about deleted, merged or spam tickets are excluded like the tickets themselves.
    surveys = [
        s for s in surveys
        if not ((ticket := by_key.get((s.source, s.instance, s.ticket_id))) and ticket.excluded)
    ]
    survey_team, survey_agent = [], []
    for s in surveys:
        ticket = by_key.get((s.source, s.instance, s.ticket_id))
        team_id = s.team_id if s.team_id is not None else (ticket.group_id if ticket else None)
        agent_id = s.agent_id if s.agent_id is not None else (ticket.assignee_id if ticket else None)
        survey_team.append(team_of(s.source, s.instance, team_id))
        survey_agent.append(agent_of(s.source, s.instance, agent_id))
    survey_columns = SurveyColumns(
        kind=np.array([0 if s.kind is SurveyKind.NPS else 1 for s in surveys], dtype=np.int8),
        answered=np.array([epoch(s.answered_at) for s in surveys], dtype=np.int64),
        value=np.array([s.value for s in surveys], dtype=np.float64),
        easy=np.array([is_easy(s.value, s.scale_min, s.scale_max, s.higher_is_better) for s in surveys], dtype=bool),
        team=np.array(survey_team, dtype=np.int32),
        agent=np.array(survey_agent, dtype=np.int32),
    )
    accounts, spend = list(accounts), list(spend)
    account_columns = AccountColumns(
        started=np.array([epoch(a.started_at) for a in accounts], dtype=np.int64),
        ended=np.array([epoch(a.ended_at) for a in accounts], dtype=np.int64),
        monthly_revenue=np.array([_f(a.monthly_revenue) for a in accounts], dtype=np.float64),
    )
    spend_columns = SpendColumns(
        spent=np.array([epoch(x.spent_at) for x in spend], dtype=np.int64),
        amount=np.array([x.amount for x in spend], dtype=np.float64),
    )
    tagsets: dict[tuple[str, ...], int] = {}

    def facets(of: list[Ticket | None]) -> Facets:
        return Facets(
            channel=np.array([channel_code(t.source, t.channel) if t else -1 for t in of], dtype=np.int8),
            priority=np.array([PRIORITIES.index(t.priority.value) if t and t.priority else -1 for t in of], dtype=np.int8),
            tagset=np.array([tagsets.setdefault(tag_keys(t.tags), len(tagsets)) if t and tag_keys(t.tags) else -1
                             for t in of], dtype=np.int32),
        )

    facet_columns = BreakdownFacets(
        facets(tickets),
        facets([by_key.get((r.source, r.instance, r.ticket_id)) for r in ratings]),
        facets([by_key.get((s.source, s.instance, s.ticket_id)) for s in surveys]),
    )
    facet_columns = BreakdownFacets(facet_columns.tickets, facet_columns.ratings, facet_columns.surveys, tuple(tagsets))
    attached = _attached(tickets, by_key, list(reviews), list(replies), team_of, agent_of)
    return KpiData(ticket_columns, rating_columns, survey_columns, d, account_columns, spend_columns,
                   facets=facet_columns, attached=attached)


def _attached(tickets, by_key, reviews, replies, team_of, agent_of) -> dict[str, AttachedColumns]:  # noqa: ANN001
    """Reviews (the named agent, else the ticket's; the ticket's team), reviewed tickets and replies,
    each of a live ticket in the records."""
    def columns(rows: list[tuple[int, Ticket, str | None, str | None]], values=None) -> AttachedColumns:  # noqa: ANN001
        return AttachedColumns(
            time=np.array([at for at, _, _, _ in rows], dtype=np.int64),
            team=np.array([team_of(x.source, x.instance, team) for _, x, team, _ in rows], dtype=np.int32),
            agent=np.array([agent_of(x.source, x.instance, agent) for _, x, _, agent in rows], dtype=np.int32),
            channel=np.array([channel_code(x.source, x.channel) for _, x, _, _ in rows], dtype=np.int8),
            priority=np.array([PRIORITIES.index(x.priority.value) if x.priority else -1 for _, x, _, _ in rows],
                              dtype=np.int8),
            tags=[tag_keys(x.tags) for _, x, _, _ in rows],
            values=values or {},
        )

    def live(record) -> Ticket | None:  # noqa: ANN001
        ticket = by_key.get((record.source, record.instance, record.ticket_id))
        return ticket if ticket is not None and not ticket.excluded else None

    made = [(r, x) for r in reviews if (x := live(r)) is not None]
    values = {"score": np.array([r.scaled(r.score) for r, _ in made], dtype=np.float64)}
    for name in ("accuracy", "tone", "solution", "process"):
        values[f"qa_{name}"] = np.array([r.scaled(r.category(name)) if r.category(name) is not None else np.nan
                                         for r, _ in made], dtype=np.float64)
    reviewed = {(r.source, r.instance, r.ticket_id) for r, _ in made}
    return {
        "reviews": columns([(epoch(r.reviewed_at), x, x.group_id, r.agent_id or x.assignee_id) for r, x in made],
                           values),
        "reviewed_tickets": columns([(epoch(x.solved_at), x, x.group_id, x.assignee_id) for x in tickets
                                     if (x.source, x.instance, x.id) in reviewed and not x.excluded]),
        "replies": columns([(epoch(a.replied_at), x, x.group_id, a.agent_id) for a in replies
                            if (x := live(a)) is not None]),
    }


def is_easy(value: float, scale_min: float, scale_max: float, higher_is_better: bool) -> bool:
    """CES "easy": the top two points of the scale once oriented so that higher means easier."""
    return value >= scale_max - 1 if higher_is_better else value <= scale_min + 1
