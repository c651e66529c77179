"""Who may see what: the authorization matrix, decided from configuration alone."""

from __future__ import annotations

import pytest

from notifiers.slash.access import (
    AccessPolicy,
    AgentDetail,
    Allowed,
    Caller,
    Denied,
    TeamAccess,
    TeamNumbers,
    decide,
)

POLICY = AccessPolicy(
    teams=(
        TeamAccess("Billing", leads=frozenset({"U0LENA"}), channel="C0BILLING"),
        TeamAccess("Returns", leads=frozenset({"S0RETLEADS"}), channel="#kpi-returns"),
    ),
    admins=frozenset({"U0ADA"}),
)
ANN = "zendesk:acme:11"  # a Billing agent
BOB = "zendesk:acme:12"  # another Billing agent

LENA = Caller("U0LENA", "D0DIRECT")  # leads Billing, asking in a direct message
RAJ = Caller("U0RAJ", "D0DIRECT", groups=frozenset({"S0RETLEADS"}))  # leads Returns through a user group
ADA = Caller("U0ADA", "D0DIRECT")  # admin
ANN_DM = Caller("U0ANN", "D0DIRECT", agent_id=ANN)
ANN_IN_CHANNEL = Caller("U0ANN", "C0BILLING", "kpi-billing", agent_id=ANN)
OTTO_IN_CHANNEL = Caller("U0OTTO", "C0BILLING", "kpi-billing")
OTTO_ELSEWHERE = Caller("U0OTTO", "C0RANDOM", "random")


@pytest.mark.parametrize(
    ("who", "asked", "allowed"),
    [
        # Agent-level detail of Billing: its lead and the admins only.
        (LENA, AgentDetail(BOB, "Billing"), True),
        (ADA, AgentDetail(BOB, "Billing"), True),
        (RAJ, AgentDetail(BOB, "Billing"), False),  # the other team's lead
        (ANN_DM, AgentDetail(BOB, "Billing"), False),  # an agent asking about a colleague
        (ANN_IN_CHANNEL, AgentDetail(BOB, "Billing"), False),  # ... even in the team's channel
        (ANN_DM, AgentDetail(ANN, "Billing"), True),  # an agent asking about herself, anywhere
        (OTTO_IN_CHANNEL, AgentDetail(BOB, "Billing"), False),  # an outsider
        (RAJ, AgentDetail(None, "Returns", what="low-rated lists"), True),
        (LENA, AgentDetail(None, "Returns", what="low-rated lists"), False),
        # Team-level numbers: anyone in an allowed channel; leads (their team) and admins anywhere.
        (OTTO_IN_CHANNEL, TeamNumbers("Returns"), True),
        (OTTO_ELSEWHERE, TeamNumbers("Billing"), False),
        (OTTO_ELSEWHERE, TeamNumbers(None), False),
        (ANN_DM, TeamNumbers("Billing"), False),  # an agent not known to be in Billing
        (Caller("U0ANN", "D0DIRECT", agent_id=ANN, agent_team="Billing"), TeamNumbers("Billing"), True),  # her team
        (Caller("U0ANN", "D0DIRECT", agent_id=ANN, agent_team="Billing"), TeamNumbers("Returns"), False),
        (LENA, TeamNumbers("Billing"), True),
        (LENA, TeamNumbers("Returns"), False),
        (RAJ, TeamNumbers("Returns"), True),
        (ADA, TeamNumbers(None), True),
        (Caller("U0OTTO", "C0XYZ", "kpi-returns"), TeamNumbers("Billing"), True),  # a channel named in config by name
    ],
)
def test_authorization_matrix(who, asked, allowed):
    assert isinstance(decide(POLICY, who, asked), Allowed) is allowed


def test_public_posting_only_for_team_numbers_asked_in_an_allowed_channel():
    assert decide(POLICY, OTTO_IN_CHANNEL, TeamNumbers("Billing")) == Allowed(public_ok=True)
    assert decide(POLICY, LENA, TeamNumbers("Billing")) == Allowed(public_ok=False)  # a DM is no place to post
    assert decide(POLICY, LENA, AgentDetail(BOB, "Billing")) == Allowed(public_ok=False)  # agent numbers never


def test_denials_are_polite_and_say_where_to_go():
    denied = decide(POLICY, OTTO_ELSEWHERE, TeamNumbers("Billing"))
    assert isinstance(denied, Denied)
    assert denied.message.startswith("Sorry") and "<#C0BILLING>" in denied.message and "#kpi-returns" in denied.message
    detail = decide(POLICY, ANN_DM, AgentDetail(BOB, "Billing"))
    assert "Billing's leads" in detail.message and "/kpi me" in detail.message


def test_allowed_channels_from_configuration_replace_the_team_channels_and_star_means_anywhere():
    listed = AccessPolicy(teams=POLICY.teams, allowed_channels=frozenset({"C0KPI"}))
    assert isinstance(decide(listed, Caller("U0OTTO", "C0KPI"), TeamNumbers("Billing")), Allowed)
    assert isinstance(decide(listed, OTTO_IN_CHANNEL, TeamNumbers("Billing")), Denied)
    anywhere = AccessPolicy(teams=POLICY.teams, allowed_channels=frozenset({"*"}))
    assert isinstance(decide(anywhere, OTTO_ELSEWHERE, TeamNumbers(None)), Allowed)
    assert isinstance(decide(anywhere, OTTO_ELSEWHERE, AgentDetail(BOB, "Billing")), Denied)
