"""A small helpdesk whose KPIs are easy to work out by hand, and the `/kpi` app serving it.

Now is Friday 2026-11-20 12:00 UTC, so ``7d`` is 13-19 November. In that window:

- Billing (team 1): Ann Lee's tickets 101, 102 rated good, good; Bob Roy's 103 good, 104 bad
  ("Took three days to answer"). Billing CSAT 3/4 = 75.0%, Ann 100.0%, Bob 50.0%; 4 created.
- Returns (team 2): Cat Kim's 201 rated bad, 202 unrated. Returns CSAT 0/1 = 0.0%; 2 created.

Slack people: Ann, Bob and Cat are agents (their Slack emails are their helpdesk emails); Lena
leads Billing; Raj leads Returns through the user group S0RETLEADS; Ada is an admin; Otto is
nobody in particular. Billing's channel is C0BILLING, Returns' C0RETURNS.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
import requests

from kpis.query import load_kpi_data
from kpis.records import Agent, Membership, Rating, RatingScale, RatingState, Team, Ticket, TicketStatus
from kpis.store import Store
from notifiers.slash.access import AccessPolicy, TeamAccess
from notifiers.slash.answers import KpiCommands
from notifiers.slash.app import build_bolt_app
from notifiers.slash.people import SlackPeople
from notifiers.slash.server import create_asgi_app
from notifiers.slash.snapshots import SnapshotCache
from tests.fakes.asgi_server import ServerThread
from tests.fakes.slack.api import TOKEN, FakeSlack
from tests.fakes.slack.signing import SIGNING_SECRET

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
UTC = ZoneInfo("UTC")
S, INSTANCE = "zendesk", "acme"

SLACK_USERS = {
    "U0ANN": "ann@acme.test",
    "U0BOB": "bob@acme.test",
    "U0CAT": "cat@acme.test",
    "U0LENA": "lena@acme.test",
    "U0RAJ": "raj@acme.test",
    "U0ADA": "ada@acme.test",
    "U0OTTO": "otto@acme.test",
}
POLICY = AccessPolicy(
    teams=(
        TeamAccess("Billing", leads=frozenset({"U0LENA"}), channel="C0BILLING"),
        TeamAccess("Returns", leads=frozenset({"S0RETLEADS"}), channel="C0RETURNS"),
    ),
    admins=frozenset({"U0ADA"}),
)


def _ticket(ticket_id: str, agent: str, team: str, created: datetime) -> Ticket:
    return Ticket(
        S,
        INSTANCE,
        ticket_id,
        created_at=created,
        updated_at=created + timedelta(hours=5),
        status=TicketStatus.SOLVED,
        status_raw="solved",
        solved_at=created + timedelta(hours=5),
        assignee_id=agent,
        group_id=team,
        subject=f"Question {ticket_id}",
        url=f"https://acme.zendesk.com/agent/tickets/{ticket_id}",
        first_reply_minutes=30.0,
        full_resolution_minutes=300.0,
        replies=1,
        reopens=0,
    )


def _rating(ticket_id: str, good: bool, rated: datetime, comment: str | None = None) -> Rating:
    return Rating(
        S,
        INSTANCE,
        f"r{ticket_id}",
        ticket_id,
        RatingState.RECEIVED,
        RatingScale.GOOD_BAD,
        offered_at=rated - timedelta(hours=1),
        rated_at=rated,
        score_raw="good" if good else "bad",
        positive=good,
        score=1.0 if good else 0.0,
        comment=comment,
    )


def records() -> list:
    created = datetime(2026, 11, 16, 10, 0, tzinfo=timezone.utc)
    rated = datetime(2026, 11, 17, 9, 0, tzinfo=timezone.utc)
    return [
        Team(S, INSTANCE, "1", "Billing"),
        Team(S, INSTANCE, "2", "Returns"),
        Agent(S, INSTANCE, "11", "Ann Lee", "ann@acme.test"),
        Agent(S, INSTANCE, "12", "Bob Roy", "bob@acme.test"),
        Agent(S, INSTANCE, "21", "Cat Kim", "cat@acme.test"),
        Membership(S, INSTANCE, "11", "1"),
        Membership(S, INSTANCE, "12", "1"),
        Membership(S, INSTANCE, "21", "2"),
        _ticket("101", "11", "1", created),
        _ticket("102", "11", "1", created),
        _ticket("103", "12", "1", created),
        _ticket("104", "12", "1", created),
        _ticket("201", "21", "2", created),
        _ticket("202", "21", "2", created),
        _rating("101", True, rated),
        _rating("102", True, rated),
        _rating("103", True, rated),
        _rating("104", False, rated + timedelta(hours=1), "Took three days to answer"),
        _rating("201", False, rated, "Wrong refund amount"),
    ]


@pytest.fixture
def store(sqlite_url) -> Iterator[Store]:
    store = Store.open(sqlite_url)
    store.write_page(S, INSTANCE, "all", records(), None)
    yield store
    store.close()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.users.update(SLACK_USERS)
        fake.groups["S0RETLEADS"] = ["U0RAJ"]
        yield fake


@pytest.fixture
def web_client(slack) -> WebClient:
    return WebClient(token=TOKEN, base_url=slack.base_url, timeout=5)


@pytest.fixture
def commands(store, web_client) -> Iterator[KpiCommands]:
    # As the server loads: tags only for the questions that group by them.
    snapshots = SnapshotCache(lambda start, end: load_kpi_data(store, start, end, tags=False), clock=lambda: NOW,
                              load_tags=lambda start, end: load_kpi_data(store, start, end))
    yield KpiCommands(policy=POLICY, snapshots=snapshots, zone=UTC, clock=lambda: NOW, people=SlackPeople(web_client))
    snapshots.close()


class Client:
    """Plain HTTP to the app served by uvicorn on 127.0.0.1."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> requests.Response:
        return self.session.post(self.url + path, data=body, headers=headers, timeout=10)

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.url + path, timeout=10)


@pytest.fixture
def make_client(commands, web_client):
    """Serve the whole app (Bolt + Starlette + uvicorn); ``inline_seconds`` and the commands are adjustable."""
    servers: list[ServerThread] = []
    clients: list[Client] = []

    def make(
        *, inline_seconds: float = 2.0, kpi_commands: KpiCommands | None = None, healthy=lambda: True, failures=None
    ) -> Client:
        bolt = build_bolt_app(
            kpi_commands or commands, signing_secret=SIGNING_SECRET, client=web_client, inline_seconds=inline_seconds
        )
        server = ServerThread(create_asgi_app(
            bolt, healthy=healthy, signing_secret=SIGNING_SECRET, max_body_bytes=8 * 1024, failures=failures
        )).__enter__()
        servers.append(server)
        clients.append(Client(server.url))
        return clients[-1]

    yield make
    for client in clients:
        client.session.close()
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> Client:
    return make_client()
