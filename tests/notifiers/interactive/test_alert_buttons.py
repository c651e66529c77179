"""The alert's buttons, clicked over signed HTTP: acknowledge once (the message says by whom),
snooze (the message says until when), show the tickets behind it -- each only for whom may.

The alert: Billing's CSAT (75.0% over 13-19 Nov 2026) below 80%, posted to C0BILLING at "now"
(Fri 20 Nov 2026 12:00 UTC, reporting zone UTC). Lena leads Billing, Raj leads Returns, Ada is an
admin, Otto nobody in particular.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from kpis.results import MetricValue, ScopeRow
from kpis.store import service_tables
from kpis.windows import Window
from notifiers.alert_messages import alert_message
from notifiers.alert_rules import BREACH, AlertRule, Reading, Transition
from notifiers.interactive import action_ids as ids
from tests.notifiers.interactive.button_clicks import NOW, UTC, answer_to, click_payload, post_click, text_of

RULE = AlertRule(id="csat-floor", kpi="csat", scope="team", team="Billing", operator="<", threshold=80)
SCOPE = "team:zendesk:acme:1"
WINDOW = Window(date(2026, 11, 13), date(2026, 11, 20), UTC)
ALERT_ID = f"csat-floor|{SCOPE}|breach|{int(NOW.timestamp())}"


def posted_alert(slack, web_client, *, team="Billing", row_id="zendesk:acme:1"):  # noqa: ANN001, ANN201
    """The breach alert as the alerts job builds it, posted to the team's channel; returns (ts, message)."""
    slack.add_channel("kpi-billing", "C0BILLING")
    metric = MetricValue("csat", 75.0, previous=85.0, change=-10.0, n=4, insufficient_data=False)
    row = ScopeRow("team", row_id, team, None, {"csat": metric})
    transition = Transition(BREACH, Reading(RULE, SCOPE, row, metric), NOW)
    payload = alert_message(transition, WINDOW, UTC, alert_id=ALERT_ID)
    ts = web_client.chat_postMessage(channel="C0BILLING", **payload)["ts"]
    return ts, payload


def click(endpoint, slack, ts, payload, action_id, *, user, name):  # noqa: ANN001, ANN201
    value = next(e["value"] for b in payload["blocks"] if b.get("block_id") == ids.ALERT_BLOCK for e in b["elements"]
                 if e["action_id"] == action_id)
    message = {"type": "message", "ts": ts, "text": payload["text"], "blocks": _current(slack, ts)}
    body = click_payload(action_id, value, user=user, channel="C0BILLING", response_url=slack.response_url(name),
                         message=message, message_ts=ts)
    assert post_click(endpoint, body).status_code == 200
    return body


def _current(slack, ts):  # noqa: ANN001, ANN202
    return next(m for m in slack.messages if m.ts == ts).blocks


def _buttons(slack, ts):  # noqa: ANN001, ANN202
    block = next(b for b in _current(slack, ts) if b.get("block_id") == ids.ALERT_BLOCK)
    return [e["text"]["text"] for e in block["elements"]]


def _count(store, table) -> int:  # noqa: ANN001
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _wait_edits(slack, ts, edits):  # noqa: ANN001, ANN202
    from tests.helpdesk_kpis.server.serving import wait_for

    wait_for(lambda: next(m for m in slack.messages if m.ts == ts).edits >= edits, f"{edits} edit(s) of the alert")


def test_a_breach_alert_carries_the_four_buttons_and_a_recovery_none(slack, web_client):
    _ts, payload = posted_alert(slack, web_client)
    block = next(b for b in payload["blocks"] if b.get("block_id") == ids.ALERT_BLOCK)
    assert [e["text"]["text"] for e in block["elements"]] == ["Acknowledge", "Snooze 24 h", "Snooze 7 d", "Show tickets"]
    value = json.loads(block["elements"][0]["value"])
    assert (value["a"], value["r"], value["s"], value["t"], value["f"], value["l"]) == (
        ALERT_ID, "csat-floor", SCOPE, "Billing", "2026-11-13", "2026-11-19")


