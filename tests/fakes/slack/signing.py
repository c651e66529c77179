"""Slash-command requests built and signed exactly as Slack builds and signs them.

Slack POSTs ``application/x-www-form-urlencoded`` and signs ``v0:<timestamp>:<raw body>`` with
HMAC-SHA256 under the app's signing secret, sending ``X-Slack-Request-Timestamp`` and
``X-Slack-Signature: v0=<hex>``: https://docs.slack.dev/authentication/verifying-requests-from-slack/
The test side computes the HMAC itself (an independent check of the server's verification).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import time
from urllib.parse import urlencode

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # Slack's published example secret
_TRIGGERS = itertools.count(398738663015)


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def command_body(text: str, **fields: str | None) -> bytes:
    """The form body of a slash command, as Slack POSTs it over HTTP."""
    return urlencode(command_fields(text, **fields)).encode()


def command_fields(
    text: str,
    *,
    user_id: str = "U0ANN",
    channel_id: str = "C0BILLING",
    channel_name: str = "kpi-billing",
    response_url: str = "https://hooks.slack.com/commands/T0TEAM/1/x",
    trigger_id: str | None = None,
    command: str = "/kpi",
) -> dict[str, str]:
    """A slash command's fields in Slack's order (the HTTP form, or a Socket Mode envelope's
    payload); each has its own trigger_id, as in Slack."""
    return {
        "token": "xyzz0WbapA4vBCDEFasx0q6G",
        "team_id": "T0TEAM",
        "team_domain": "acme",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0KPIBOT1",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or f"{next(_TRIGGERS)}.47445629121.803a0bc887a14d10d2c447fce8b6703c",
    }


def signed_headers(body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": slack_signature(secret, ts, body),
    }
