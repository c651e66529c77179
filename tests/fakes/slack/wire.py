"""The wire format every method of the fake Slack Web API answers in, shared by its parts.

Every method answers HTTP 200 with ``{"ok": true, ...}`` or ``{"ok": false, "error": "<code>"}``
(https://docs.slack.dev/apis/web-api/); Block Kit limits are checked as Slack checks them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

def _ok(**body: Any) -> Scripted:
    return Scripted(200, {"ok": True, **body})


def _error(code: str, **extra: Any) -> Scripted:
    return Scripted(200, {"ok": False, "error": code, **extra})


def _block_problem(blocks: list[dict[str, Any]]) -> str | None:
    """Slack's own limits, checked independently of slack-sdk (the code under test uses it)."""
    if len(blocks) > 50:
        return f"more than 50 blocks ({len(blocks)})"
    for i, block in enumerate(blocks):
        if block.get("type") == "header" and len(block["text"]["text"]) > 150:
            return f"[{i}] header longer than 150"
        if block.get("type") == "section":
            if block.get("text") and len(block["text"]["text"]) > 3000:
                return f"[{i}] section text longer than 3000"
            fields = block.get("fields") or []
            if len(fields) > 10:
                return f"[{i}] more than 10 fields"
            if any(len(f["text"]) > 2000 for f in fields):
                return f"[{i}] field longer than 2000"
            if not block.get("text") and not fields:
                return f"[{i}] section without text or fields"
        if block.get("type") == "context" and not 1 <= len(block.get("elements") or []) <= 10:
            return f"[{i}] context needs 1 to 10 elements"
    return None
