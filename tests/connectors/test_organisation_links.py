"""Tickets name the customer's organisation where the helpdesk says it (the outcomes report joins
accounts on it): Intercom's conversation company (API 2.15 on, the version the connector asks
for), Help Scout's primary customer's organisation (read once per customer a pass). And, end to
end, an accounts file naming those organisations gets their support counted by
`report --outcomes`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from connectors.base import SyncOptions
from connectors.helpscout import HelpScoutConnector, HelpScoutSettings
from connectors.http import clock as clocks
from connectors.intercom import IntercomConnector, IntercomSettings
from connectors.intercom import mapping as intercom
from helpdesk_kpis import cli
from helpdesk_kpis.cli import main
from kpis.records import Ticket
from tests.fakes.helpscout import FakeHelpScout, HelpScoutAccount
from tests.fakes.intercom import FakeIntercom, IntercomWorkspace
from tests.fakes.zendesk import CompressedClock

#: 16 Nov 2026, 09:00 UTC: the support, before the window; the fake clock starts on 20 Nov, 12:00.
T0 = int(datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc).timestamp())
#: The outcomes window: 17 to 19 Nov 2026.
WINDOW = ("--from", "2026-11-17", "--to", "2026-11-19")

CONVERSATION_2_15 = {
    "type": "conversation", "id": "1911149811", "created_at": 1730800000, "updated_at": 1730803600,
    "state": "open", "open": True, "priority": "not_priority", "admin_assignee_id": None,
    "team_assignee_id": None,
    "company": {"type": "company", "id": "531ee472cce572a6ec000006", "name": "Blue Sun", "company_id": "6"},
    "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "5ba682d23d7cf92bef87bfd4"}]},
    "tags": {"type": "tag.list", "tags": []}, "source": {"type": "conversation"}, "statistics": None,
}


@pytest.fixture
def clock() -> CompressedClock:
    return CompressedClock()


def link(conversation_id) -> str:
    return f"https://app.intercom.com/a/inbox/x/conversation/{conversation_id}"


def test_an_intercom_conversation_names_its_company_by_intercoms_id():
    ticket = intercom.ticket_record(CONVERSATION_2_15, instance="acme", link=link)
    assert ticket.organization_id == "531ee472cce572a6ec000006"  # not the customer's own company_id "6"


def test_an_intercom_conversation_without_company_names_none():
    # API 2.14 has no company on a conversation, and 2.15 sends null for one without a company.
    older = {k: v for k, v in CONVERSATION_2_15.items() if k != "company"}
    assert intercom.ticket_record(older, instance="acme", link=link).organization_id is None
    assert intercom.ticket_record({**CONVERSATION_2_15, "company": None}, instance="acme",
                                  link=link).organization_id is None


def _intercom_tickets(workspace, clock, **settings) -> dict[str, Ticket]:
    now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
    options = SyncOptions(since=now - timedelta(days=30), now=now)
    with FakeIntercom(workspace, clock) as fake:
        conn = IntercomConnector(
            "default", IntercomSettings(url=fake.url, access_token=workspace.token, **settings), clock=clock
        )
        records = [r for stream in conn.streams() for page in stream.pages(None, options) for r in page.records]
    return {r.id: r for r in records if isinstance(r, Ticket)}


def test_with_the_default_settings_an_intercom_ticket_names_its_company(clock):
    workspace = IntercomWorkspace(clock)
    billing = workspace.add_team("Billing")
    ada = workspace.add_admin("Ada Admin", [billing])
    with_company = workspace.add_conversation(created=T0, admin=ada, team=billing, company="64f1c0ffee")
    without = workspace.add_conversation(created=T0, admin=ada, team=billing)
    tickets = _intercom_tickets(workspace, clock)
    assert (tickets[with_company].organization_id, tickets[without].organization_id) == ("64f1c0ffee", None)
    # A workspace pinned to 2.14 gets no company: Intercom's conversations say none before 2.15.
    assert _intercom_tickets(workspace, clock, api_version="2.14")[with_company].organization_id is None


@pytest.mark.parametrize("version", ["2.15", "2.14"])
def test_fin_handing_over_is_human_and_negative_feedback_is_fin_alone_in_either_version(clock, version):
    # 2.15 renamed routed_to_team to escalated (and added procedure_handoff), abandoned to negative_feedback.
    workspace = IntercomWorkspace(clock)
    billing = workspace.add_team("Billing")
    ada = workspace.add_admin("Ada Admin", [billing])
    escalated = workspace.add_conversation(created=T0, admin=None, team=billing, fin="routed")
    procedure = workspace.add_conversation(created=T0, admin=None, team=billing, fin="procedure")
    negative = workspace.add_conversation(
        created=T0, admin=None, team=billing, state="closed", closed=T0 + 60, fin="negative"
    )
    answered = workspace.add_conversation(
        created=T0, admin=ada, team=billing, state="closed", first_reply=T0 + 600, closed=T0 + 1200, fin="routed"
    )
    tickets = _intercom_tickets(workspace, clock, api_version=version)
    # Handed to the team and not answered yet: waiting in the team's backlog.
    assert (tickets[escalated].group_id, tickets[procedure].group_id) == (billing, billing)
    assert tickets[answered].first_reply_minutes == 10
    assert tickets[negative].group_id is None  # Fin's alone: no team KPI


def _helpscout_tickets(account, clock, fake) -> dict[str, Ticket]:
    now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
    options = SyncOptions(since=now - timedelta(days=30), now=now)
    settings = HelpScoutSettings(url=fake.url, app_id=account.app_id, app_secret=account.app_secret)
    conn = HelpScoutConnector("default", settings, clock=clock)
    [stream] = [s for s in conn.streams() if s.name == "tickets"]
    return {r.id: r for page in stream.pages(None, options) for r in page.records if isinstance(r, Ticket)}


def test_a_helpscout_ticket_names_its_customers_organisation_read_once_a_pass(clock):
    account = HelpScoutAccount(clock)
    ada = account.add_user("Ada", "Admin", [])
    ann = account.add_customer("Ann", "Acme", organization=7001)
    solo = account.add_customer("Sol", "Solo")
    first = account.add_conversation(created=T0, user=ada, customer=ann)
    second = account.add_conversation(created=T0 + 60, user=ada, customer=ann, kind="chat")
    alone = account.add_conversation(created=T0 + 120, user=ada, customer=solo)
    with FakeHelpScout(account, clock, page_size=2) as fake:
        tickets = _helpscout_tickets(account, clock, fake)
        asked = sorted(r.path for r in fake.requests_to("/v2/customers/"))
    assert [tickets[str(c)].organization_id for c in (first, second, alone)] == ["7001", "7001", None]
    # Ann's two conversations (on two pages) cost one request: one per customer a pass.
    assert asked == [f"/v2/customers/{ann}", f"/v2/customers/{solo}"]


def test_a_helpscout_customer_gone_names_no_organisation_and_the_sync_goes_on(clock):
    account = HelpScoutAccount(clock)
    ada = account.add_user("Ada", "Admin", [])
    ann = account.add_customer("Ann", "Acme", organization=7001)
    cid = account.add_conversation(created=T0, user=ada, customer=ann)
    del account.customers[ann]  # deleted since: Help Scout answers 404 for the customer
    with FakeHelpScout(account, clock) as fake:
        tickets = _helpscout_tickets(account, clock, fake)
    assert tickets[str(cid)].organization_id is None


ACCOUNTS_CSV = """id,name,started_at,ended_at,monthly_revenue,helpdesk
{bad},Bad Co,2025-06-01,2026-11-18,100,{helpdesk}
{good},Good Co,2025-06-01,,100,{helpdesk}
"""


def _outcomes(tmp_path, monkeypatch, capsys, clock, connector: str, env: dict[str, str], accounts: str) -> dict:
    """`sync` of the helpdesk (its fake running) and of an accounts file, then `report --outcomes`
    over 17-19 Nov 2026 as JSON."""
    monkeypatch.setattr(clocks, "default_clock", lambda: clock)
    monkeypatch.setattr(cli, "_now", lambda: datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HELPDESK_KPIS_CONFIG", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpis.db'}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "accounts.csv").write_text(accounts)
    (tmp_path / "helpdesk-kpis.toml").write_text('[connectors.file.imports]\naccounts = "accounts.csv"\n')
    assert main(["sync", "--connector", connector]) == 0, capsys.readouterr().err
    assert main(["sync", "--connector", "file"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(["report", "--outcomes", *WINDOW, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def assert_both_accounts_counted(result: dict) -> None:
    # By hand: both accounts were customers on 17 Nov and had a ticket on 16 Nov; the one whose
    # ticket was rated badly left on 18 Nov (1 of 1), the other stayed (0 of 1).
    assert result["accounts"] == {"accounts": 2, "cohort": 2, "churned": 1, "no_churn_date": 1, "not_linked": 0,
                                  "unknown_organisation": 0, "without_support": 0, "with_support": 2,
                                  "organisations_without_account": 0}
    bad_rating = next(d for d in result["dimensions"] if d["dimension"] == "bad_rating")
    groups = {g["group"]: (g["n"], g["churned"], g["churn_rate"]["value"]) for g in bad_rating["groups"]}
    assert groups == {"bad": (1, 1, 100.0), "none": (1, 0, 0.0)}


def test_report_outcomes_counts_the_support_of_intercom_companies(tmp_path, monkeypatch, capsys, clock):
    workspace = IntercomWorkspace(clock)
    billing = workspace.add_team("Billing")
    ada = workspace.add_admin("Ada Admin", [billing])
    for company, rating in (("64f1bad", 1), ("64f1good", 5)):
        workspace.add_conversation(created=T0, admin=ada, team=billing, state="closed", first_reply=T0 + 600,
                                   closed=T0 + 3600, rating=rating, rated=T0 + 7200, company=company)
    with FakeIntercom(workspace, clock) as fake:
        result = _outcomes(tmp_path, monkeypatch, capsys, clock, "intercom",
                           {"INTERCOM_URL": fake.url, "INTERCOM_ACCESS_TOKEN": workspace.token},
                           ACCOUNTS_CSV.format(bad="64f1bad", good="64f1good", helpdesk="intercom:default"))
    assert_both_accounts_counted(result)


def test_report_outcomes_counts_the_support_of_helpscout_organisations(tmp_path, monkeypatch, capsys, clock):
    account = HelpScoutAccount(clock)
    ada = account.add_user("Ada", "Admin", [])
    for organisation, rating in ((7001, 3), (7002, 1)):  # 3 is "not good", 1 "great"
        customer = account.add_customer("Cus", f"Tomer {organisation}", organization=organisation)
        cid = account.add_conversation(created=T0, user=ada, customer=customer, replies=[T0 + 600],
                                       closes=[T0 + 3600])
        account.rate(cid, rating, at=T0 + 7200)
    with FakeHelpScout(account, clock) as fake:
        result = _outcomes(tmp_path, monkeypatch, capsys, clock, "helpscout",
                           {"HELPSCOUT_URL": fake.url, "HELPSCOUT_APP_ID": account.app_id,
                            "HELPSCOUT_APP_SECRET": account.app_secret},
                           ACCOUNTS_CSV.format(bad="7001", good="7002", helpdesk="helpscout:default"))
    assert_both_accounts_counted(result)