def test_acknowledge_records_the_lead_once_updates_the_message_and_a_second_click_says_who_was_first(
    endpoint, slack, web_client, store, clock
):
    ts, payload = posted_alert(slack, web_client)
    click(endpoint, slack, ts, payload, ids.ALERT_ACKNOWLEDGE, user="U0LENA", name="lena")
    _wait_edits(slack, ts, 1)
    assert "Acknowledged by <@U0LENA> at 20 Nov 2026 12:00 UTC" in text_of({"blocks": _current(slack, ts)})
    assert _buttons(slack, ts) == ["Snooze 24 h", "Snooze 7 d", "Show tickets"]
    assert "Billing" in text_of({"blocks": _current(slack, ts)})  # what the alert said is still there

    clock.now = NOW + timedelta(minutes=5)
    click(endpoint, slack, ts, payload, ids.ALERT_ACKNOWLEDGE, user="U0ADA", name="ada")
    assert answer_to(slack, "ada")["text"] == "This alert was already acknowledged by <@U0LENA> at 20 Nov 2026 12:00 UTC."
    assert next(m for m in slack.messages if m.ts == ts).edits == 1
    assert _count(store, service_tables.alert_acknowledgements) == 1


def test_someone_who_is_not_billings_lead_nor_an_admin_can_neither_acknowledge_nor_snooze(
    endpoint, slack, web_client, store
):
    ts, payload = posted_alert(slack, web_client)
    click(endpoint, slack, ts, payload, ids.ALERT_ACKNOWLEDGE, user="U0OTTO", name="otto")
    click(endpoint, slack, ts, payload, ids.ALERT_SNOOZE_WEEK, user="U0RAJ", name="raj")
    denial = ("Sorry, acknowledging and snoozing this alert is for Billing's leads and the admins. "
              "`/kpi breaches` lists what is in breach.")
    assert answer_to(slack, "otto")["text"] == denial
    assert answer_to(slack, "raj")["text"] == denial
    assert next(m for m in slack.messages if m.ts == ts).edits == 0
    assert _count(store, service_tables.alert_acknowledgements) == 0 and _count(store, service_tables.alert_snoozes) == 0


def test_snooze_says_until_when_in_the_reporting_zone_and_a_shorter_one_later_leaves_it(
    endpoint, slack, web_client, store, clock
):
    ts, payload = posted_alert(slack, web_client)
    click(endpoint, slack, ts, payload, ids.ALERT_SNOOZE_WEEK, user="U0ADA", name="week")
    _wait_edits(slack, ts, 1)
    assert ("Snoozed by <@U0ADA> until 27 Nov 2026 12:00 UTC: rule `csat-floor` stays quiet for this scope"
            in text_of({"blocks": _current(slack, ts)}))
    assert _buttons(slack, ts) == ["Acknowledge", "Snooze 24 h", "Snooze 7 d", "Show tickets"]

    clock.now = NOW + timedelta(hours=1)
    click(endpoint, slack, ts, payload, ids.ALERT_SNOOZE_DAY, user="U0LENA", name="day")
    assert answer_to(slack, "day")["text"] == (
        "This rule is already snoozed for this scope until 27 Nov 2026 12:00 UTC (by <@U0ADA>).")
    with store.engine.connect() as connection:
        rows = connection.execute(select(service_tables.alert_snoozes)).mappings().all()
    assert [(r["rule_id"], r["scope"], r["until"], r["user_id"]) for r in rows] == [
        ("csat-floor", SCOPE, datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc), "U0ADA")]


def test_show_tickets_lists_the_low_ratings_with_links_to_the_lead_and_kpis_denial_to_others(
    endpoint, slack, web_client
):
    ts, payload = posted_alert(slack, web_client)
    click(endpoint, slack, ts, payload, ids.ALERT_TICKETS, user="U0LENA", name="lena")
    lena = answer_to(slack, "lena")
    assert lena["response_type"] == "ephemeral"
    text = text_of(lena)
    assert "<https://acme.zendesk.com/agent/tickets/104|#104 Question 104>" in text
    assert "Took three days to answer" in text and "Bob Roy" in text

    click(endpoint, slack, ts, payload, ids.ALERT_TICKETS, user="U0OTTO", name="otto")
    assert answer_to(slack, "otto")["text"] == (
        "Sorry, low-rated lists (they name agents) are for Billing's leads and the admins. You can always see your own with `/kpi me`.")


def test_an_alert_value_that_is_not_ours_is_one_line(endpoint, slack, web_client, caplog):
    body = click_payload(ids.ALERT_ACKNOWLEDGE, '{"v":1,"a":"x"}', user="U0ADA", channel="C0BILLING",
                         response_url=slack.response_url("bad"))
    assert post_click(endpoint, body).status_code == 200
    assert answer_to(slack, "bad")["text"] == (
        "Sorry, that alert button carries no alert this app can read; use `/kpi breaches` instead.")
    assert "Traceback" not in caplog.text
