"""The same buttons over Socket Mode: the click arrives as an ``interactive`` envelope, is
acknowledged with its envelope id alone, and answered through its response_url."""

from __future__ import annotations

from datetime import date

from notifiers.interactive import action_ids as ids
from notifiers.interactive.action_ids import DigestAction
from notifiers.slash.socket_mode import SocketModeConnection
from tests.fakes.slack.socket_mode import APP_TOKEN, FakeSocketMode
from tests.helpdesk_kpis.server.serving import wait_for
from tests.notifiers.interactive.button_clicks import answer_to, bolt_app, click_payload, text_of
from tests.notifiers.interactive.test_alert_buttons import ALERT_ID, posted_alert

WEEK = DigestAction(team="Billing", every="weekly", first=date(2026, 11, 13), last=date(2026, 11, 19),
                    day=date(2026, 11, 19), why="csat")


def test_digest_and_alert_buttons_answer_over_socket_mode(slack, web_client, store, clicked_commands, clock):
    with FakeSocketMode() as socket:
        slack.socket_mode = socket
        connection = SocketModeConnection(bolt_app(clicked_commands, store, web_client, clock, signed=False), APP_TOKEN)
        connection.connect()
        try:
            ack = socket.send_envelope("interactive", click_payload(
                ids.DIGEST_AGENTS, WEEK.value(), user="U0LENA", channel="C0BILLING",
                response_url=slack.response_url("agents")))
            assert set(ack) == {"envelope_id"}  # a plain acknowledgement; the answer follows
            assert "Bob Roy" in text_of(answer_to(slack, "agents"))

            denied = socket.send_envelope("interactive", click_payload(
                ids.DIGEST_AGENTS, WEEK.value(), user="U0OTTO", channel="C0BILLING",
                response_url=slack.response_url("otto")))
            assert set(denied) == {"envelope_id"}
            assert answer_to(slack, "otto")["text"].startswith("Sorry, agent-level lines are for Billing's leads")

            ts, payload = posted_alert(slack, web_client)
            [value] = [e["value"] for b in payload["blocks"] if b.get("block_id") == ids.ALERT_BLOCK
                       for e in b["elements"] if e["action_id"] == ids.ALERT_ACKNOWLEDGE]
            message = {"type": "message", "ts": ts, "text": payload["text"], "blocks": payload["blocks"]}
            socket.send_envelope("interactive", click_payload(
                ids.ALERT_ACKNOWLEDGE, value, user="U0LENA", channel="C0BILLING", message=message, message_ts=ts,
                response_url=slack.response_url("ack")))
            wait_for(lambda: slack.method_calls("chat.update"), "the alert to be updated")  # the first click is done
            socket.send_envelope("interactive", click_payload(
                ids.ALERT_ACKNOWLEDGE, value, user="U0LENA", channel="C0BILLING", message=message, message_ts=ts,
                response_url=slack.response_url("again")))
            assert answer_to(slack, "again")["text"].startswith("This alert was already acknowledged by <@U0LENA>")
            assert [c["ts"] for c in slack.method_calls("chat.update")] == [ts]
            assert ALERT_ID in value
        finally:
            connection.close()
