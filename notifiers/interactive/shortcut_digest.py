"""The "Explain this" message shortcut on a digest: which digest, and the modal explaining it.

A digest carries Slack message metadata (``kpi_digest_posted``, :func:`notifiers.digest_metadata.digest_metadata`):
its team, its window's days and the KPIs it shows, the one that moved most first. The shortcut
asks `/kpi why KPI team NAME FIRST..LAST` (``all`` for the leads' digest) about that window, so
an old digest is explained for its own days; a picker in the modal switches to the digest's other
KPIs. A message without that metadata (any other message, or a digest posted before the metadata
named its days) gets a modal saying what the shortcut is for.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from kpis.catalogue import KPIS
from notifiers.digest import DIGEST_EVENT
from notifiers.interactive.modal_answer import answer_view, working_view
from notifiers.slash.answer_blocks import Answer

EXPLAIN_CALLBACK = "explain_digest_view"
#: The KPI picker's action_id (a block action on the open modal).
PICK_KPI = "explain_digest_kpi"
TITLE = "Explain this digest"
NOT_A_DIGEST = (
    "*Explain this* works on the KPI digests this app posts: it explains why the digest's numbers moved.\n"
    "This message is not one. To ask about any team or period, use the *Support KPIs* shortcut or `/kpi why csat`."
)
OLD_DIGEST = (
    "This digest was posted before digests said which days they cover, so I can't tell what to explain.\n"
    "Ask with `/kpi why csat team NAME FIRST..LAST` (both days included)."
)


@dataclass(frozen=True)
class DigestRef:
    """The digest a message shortcut was used on, and where it is."""

    team: str | None
    first_day: date
    last_day: date
    kpis: tuple[str, ...]
    channel_id: str | None = None

    def why_words(self, key: str) -> str:
        target = f"team {self.team}" if self.team else "all"
        return f"why {key} {target} {self.first_day}..{self.last_day}"

    def metadata(self, key: str) -> str:
        """private_metadata of the modal: enough to answer the picker without the message."""
        return json.dumps({"team": self.team, "first_day": self.first_day.isoformat(),
                           "last_day": self.last_day.isoformat(), "kpis": list(self.kpis), "kpi": key,
                           "channel_id": self.channel_id})

    @classmethod
    def from_private_metadata(cls, text: str) -> DigestRef | None:
        try:
            data = json.loads(text or "{}")
        except ValueError:
            return None
        return cls.from_payload(data, data.get("channel_id"))

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any], channel_id: str | None) -> DigestRef | None:
        try:
            kpis = tuple(k for k in payload.get("kpis") or () if k in KPIS)
            first, last = date.fromisoformat(payload["first_day"]), date.fromisoformat(payload["last_day"])
        except (KeyError, TypeError, ValueError):
            return None
        team = payload.get("team")
        return cls(team if isinstance(team, str) and team else None, first, last, kpis, channel_id)


@dataclass(frozen=True)
class NotExplained:
    """Why a message cannot be explained: the text the modal shows."""

    text: str


def digest_of(message: Mapping[str, Any] | None, channel_id: str | None) -> DigestRef | NotExplained | None:
    """The digest ``message`` is; ``None`` when its metadata is absent (the caller may read it from
    the channel's history, as the message shortcut payload need not carry it)."""
    if not message:
        return NotExplained(NOT_A_DIGEST)
    metadata = message.get("metadata")
    if not isinstance(metadata, Mapping):
        return None
    if metadata.get("event_type") != DIGEST_EVENT:
        return NotExplained(NOT_A_DIGEST)
    ref = DigestRef.from_payload(metadata.get("event_payload") or {}, channel_id)
    if ref is None or not ref.kpis:
        return NotExplained(OLD_DIGEST)
    return ref


def not_explained_view(reason: NotExplained) -> View:
    return View(type="modal", callback_id=EXPLAIN_CALLBACK, title=TITLE, close="Close",
                blocks=[SectionBlock(text=MarkdownTextObject(text=reason.text))])


def explain_working_view(ref: DigestRef, key: str) -> View:
    return working_view(TITLE, callback_id=EXPLAIN_CALLBACK, private_metadata=ref.metadata(key),
                        above=(_picker(ref.kpis, key),))


def explain_view(ref: DigestRef, key: str, answer: Answer) -> View:
    return answer_view(TITLE, answer, ref.why_words(key), callback_id=EXPLAIN_CALLBACK,
                       private_metadata=ref.metadata(key), above=(_picker(ref.kpis, key),))


def _picker(kpis: Sequence[str], key: str) -> ActionsBlock:
    options = [Option(value=k, text=PlainTextObject(text=KPIS[k].label)) for k in kpis]
    chosen = next(o for o in options if o.value == key)
    return ActionsBlock(block_id=PICK_KPI, elements=[
        StaticSelectElement(action_id=PICK_KPI, options=options, initial_option=chosen, placeholder="KPI")])
