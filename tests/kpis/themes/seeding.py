"""A store holding rated tickets with the planted comments: this week's and the week before's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kpis.records import Agent, Rating, RatingScale, RatingState, Team, Ticket, TicketStatus
from kpis.store import Store
from tests.kpis.themes.planted import ENGLISH, GERMAN, LOW

#: Reporting in UTC; "7d" as of NOW is 2026-11-13 .. 2026-11-19, the week before 2026-11-06 .. 12.
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
WEEK = datetime(2026, 11, 13, tzinfo=timezone.utc)
BEFORE = WEEK - timedelta(days=7)


def rated_ticket(number: int, text: str | None, when: datetime, *, low: bool, team: str = "billing",
                 agent: str = "ana", tags: tuple[str, ...] = ()) -> list:
    ticket = Ticket("zendesk", "acme", str(number), created_at=when - timedelta(hours=5), updated_at=when,
                    status=TicketStatus.SOLVED, status_raw="solved", solved_at=when - timedelta(hours=1),
                    assignee_id=agent, group_id=team, tags=tags, subject=f"ticket {number}",
                    url=f"https://acme.zendesk.test/agent/tickets/{number}")
    rating = Rating("zendesk", "acme", f"r{number}", str(number), RatingState.RECEIVED, RatingScale.GOOD_BAD,
                    offered_at=when - timedelta(minutes=30), rated_at=when, score_raw="bad" if low else "good",
                    positive=not low, score=0.0 if low else 1.0, comment=text)
    return [ticket, rating]


def seed_planted(store: Store, *, before: dict[str, int] | None = None, extra: list[str] = (),
                 team: str = "billing", agents: tuple[str, str] = ("ana", "ben")) -> None:
    """Billing (agents Ana, Ben) gets the planted comments this week; ``before``: how many
    comments of each planted theme the week before; ``extra``: more low-rated comments this week.
    ``team`` and ``agents``: helpdesk ids of a Billing team and its agents the store already has."""
    records: list = []
    if team == "billing":
        records += [Team("zendesk", "acme", "billing", "Billing"), Team("zendesk", "acme", "tech", "Tech"),
                    Agent("zendesk", "acme", "ana", "Ana"), Agent("zendesk", "acme", "ben", "Ben")]
    number = 1000
    for planted in (ENGLISH, GERMAN):
        for theme, texts in planted.items():
            for i, text in enumerate(texts):
                number += 1
                records += rated_ticket(number, text, WEEK + timedelta(hours=number - 1000), low=theme in LOW,
                                        team=team, agent=agents[1] if i >= 4 else agents[0],
                                        tags=("refunds",) if theme == "refund" else ())
    for theme, count in (before or {}).items():
        for i in range(count):
            number += 1
            records += rated_ticket(number, ENGLISH[theme][i % 6], BEFORE + timedelta(hours=i), low=theme in LOW,
                                    team=team, agent=agents[0])
    for i, text in enumerate(extra):
        number += 1
        records += rated_ticket(number, text, WEEK + timedelta(hours=100 + i), low=True, team=team, agent=agents[0])
    # Another team's comment and a rating without a comment: in no Billing theme.
    records += rated_ticket(9001, "refund not processed, tech team", WEEK, low=True, team="tech")
    records += rated_ticket(9002, None, WEEK, low=True, team=team, agent=agents[0])
    store.write_page("zendesk", "acme", "seed", records, None)
