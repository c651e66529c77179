"""`/kpi` end to end over HTTP: signed request in, Slack's reply (or a response_url post) out.

Expected numbers are worked out by hand from the helpdesk in conftest.py.
"""

from __future__ import annotations

import logging
import threading

import pytest
from slack_sdk.models.blocks import Block

from kpis.query import load_kpi_data
from notifiers.slash.answers import KpiCommands
from notifiers.slash.breaches import Breach
from notifiers.slash.app import WORKING
from notifiers.slash.people import SlackPeople
from notifiers.slash.snapshots import SnapshotCache
from tests.fakes.slack.signing import command_body, signed_headers
from tests.notifiers.slash.conftest import NOW, POLICY, UTC


def ask(client, slack, text: str, user: str, channel: str = "D0DIRECT", channel_name: str = "directmessage"):
    body = command_body(
        text, user_id=user, channel_id=channel, channel_name=channel_name, response_url=slack.response_url()
    )
    response = client.post("/slack/events", body, signed_headers(body))
    assert response.status_code == 200, response.text
    return response.json()


def everything(reply: dict) -> str:
    """The reply's fallback text and every text in its blocks, as a person would read them."""
    parts = [reply["text"]]

    def walk(node) -> None:  # noqa: ANN001
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(reply.get("blocks") or [])
    return "\n".join(parts)


def assert_valid_block_kit(reply: dict) -> None:
    for block in Block.parse_all(reply["blocks"]):
        block.validate_json()


# -- the authorization matrix, as Slack users ----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "text", "channel", "sees"),
    [
        ("U0LENA", "agent <@U0BOB|bob>", "D0DIRECT", "50.0%"),  # Billing's lead: Bob's CSAT 1 of 2
        ("U0ADA", "agent <@U0BOB|bob>", "D0DIRECT", "50.0%"),  # admin
        ("U0ANN", "me", "D0DIRECT", "100.0%"),  # an agent, herself: 2 of 2
        ("U0ANN", "agent <@U0ANN|ann>", "D0DIRECT", "100.0%"),  # herself by mention
        ("U0LENA", "agent Bob Roy csat", "D0DIRECT", "50.0%"),  # by name
        ("U0RAJ", "team returns csat", "D0DIRECT", "0.0%"),  # Returns' lead through the user group
        ("U0OTTO", "team billing csat", "C0BILLING", "75.0%"),  # anyone in an allowed channel: 3 of 4
        ("U0ANN", "", "D0DIRECT", "75.0%"),  # /kpi alone: Ann's team is Billing
        ("U0LENA", "", "D0DIRECT", "75.0%"),  # /kpi alone: the team Lena leads
        ("U0OTTO", "", "C0RETURNS", "0.0%"),  # /kpi alone from nobody: the channel's team
    ],
)
def test_allowed(client, slack, who, text, channel, sees):
    reply = ask(client, slack, text, who, channel)
    assert sees in everything(reply), everything(reply)
    assert reply["response_type"] == "ephemeral"
    assert_valid_block_kit(reply)


@pytest.mark.parametrize(
    ("who", "text", "channel", "says"),
    [
        ("U0RAJ", "agent <@U0BOB|bob>", "D0DIRECT", "for Billing's leads and the admins"),  # other team's lead
        ("U0ANN", "agent <@U0BOB|bob>", "C0BILLING", "for Billing's leads and the admins"),  # agent, a colleague
        ("U0OTTO", "agent bob roy", "C0BILLING", "for Billing's leads and the admins"),  # outsider
        ("U0OTTO", "team billing", "C0RANDOM", "team numbers are shared in <#C0BILLING>, <#C0RETURNS>"),
        ("U0ANN", "low-csat billing", "C0BILLING", "low-rated lists (they name agents) are for Billing's leads"),
        ("U0OTTO", "me", "C0BILLING", "couldn't match you to a helpdesk agent"),
    ],
)
def test_denied_politely_privately_and_logged(client, slack, caplog, who, text, channel, says):
    caplog.set_level(logging.INFO, logger="notifiers.slash")
    reply = ask(client, slack, text, who, channel)
    assert reply["response_type"] == "ephemeral"
    assert says in reply["text"]
    assert "%" not in reply["text"]  # not a single number leaks into a denial
    if reply["text"].startswith("Sorry"):
        denial = [r.getMessage() for r in caplog.records if "/kpi denied" in r.getMessage()]
        assert len(denial) == 1 and who in denial[0] and repr(text) in denial[0]


