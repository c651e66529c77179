"""`/kpi scorecard`: the grammar, and who may see whose scorecard (the agent, their leads, admins)."""

from __future__ import annotations

import json

import pytest

from notifiers.slash.command import Command
from notifiers.slash.grammar import Scope, ScorecardQuery, Usage, parse

TEAMS = ["Billing", "Returns"]


def test_grammar_scorecard_with_an_agent_a_team_me_or_nothing():
    assert parse("scorecard", TEAMS) == ScorecardQuery()
    mention = parse("scorecard <@U0BOB|bob> 30d", TEAMS)
    assert mention.target.scope is Scope.AGENT and mention.target.user_id == "U0BOB"
    assert mention.period.name == "30d"
    assert parse("scorecard team billing", TEAMS).target.team == "Billing"
    assert parse("scorecard me", TEAMS).target.scope is Scope.ME
    assert isinstance(parse("scorecard csat", TEAMS), Usage)
    assert isinstance(parse("scorecard all", TEAMS), Usage)


def ask(commands, user: str, text: str, channel: str = "D0DIRECT"):
    answer = commands.answer(Command(user_id=user, text=text, channel_id=channel))
    return answer, json.dumps(answer.payload(), ensure_ascii=False)


def test_an_agent_sees_their_own_scorecard_with_its_trend_chart(commands):
    answer, shown = ask(commands, "U0ANN", "scorecard")
    assert "Scorecard · Ann Lee" in shown
    assert "Bob Roy" not in shown
    assert answer.public is False
    assert answer.chart is not None and answer.chart.png.startswith(b"\x89PNG")
    assert "Ann Lee" in answer.chart.alt_text


@pytest.mark.parametrize(("user", "text", "channel"), [
    ("U0ANN", "scorecard <@U0BOB>", "D0DIRECT"),  # an agent: not a colleague's
    ("U0LENA", "scorecard <@U0CAT>", "D0DIRECT"),  # Billing's lead: not a Returns agent's
    ("U0OTTO", "scorecard team billing", "C0BILLING"),  # nobody: not even in the team's channel
    ("U0ANN", "scorecard team billing", "C0BILLING"),  # an agent: not the team's
])
def test_others_are_refused_politely(commands, user, text, channel):
    answer, shown = ask(commands, user, text, channel)
    assert "scorecards are for" in shown
    assert "score *" not in shown  # no scorecard line at all
    assert answer.chart is None and answer.public is False


@pytest.mark.parametrize(("user", "text", "sees", "not_sees"), [
    ("U0LENA", "scorecard", ("Ann Lee", "Bob Roy"), ("Cat Kim",)),  # a lead, no target: their team
    ("U0LENA", "scorecard <@U0BOB>", ("Bob Roy",), ("Ann Lee",)),
    ("U0RAJ", "scorecard team returns", ("Cat Kim",), ("Ann Lee",)),  # a lead through a user group
    ("U0ADA", "scorecard team billing", ("Ann Lee", "Bob Roy"), ("Cat Kim",)),  # an admin
])
def test_leads_and_admins_see_the_scorecards_of_their_teams(commands, user, text, sees, not_sees):
    answer, shown = ask(commands, user, text)
    for name in sees:
        assert name in shown
    for name in not_sees:
        assert name not in shown


def test_public_is_never_honoured_for_a_scorecard(commands):
    answer, shown = ask(commands, "U0LENA", "scorecard public", "C0BILLING")
    assert answer.public is False
    assert "never posted to a channel" in shown


def test_the_trend_chart_goes_to_the_askers_direct_message_only(commands, slack, web_client):
    from notifiers.slash.private_files import send_privately

    answer, _ = ask(commands, "U0LENA", "scorecard", "C0BILLING")
    assert send_privately(web_client, "U0LENA", answer.chart) is True
    uploads = [u for u in slack.uploads.values() if u.channel is not None]
    assert [(u.channel, u.filename) for u in uploads] == [("D0LENA", "scorecard.png")]
    assert "Ann Lee" in uploads[0].alt_txt
    assert slack.method_calls("conversations.open")[0]["users"] == "U0LENA"


def test_a_refused_upload_is_logged_not_raised(commands, slack, web_client, caplog):
    from notifiers.slash.private_files import send_privately

    answer, _ = ask(commands, "U0ANN", "scorecard")
    slack.fail("conversations.open", "missing_scope", needed="im:write")
    assert send_privately(web_client, "U0ANN", answer.chart) is False
    assert any("missing_scope" in m for m in caplog.messages)
