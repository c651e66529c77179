"""One button click, as Bolt hands its ``block_actions`` payload over, and the private reply to it.

The payload's fields: https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
(``user.id``, ``channel.id``, ``container.message_ts``, ``message``, ``actions[0]`` with its
``action_id`` and ``value``, ``response_url``). Replies go to ``response_url`` as ephemeral
messages that leave the clicked message as it is (``replace_original: false``): only the clicker
sees them (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from notifiers.slash.answer_blocks import Answer
from notifiers.slash.answer_blocks import message as one_line

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Click:
    user_id: str
    action_id: str
    value: str | None
    channel_id: str | None = None
    #: The clicked message's ts and its content (for chat.update), when it is a message's button.
    message_ts: str | None = None
    message: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Click:
        action = (body.get("actions") or [{}])[0]
        container = body.get("container") or {}
        return cls(
            user_id=str((body.get("user") or {}).get("id") or ""),
            action_id=str(action.get("action_id") or ""),
            value=action.get("value") if isinstance(action.get("value"), str) else None,
            channel_id=(body.get("channel") or {}).get("id") or container.get("channel_id"),
            message_ts=container.get("message_ts") or (body.get("message") or {}).get("ts"),
            message=body.get("message") or {},
        )


def reply_privately(respond: Callable[..., Any], answer: Answer) -> None:
    """``answer`` to the clicker alone; a failed delivery is logged (there is no one else to tell)."""
    payload = {**answer.payload(), "response_type": "ephemeral"}
    try:
        respond(**payload, replace_original=False)
    except Exception as error:  # noqa: BLE001
        log.warning("posting a button's answer to response_url failed: %s", type(error).__name__)


def tell(respond: Callable[..., Any], text: str) -> None:
    """One line (mrkdwn, already escaped) to the clicker alone."""
    reply_privately(respond, one_line(text))
