"""The digest's buttons, clicked over signed HTTP: each answers for the digest's own team and
period, privately, with `/kpi`'s access rules and denial texts.

The digest is Billing's weekly one for 13-19 Nov 2026 (see tests/notifiers/slash/conftest.py):
CSAT 3 good of 4 = 75.0%; Ann Lee 2/2 = 100.0%, Bob Roy 1/2 = 50.0%.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from notifiers.interactive import action_ids as ids
from notifiers.interactive.action_ids import DigestAction
from notifiers.interactive.button_blocks import digest_buttons
from tests.notifiers.interactive.button_clicks import answer_to, click_payload, post_click, text_of

BILLING_WEEK = DigestAction(team="Billing", every="weekly", first=date(2026, 11, 13), last=date(2026, 11, 19),
                            day=date(2026, 11, 19), why="csat")
AGENT_DENIAL = ("Sorry, agent-level lines are for Billing's leads and the admins. "
                "You can always see your own with `/kpi me`.")


def click(endpoint, slack, action_id, *, user, channel="C0BILLING", action=BILLING_WEEK, value=None, name="1"):  # noqa: ANN001, ANN201
    payload = click_payload(action_id, value if value is not None else action.value(), user=user, channel=channel,
                            response_url=slack.response_url(name))
    response = post_click(endpoint, payload)
    assert response.status_code == 200  # acknowledged at once, empty body: the answer follows
    return answer_to(slack, name)


def test_the_actions_block_carries_the_four_buttons_and_the_digests_period():
    block = digest_buttons(BILLING_WEEK).to_dict()
    assert [(e["text"]["text"], e["action_id"]) for e in block["elements"]] == [
        ("Agents", ids.DIGEST_AGENTS), ("By channel", ids.DIGEST_CHANNELS), ("Why?", ids.DIGEST_WHY),
        ("30 days", ids.DIGEST_30_DAYS)]
    assert DigestAction.parse(block["elements"][0]["value"]) == BILLING_WEEK


def test_agents_go_to_billings_lead_privately_and_the_same_denial_as_kpi_to_anyone_else(endpoint, slack):
    lena = click(endpoint, slack, ids.DIGEST_AGENTS, user="U0LENA", name="lena")
    assert lena["response_type"] == "ephemeral" and lena["replace_original"] is False
    text = text_of(lena)
    assert "Ann Lee" in text and "100.0%" in text and "Bob Roy" in text and "50.0%" in text

    otto = click(endpoint, slack, ids.DIGEST_AGENTS, user="U0OTTO", name="otto")
    assert otto["response_type"] == "ephemeral"
    assert otto["text"] == AGENT_DENIAL
    # Raj leads Returns (through a user group): Billing's agents are not his either.
    raj = click(endpoint, slack, ids.DIGEST_AGENTS, user="U0RAJ", name="raj")
    assert raj["text"] == AGENT_DENIAL
    assert "Bob Roy" not in text_of(otto) + text_of(raj)


def test_by_channel_and_why_answer_anyone_in_the_teams_channel_for_the_digests_week(endpoint, slack):
    channels = click(endpoint, slack, ids.DIGEST_CHANNELS, user="U0OTTO", name="channels")
    assert channels["response_type"] == "ephemeral"
    assert "by channel · Billing · 2026-11-13..2026-11-19" in text_of(channels)
    why = click(endpoint, slack, ids.DIGEST_WHY, user="U0OTTO", name="why")
    # The desk has no ratings before the digest's week: the week before it (6-12 Nov) is compared.
    assert why["text"] == "Billing: nothing to explain, no CSAT in the previous window (2026-11-06 to 2026-11-12)."


def test_a_click_on_an_old_digest_answers_for_its_period_not_today(endpoint, slack, clock):
    clock.now = datetime(2027, 1, 15, 9, 0, tzinfo=timezone.utc)  # two months on: nothing in today's 7 days
    month = click(endpoint, slack, ids.DIGEST_30_DAYS, user="U0LENA", name="old")
    text = text_of(month)
    assert "Billing · 2026-10-21..2026-11-19" in text  # 30 days ending on the digest's last day
    assert "75.0%" in text and "n=4" in text


def test_a_forged_or_unreadable_value_is_one_line_and_a_value_naming_another_team_gets_that_teams_denial(
    endpoint, slack, caplog
):
    garbage = click(endpoint, slack, ids.DIGEST_AGENTS, user="U0LENA", value="{not json", name="garbage")
    assert garbage["text"] == ("Sorry, that button was not made by this app (or by an older version of it); "
                               "use `/kpi` instead.")
    wrong = click(endpoint, slack, ids.DIGEST_AGENTS, user="U0LENA", value='{"v":1,"t":"Billing"}', name="partial")
    assert wrong["text"] == "Sorry, that digest button carries no period this app can read; use `/kpi` instead."
    returns = DigestAction(team="Returns", every="daily", first=date(2026, 11, 13), last=date(2026, 11, 19),
                           day=date(2026, 11, 19), why="csat")
    forged = click(endpoint, slack, ids.DIGEST_AGENTS, user="U0LENA", action=returns, name="forged")
    assert forged["text"] == ("Sorry, agent-level lines are for Returns's leads and the admins. "
                              "You can always see your own with `/kpi me`.")
    assert "Cat Kim" not in text_of(forged)
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("secret", ["forged-secret"])
def test_an_unsigned_click_is_refused_before_any_answer(endpoint, slack, secret):
    payload = click_payload(ids.DIGEST_AGENTS, BILLING_WEEK.value(), user="U0LENA", channel="C0BILLING",
                            response_url=slack.response_url("unsigned"))
    assert post_click(endpoint, payload, secret=secret).status_code == 401
    assert slack.wait_for_response("unsigned", timeout=1) is None