def test_low_rated_list_names_comment_ticket_link_and_agent_for_the_lead(client, slack):
    reply = ask(client, slack, "low-csat billing", "U0LENA")
    text = everything(reply)
    assert "<https://acme.zendesk.com/agent/tickets/104|#104 Question 104>" in text
    assert "Took three days to answer" in text and "Bob Roy" in text
    assert "Wrong refund amount" not in text  # that is Returns'
    assert_valid_block_kit(reply)


def test_all_teams_side_by_side_with_the_overall_row(client, slack):
    text = everything(ask(client, slack, "all csat", "U0ADA"))
    assert "60.0%" in text  # overall: 3 good of 5
    assert "*Billing* · CSAT _75.0% (n=4" in text and "*Returns* · CSAT _0.0% (n=1" in text


def test_teams_lists_names_channels_and_leads(client, slack):
    text = everything(ask(client, slack, "teams", "U0OTTO", "C0RANDOM"))
    assert "*Billing* · <#C0BILLING> · leads <@U0LENA>" in text
    assert "*Returns* · <#C0RETURNS> · leads <!subteam^S0RETLEADS>" in text


def test_public_posts_team_numbers_in_an_allowed_channel_but_never_agent_numbers(client, slack):
    assert ask(client, slack, "team billing public", "U0OTTO", "C0BILLING")["response_type"] == "in_channel"
    private = ask(client, slack, "agent <@U0BOB|bob> public", "U0LENA", "C0BILLING")
    assert private["response_type"] == "ephemeral"
    assert "only you can see this" in everything(private)


def test_usage_errors_are_ephemeral_with_a_suggestion(client, slack):
    reply = ask(client, slack, "team biling csta", "U0OTTO", "C0BILLING")
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == "There's no team called “biling csta”. Did you mean `/kpi team Billing`?"


def test_help(client, slack):
    assert "/kpi team billing" in ask(client, slack, "help", "U0OTTO")["text"]


def test_breaches_show_team_breaches_to_all_and_agent_breaches_only_to_leads(store, web_client, make_client, slack):
    found = [
        Breach("team", "zendesk:acme:1", "CSAT < 80% · now 75.0% · since 2026-11-18"),
        Breach("agent", "zendesk:acme:12", "CSAT < 70% · now 50.0% · since 2026-11-19"),
    ]
    snapshots = SnapshotCache(lambda s, e: load_kpi_data(store, s, e), clock=lambda: NOW)
    commands = KpiCommands(
        policy=POLICY,
        snapshots=snapshots,
        zone=UTC,
        clock=lambda: NOW,
        people=SlackPeople(web_client),
        breaches=lambda: found,
    )
    client = make_client(kpi_commands=commands)
    for_anyone = everything(ask(client, slack, "breaches", "U0OTTO", "C0BILLING"))
    assert "*Billing*: CSAT &lt; 80% · now 75.0% · since 2026-11-18" in for_anyone and "Bob Roy" not in for_anyone
    for_lead = everything(ask(client, slack, "breaches billing", "U0LENA"))
    assert "*Bob Roy* (Billing): CSAT &lt; 70% · now 50.0% · since 2026-11-19" in for_lead
    assert "No KPI is past its threshold" in everything(ask(client, slack, "breaches returns", "U0RAJ"))


# -- Slack users and agents --------------------------------------------------------------------------


def test_user_lookups_are_cached(client, slack):
    for _ in range(3):
        ask(client, slack, "me", "U0ANN")
    assert len(slack.method_calls("users.info")) == 1
    assert slack.method_calls("users.info")[0]["user"] == "U0ANN"


