"""A small helpdesk (zendesk:acme) whose organisations are accounts, for the outcomes tests.

October 2026 is the window. Every account started on 2025-06-01; each organisation had one ticket
in September. By hand: o1 (bad rating) and o2 (good) churned in October; o3 (bad), o4 (good) and
o5 (not rated) stayed. Bad ratings: 1 of 2 churned, 50%; the rest: 1 of 3, 33.3%. Organisation o8
is on a ticket but has no account.
"""

from __future__ import annotations

from datetime import datetime, timezone

from kpis.imported_records import Account
from kpis.records import Agent, Rating, RatingScale, RatingState, Team, Ticket, TicketStatus
from kpis.store import Store

SOURCE, INSTANCE = "zendesk", "acme"
STARTED = datetime(2025, 6, 1, tzinfo=timezone.utc)
#: (organisation, September day of its ticket, rating or None, churn date in October or None)
ORGANISATIONS = (("o1", 10, "bad", 12), ("o2", 12, "good", 20), ("o3", 14, "bad", None), ("o4", 16, "good", None),
                 ("o5", 18, None, None), ("o8", 20, "bad", None))


def day(month: int, number: int) -> datetime:
    return datetime(2026, month, number, 9, tzinfo=timezone.utc)


def helpdesk_records() -> list:
    records: list = [Team(SOURCE, INSTANCE, "g1", "Billing"), Agent(SOURCE, INSTANCE, "u1", "Ann")]
    for number, (org, created, rating, _) in enumerate(ORGANISATIONS, start=1):
        opened = day(9, created)
        records.append(Ticket(SOURCE, INSTANCE, str(number), opened, day(9, created + 1), TicketStatus.SOLVED,
                              "solved", solved_at=day(9, created + 1), assignee_id="u1", group_id="g1",
                              organization_id=org, first_reply_minutes=30.0, replies=1, reopens=0))
        if rating is not None:
            records.append(Rating(SOURCE, INSTANCE, f"r{number}", str(number), RatingState.RECEIVED,
                                  RatingScale.GOOD_BAD, offered_at=day(9, created + 1), rated_at=day(9, created + 2),
                                  score_raw=rating, positive=rating == "good", score=float(rating == "good"),
                                  agent_id="u1", team_id="g1"))
    return records


def accounts() -> list[Account]:
    return [Account(SOURCE, INSTANCE, org, STARTED, None if churn is None else day(10, churn), org.upper(), 100.0)
            for org, _, _, churn in ORGANISATIONS if org != "o8"]


def fill(store: Store, *, with_accounts: bool = True) -> None:
    store.write_page(SOURCE, INSTANCE, "tickets", helpdesk_records(), None)
    if with_accounts:
        store.write_page("file", "crm", "accounts", accounts(), None)
