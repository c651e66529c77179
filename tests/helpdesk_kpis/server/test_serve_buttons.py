"""`serve` answers the digests' buttons on the same endpoint as `/kpi`: a signed click from
Billing's lead gets Billing's agents, privately (the store of test_serve_slash: Bob Roy 50.0%)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from notifiers.interactive import action_ids as ids
from notifiers.interactive.action_ids import DigestAction
from tests.helpdesk_kpis.server.test_serve_slash import server  # noqa: F401 - the fixture
from tests.notifiers.interactive.button_clicks import answer_to, click_payload, post_click, text_of


def test_a_signed_click_on_a_digest_button_is_answered_by_serve(server):  # noqa: F811
    url, slack, _process = server
    yesterday = datetime.now(timezone.utc).date() - timedelta(days=1)
    week = DigestAction("Billing", "daily", yesterday - timedelta(days=6), yesterday, yesterday, "csat")
    lena = click_payload(ids.DIGEST_AGENTS, week.value(), user="U0LENA", channel="C0BILLING",
                         response_url=slack.response_url("lena"))
    assert post_click(url, lena).status_code == 200
    answer = answer_to(slack, "lena")
    assert answer["response_type"] == "ephemeral"
    assert "Bob Roy" in text_of(answer) and "50.0%" in text_of(answer)
    forged = post_click(url, lena, secret="forged")
    assert forged.status_code == 401
