"""A small hand-built helpdesk whose KPIs are worked out by hand below (used by the Slack tests).

Digest day D = Sun 15 Nov 2026 (UTC); the 7-day window is 9-15 Nov, the previous one 2-8 Nov.

Billing (g1), window: 12 tickets created 10 Nov, solved 11 Nov, first reply 60 min; rated 9 good,
3 bad (ticket b11's comment needs escaping). Two more created 14 Nov 20:00, still open (1-3 days
old at the window's end). Previous window: 10 tickets, first reply 120 min, rated 9 good, 1 bad.
One ticket created 1 Nov is still open (>7 days).
  -> CSAT 75.0% (n=12), band acceptable, -15.0 pp vs 90.0%; first reply median 60m vs 2.0h
     (-50.0%); created 14 vs 10 (+40.0%); solved 12 vs 10 (+20.0%); backlog 3 vs 1 (+200.0%),
     by age <1d 0, 1-3d 2, 3-7d 0, >7d 1.
Returns & Refunds (g2), window: 3 tickets, 3 good ratings -> CSAT 100.0% (n=3, too few to judge).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from kpis.records import Agent, Membership, Rating, RatingScale, RatingState, Team, Ticket, TicketStatus

D = date(2026, 11, 15)
NOW = datetime(2026, 11, 16, 8, 0, tzinfo=timezone.utc)
BAD_COMMENT = "Refund <never> arrived & nobody *cared*"

TEAMS = [Team("zendesk", "acme", "g1", "Billing"), Team("zendesk", "acme", "g2", "Returns & Refunds")]
AGENTS = [Agent("zendesk", "acme", "a1", "Ann <Lee>"), Agent("zendesk", "acme", "a2", "Bob Stone"),
          Agent("zendesk", "acme", "a3", "Cy Park")]
MEMBERSHIPS = [Membership("zendesk", "acme", "a1", "g1"), Membership("zendesk", "acme", "a2", "g1"),
               Membership("zendesk", "acme", "a3", "g2")]


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=timezone.utc)


def ticket(vendor_id: str, created: datetime, solved: datetime | None = None, **kw) -> Ticket:
    status = TicketStatus.SOLVED if solved else TicketStatus.OPEN
    fields = dict(status=status, status_raw=status.value, assignee_id="a1", group_id="g1", replies=1, reopens=0,
                  subject=f"Question {vendor_id}", url=f"https://acme.zendesk.com/agent/tickets/{vendor_id}")
    fields.update(kw)
    return Ticket("zendesk", "acme", vendor_id, created, created, solved_at=solved, **fields)


def rating(vendor_id: str, ticket_id: str, good: bool, rated: datetime, **kw) -> Rating:
    return Rating("zendesk", "acme", vendor_id, ticket_id, RatingState.RECEIVED, RatingScale.GOOD_BAD,
                  rated - timedelta(hours=1), rated_at=rated, score_raw="good" if good else "bad", positive=good,
                  score=1.0 if good else 0.0, updated_at=rated, **kw)


def records() -> dict[str, list]:
    tickets, ratings = [], []
    for i in range(12):  # Billing, this window
        agent = "a1" if i < 8 else "a2"
        tickets.append(ticket(f"b{i}", at(10) + timedelta(hours=i), at(11), assignee_id=agent,
                              first_reply_minutes=60.0, full_resolution_minutes=1440.0))
        comment = BAD_COMMENT if i == 11 else None
        ratings.append(rating(f"rb{i}", f"b{i}", i < 9, at(12) + timedelta(hours=i), comment=comment))
    tickets += [ticket(f"open{i}", at(14, 20), assignee_id="a2") for i in range(2)]
    tickets.append(ticket("old", at(1)))
    for i in range(10):  # Billing, previous window
        tickets.append(ticket(f"p{i}", at(3), at(4), first_reply_minutes=120.0, full_resolution_minutes=1440.0))
        ratings.append(rating(f"rp{i}", f"p{i}", i < 9, at(5) + timedelta(hours=i)))
    for i in range(3):  # Returns & Refunds, this window
        tickets.append(ticket(f"r{i}", at(10), at(11), assignee_id="a3", group_id="g2", first_reply_minutes=30.0))
        ratings.append(rating(f"rr{i}", f"r{i}", True, at(12)))
    return {"teams": TEAMS, "agents": AGENTS, "memberships": MEMBERSHIPS, "tickets": tickets, "ratings": ratings}


def write_to(store) -> None:  # noqa: ANN001
    """The desk into a store, through the same page path a sync uses."""
    data = records()
    store.write_page("zendesk", "acme", "directory", data["teams"] + data["agents"] + data["memberships"], None)
    store.write_page("zendesk", "acme", "tickets", data["tickets"], None)
    store.write_page("zendesk", "acme", "ratings", data["ratings"], None)
