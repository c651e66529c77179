"""The button payloads shown in docs/slack-buttons.md, rendered from the code that posts them.

    .venv/bin/python -m tests.notifiers.interactive.doc_payloads

prints them; test_buttons_doc checks that the page shows exactly these.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject

from kpis.results import MetricValue, ScopeRow
from kpis.windows import Window
from notifiers.alert_messages import alert_message
from notifiers.alert_rules import BREACH, AlertRule, Reading, Transition
from notifiers.blockkit import to_dicts
from notifiers.interactive import action_ids as ids
from notifiers.interactive.action_ids import DigestAction
from notifiers.interactive.button_blocks import alert_buttons, digest_buttons
from notifiers.interactive.digest_actions import digest_words

BERLIN = ZoneInfo("Europe/Berlin")
AT = datetime(2026, 11, 16, 9, 15, tzinfo=timezone.utc)
WEEK = DigestAction(team="Billing", every="weekly", first=date(2026, 11, 9), last=date(2026, 11, 15),
                    day=date(2026, 11, 15), why="first_reply_time_median")


def digest_block() -> dict:
    return digest_buttons(WEEK).to_dict()


def digest_commands() -> dict[str, str]:
    return {label: "/kpi " + digest_words(action_id, WEEK)
            for action_id, label in (("kpi_digest_agents", "Agents"), ("kpi_digest_by_channel", "By channel"),
                                     ("kpi_digest_why", "Why?"), ("kpi_digest_30_days", "30 days"))}


def alert() -> dict:
    rule = AlertRule(id="csat-floor", kpi="csat", scope="team", team="Billing", operator="<", threshold=80)
    metric = MetricValue("csat", 72.5, previous=85.0, change=-12.5, n=40, ci_low=62.5, ci_high=80.5,
                         insufficient_data=False)
    row = ScopeRow("team", "zendesk:acme:360001", "Billing", None, {"csat": metric})
    window = Window(date(2026, 11, 9), date(2026, 11, 16), BERLIN)
    alert_id = f"csat-floor|team:zendesk:acme:360001|breach|{int(AT.timestamp())}"
    return alert_message(Transition(BREACH, Reading(rule, "team:zendesk:acme:360001", row, metric), AT), window,
                         BERLIN, alert_id=alert_id)


def acknowledged_tail() -> list[dict]:
    """What an acknowledgement puts in place of the alert's buttons (chat.update)."""
    from notifiers.interactive.action_ids import AlertAction

    buttons = next(b for b in alert()["blocks"] if b.get("block_id") == ids.ALERT_BLOCK)
    action = AlertAction.parse(buttons["elements"][0]["value"])
    line = ":ballot_box_with_check: Acknowledged by <@U024BE7LH> at 16 Nov 2026 10:20 Europe/Berlin"
    return to_dicts([ContextBlock(elements=[MarkdownTextObject(text=line)]), alert_buttons(action, acknowledged=True)])


def rendered() -> list[str]:
    """The JSON snippets of the page, in its order."""
    return [json.dumps(digest_block(), indent=2, ensure_ascii=False),
            json.dumps(alert()["blocks"], indent=2, ensure_ascii=False),
            json.dumps(acknowledged_tail(), indent=2, ensure_ascii=False)]


if __name__ == "__main__":
    for label, command in digest_commands().items():
        print(f"{label}: {command}")
    for snippet in rendered():
        print(snippet)
