"""Reviews follow the ticket's agent at review time: pinning a review's agent and team once.

A review that names no agent counts for the agent and team its ticket has when the review is
stored (an import runs soon after the reviews are made; helpdesks do not give the assignment
history); a later reassignment of the ticket does not move it. A review whose ticket is not in the
store yet is pinned when the ticket arrives, and counts for no agent or team until then.
"""

from __future__ import annotations

from sqlalchemy import and_, func, select, update
from sqlalchemy.engine import Connection

from kpis.store.schema import reviews, tickets


def _of_ticket(column):  # noqa: ANN001, ANN202 - the ticket's column for the review being updated
    t, r = tickets.c, reviews.c
    return (select(column).where(t.source == r.source, t.instance == r.instance, t.id == r.ticket_id)
            .scalar_subquery())


def pin_review_agents(connection: Connection) -> None:
    """Give every unpinned review (no agent named, none pinned yet) its ticket's agent and team."""
    r = reviews.c
    known_ticket = _of_ticket(tickets.c.id).is_not(None)
    connection.execute(
        update(reviews)
        .where(and_(~r.agent_named, r.agent_id.is_(None), r.team_id.is_(None), known_ticket))
        .values(agent_id=_of_ticket(tickets.c.assignee_id), team_id=_of_ticket(tickets.c.group_id))
    )
    # A review naming its agent still takes its ticket's team.
    connection.execute(
        update(reviews).where(and_(r.agent_named, r.team_id.is_(None), known_ticket))
        .values(team_id=_of_ticket(tickets.c.group_id))
    )


def reviews_of_unknown_tickets(connection: Connection) -> int:
    """Reviews whose ticket is not in the store (kept; they count once their ticket is synced)."""
    r, t = reviews.c, tickets.c
    known = select(t.id).where(t.source == r.source, t.instance == r.instance, t.id == r.ticket_id).exists()
    return connection.execute(select(func.count()).select_from(reviews).where(~known)).scalar_one()
