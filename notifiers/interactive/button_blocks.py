"""The actions blocks the digests and alerts carry: Block Kit buttons built with slack-sdk's models.

https://docs.slack.dev/reference/block-kit/blocks/actions-block: at most 25 elements; a button's
text at most 75 characters, its value 2,000 (:mod:`.action_ids` checks the value).
"""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, PlainTextObject

from notifiers.interactive import action_ids as ids
from notifiers.interactive.action_ids import AlertAction, DigestAction

DIGEST_LABELS = {
    ids.DIGEST_AGENTS: "Agents",
    ids.DIGEST_CHANNELS: "By channel",
    ids.DIGEST_WHY: "Why?",
    ids.DIGEST_30_DAYS: "30 days",
}
ALERT_LABELS = {
    ids.ALERT_ACKNOWLEDGE: "Acknowledge",
    ids.ALERT_SNOOZE_DAY: "Snooze 24 h",
    ids.ALERT_SNOOZE_WEEK: "Snooze 7 d",
    ids.ALERT_TICKETS: "Show tickets",
}


def digest_buttons(action: DigestAction) -> ActionsBlock:
    value = action.value()
    return ActionsBlock(block_id=ids.DIGEST_BLOCK, elements=[_button(a, label, value) for a, label in DIGEST_LABELS.items()])


def alert_buttons(action: AlertAction, *, acknowledged: bool = False) -> ActionsBlock:
    """The alert's buttons; once acknowledged, without "Acknowledge" (the message says by whom)."""
    value = action.value()
    return ActionsBlock(
        block_id=ids.ALERT_BLOCK,
        elements=[_button(a, label, value, primary=a == ids.ALERT_ACKNOWLEDGE)
                  for a, label in ALERT_LABELS.items() if not (acknowledged and a == ids.ALERT_ACKNOWLEDGE)],
    )


def _button(action_id: str, label: str, value: str, *, primary: bool = False) -> ButtonElement:
    return ButtonElement(text=PlainTextObject(text=label, emoji=False), action_id=action_id, value=value,
                         style="primary" if primary else None)
