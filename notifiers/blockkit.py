"""The check every payload passes before it is posted or printed.

Blocks are built with slack-sdk's models, whose validators know most limits (header 150
characters, section text 3000, 10 fields); the message-level ones slack-sdk leaves to Slack are
checked here: https://docs.slack.dev/reference/block-kit/blocks. The limits themselves, and the
fitting that keeps every message within them, are in :mod:`notifiers.fitting`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from hashlib import sha256
from typing import Any

from slack_sdk.models.blocks import Block, SectionBlock

from notifiers.fitting import (
    MAX_BLOCKS,
    MAX_CONTEXT_ELEMENTS,
    MAX_FALLBACK_TEXT,
    MAX_FIELD_TEXT,
    MAX_MESSAGE_TEXT,
    text_length,
)


class InvalidPayload(ValueError):
    """A payload we built breaks a Block Kit rule: a bug here, never the user's doing."""


def to_dicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    """The blocks as JSON dicts; slack-sdk validates each block on the way (``to_dict``)."""
    return [block.to_dict() for block in blocks]


def validate_message(payload: dict[str, Any]) -> None:
    """Raise :class:`InvalidPayload` unless Slack would accept ``payload``'s blocks and text as they are."""
    blocks = payload.get("blocks") or []
    text = payload.get("text") or ""
    if not text.strip():
        raise InvalidPayload("a message needs a top-level text fallback")
    if len(text) > MAX_FALLBACK_TEXT:
        raise InvalidPayload(f"fallback text has {len(text)} characters (at most {MAX_FALLBACK_TEXT})")
    if len(blocks) > MAX_BLOCKS:
        raise InvalidPayload(f"{len(blocks)} blocks (at most {MAX_BLOCKS})")
    try:
        parsed = Block.parse_all(blocks)
        for block in parsed:
            block.validate_json()
    except Exception as error:  # slack-sdk raises SlackObjectFormationError and friends
        raise InvalidPayload(f"invalid block: {error}") from error
    total = len(text) + sum(text_length(block) for block in blocks)
    if total > MAX_MESSAGE_TEXT:
        raise InvalidPayload(f"the message has {total} characters of text (at most {MAX_MESSAGE_TEXT})")
    for block in parsed:
        if isinstance(block, SectionBlock):
            for item in block.fields or ():
                if len(item.text) > MAX_FIELD_TEXT:
                    raise InvalidPayload(f"a section field has {len(item.text)} characters (at most {MAX_FIELD_TEXT})")
        if block.type == "context" and len(block.elements) > MAX_CONTEXT_ELEMENTS:
            raise InvalidPayload(f"a context block has {len(block.elements)} elements (at most {MAX_CONTEXT_ELEMENTS})")


def payload_hash(payload: dict[str, Any]) -> str:
    """What decides whether a posted message needs updating: its text and blocks, canonically."""
    canonical = json.dumps({"text": payload.get("text"), "blocks": payload.get("blocks")}, sort_keys=True)
    return sha256(canonical.encode()).hexdigest()
