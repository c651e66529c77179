"""The fields of Slack's slash-command payload that the answers use.

https://docs.slack.dev/interactivity/implementing-slash-commands#app_command_handling
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """The fields of Slack's slash-command payload that matter here."""

    user_id: str
    text: str = ""
    channel_id: str | None = None
    channel_name: str | None = None

    @classmethod
    def from_payload(cls, payload: Mapping[str, object]) -> Command:
        def field(name: str) -> str | None:
            value = payload.get(name)
            return value if isinstance(value, str) and value else None

        return cls(
            user_id=field("user_id") or "",
            text=field("text") or "",
            channel_id=field("channel_id"),
            channel_name=field("channel_name"),
        )