def test_an_agents_answer_names_them_in_slack_found_by_email_once(client, slack):
    for _ in range(2):
        reply = ask(client, slack, "agent Bob Roy csat", "U0LENA")
        assert "in Slack: <@U0BOB>" in everything(reply)
    assert [call["email"] for call in slack.method_calls("users.lookupByEmail")] == ["bob@acme.test"]


def test_a_configured_override_maps_a_user_whose_emails_differ(store, web_client, make_client, slack):
    slack.users["U0ANN"] = "ann.lee@personal.test"  # not the helpdesk email
    snapshots = SnapshotCache(lambda s, e: load_kpi_data(store, s, e), clock=lambda: NOW)
    people = SlackPeople(web_client, overrides={"U0ANN": "ann@acme.test"})
    client = make_client(
        kpi_commands=KpiCommands(policy=POLICY, snapshots=snapshots, zone=UTC, clock=lambda: NOW, people=people)
    )
    assert "100.0%" in everything(ask(client, slack, "me csat", "U0ANN"))
    assert slack.method_calls("users.info") == []


def test_people_lookups_by_email_and_group_through_the_web_api(web_client, slack):
    people = SlackPeople(web_client)
    assert people.user_for_email("Cat@Acme.test") == "U0CAT"
    assert people.user_for_email("nobody@acme.test") is None
    assert people.groups_of("U0RAJ", ["S0RETLEADS", "S0GONE"]) == frozenset({"S0RETLEADS"})
    assert people.email_of("U0NOBODY") is None


def test_slack_api_trouble_makes_the_caller_unknown_not_an_error_and_is_retried_later(client, slack, caplog):
    slack.fail("users.info", "missing_scope")
    reply = ask(client, slack, "me", "U0ANN")
    assert "couldn't match you to a helpdesk agent" in reply["text"]
    assert any("missing_scope" in r.getMessage() for r in caplog.records)
    assert "100.0%" in everything(ask(client, slack, "me csat", "U0ANN"))  # a failure is not cached


# -- within Slack's 3 seconds ----------------------------------------------------------------------


def test_a_slow_answer_is_acknowledged_at_once_then_posted_to_response_url(store, web_client, make_client, slack):
    release = threading.Event()

    def slow_load(start, end):  # noqa: ANN001
        release.wait(10)  # the store is slow today
        return load_kpi_data(store, start, end)

    snapshots = SnapshotCache(slow_load, clock=lambda: NOW)
    commands = KpiCommands(
        policy=POLICY, snapshots=snapshots, zone=UTC, clock=lambda: NOW, people=SlackPeople(web_client)
    )
    client = make_client(kpi_commands=commands, inline_seconds=0.05)
    ack = ask(client, slack, "team billing csat public", "U0OTTO", "C0BILLING")
    assert ack == {"text": WORKING, "response_type": "ephemeral"}
    assert slack.responses == []
    release.set()
    [posted] = slack.wait_for_responses(1)
    assert posted["response_type"] == "in_channel"
    assert "75.0%" in everything(posted)
    assert posted["replace_original"] is False
    assert_valid_block_kit(posted)
    # Once computed, the same question is answered inline (a generous wait: the answer is ready, and
    # a busy machine must not turn the inline answer into a response_url one).
    patient = make_client(kpi_commands=commands, inline_seconds=30)
    assert "75.0%" in everything(ask(patient, slack, "team billing csat", "U0OTTO", "C0BILLING"))


def test_a_store_failure_is_one_polite_line(store, web_client, make_client, slack):
    from kpis.errors import StoreBusy

    def failing_load(start, end):  # noqa: ANN001
        raise StoreBusy("the store sqlite:///x.db is locked by another process")

    snapshots = SnapshotCache(failing_load, clock=lambda: NOW)
    commands = KpiCommands(
        policy=POLICY, snapshots=snapshots, zone=UTC, clock=lambda: NOW, people=SlackPeople(web_client)
    )
    reply = ask(make_client(kpi_commands=commands), slack, "team billing", "U0OTTO", "C0BILLING")
    assert reply["text"] == "Sorry, I can't reach the KPI store right now. Please try again in a minute."
