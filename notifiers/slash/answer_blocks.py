"""What a `/kpi` answer looks like: Block Kit built with slack-sdk's models.

KPI numbers are rendered by :mod:`notifiers.kpi_blocks`, the same code as the digest; this
module adds only what is particular to a command's answer (the heading, the low-rated list,
lists of teams and breaches, one-line messages).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from kpis.results import Report, ScopeRow
from kpis.windows import Window
from notifiers.blockkit import MAX_BLOCKS, MAX_SECTION_TEXT, to_dicts
from notifiers.kpi_blocks import compact_line, kpi_section
from notifiers.mrkdwn import escape, link, more_line, pack_lines, shorten

#: Low ratings listed in one answer (newest first).
MAX_LIST = 10
#: Sections a list may take: the message's block limit, less the heading and KPI blocks around it.
MAX_LIST_SECTIONS = MAX_BLOCKS - 10


@dataclass(frozen=True)
class Answer:
    """One reply: a fallback text (notifications, screen readers) and its blocks."""

    text: str
    blocks: tuple[Block, ...] = ()
    public: bool = False
    #: For the log when the answer is a denial: who asked what and why it was refused.
    denied: str | None = field(default=None, compare=False)

    def payload(self) -> dict[str, Any]:
        """Keyword arguments for Bolt's ``ack()`` / ``respond()``."""
        return {
            "response_type": "in_channel" if self.public else "ephemeral",
            "text": self.text,
            "blocks": to_dicts(self.blocks) or None,
        }


def message(text: str, *, public: bool = False, denied: str | None = None) -> Answer:
    return Answer(text=text, blocks=(SectionBlock(text=MarkdownTextObject(text=text)),), public=public, denied=denied)


def usage(problem: str, suggestion: str) -> Answer:
    return message(f"{problem} {suggestion}")


def _heading(title: str, report: Report, note: str | None) -> list[Block]:
    return heading(title, report.window, report.previous_window, note)


def heading(title: str, window: Window, previous: Window, note: str | None) -> list[Block]:
    """The answer's header and the line saying which days it covers."""
    context = f"{window.label()} ({window.zone.key}) · compared with {previous.label()}" + (
        f" · {note}" if note else ""
    )
    return [
        HeaderBlock(text=PlainTextObject(text=shorten(title, 150), emoji=True)),
        ContextBlock(elements=[MarkdownTextObject(text=context)]),
    ]


def kpi_answer(
    title: str, report: Report, row: ScopeRow, keys: Sequence[str], *, public: bool, note: str | None = None
) -> Answer:
    blocks = [*_heading(title, report, note), *kpi_section(row, keys)]
    fallback = f"{title}, {report.window.label()}: " + compact_line(row, keys).replace("*", "")
    return Answer(text=shorten(fallback, 3000), blocks=tuple(blocks), public=public)


def all_teams_answer(
    title: str,
    report: Report,
    overall: ScopeRow,
    teams: Sequence[ScopeRow],
    keys: Sequence[str],
    *,
    public: bool,
    note: str | None = None,
) -> Answer:
    """The overall row in full, then one line per team."""
    blocks: list[Block] = [*_heading(title, report, note), *kpi_section(overall, keys), DividerBlock()]
    lines = [compact_line(row, keys) for row in teams] or ["_No team has data in this window._"]
    blocks.extend(_sections(lines))
    return Answer(text=f"{title}, {report.window.label()}: {len(teams)} teams", blocks=tuple(blocks), public=public)


def low_rated_answer(title: str, report: Report, row: ScopeRow, *, public: bool, note: str | None = None) -> Answer:
    metric = row.metrics["low_rated"]
    items = list(metric.items)
    lines = [_low_rated_line(item) for item in items[:MAX_LIST]]
    if not lines:
        lines = ["_No low ratings in this window._"]
    elif len(items) > MAX_LIST:
        lines.append(more_line(len(items) - MAX_LIST))
    blocks = [*_heading(title, report, note), *_sections(lines)]
    return Answer(
        text=f"{title}, {report.window.label()}: {len(items)} low ratings", blocks=tuple(blocks), public=public
    )


def _low_rated_line(item: dict[str, Any]) -> str:
    ticket = f"#{item.get('ticket_id')}" if item.get("ticket_id") else "a ticket"
    subject = item.get("subject")
    label = f"{ticket} {shorten(subject, 60)}" if subject else ticket
    parts = [f"• {link(item.get('ticket_url'), label)}", (item.get("rated_at") or "")[:10]]
    if item.get("agent"):
        parts.append(escape(item["agent"]))
    if item.get("score_raw"):
        parts.append(f"rated {escape(str(item['score_raw']))}")
    line = " · ".join(p for p in parts if p)
    if item.get("comment"):
        line += f"\n   “{escape(shorten(item['comment'], 200))}”"
    if item.get("reason"):
        line += f" ({escape(shorten(item['reason'], 60))})"
    return line


def list_answer(title: str, lines: Sequence[str], *, public: bool, empty: str) -> Answer:
    blocks = [
        HeaderBlock(text=PlainTextObject(text=shorten(title, 150), emoji=True)),
        *_sections(list(lines) or [empty]),
    ]
    return Answer(text=f"{title}: " + (f"{len(lines)}" if lines else empty), blocks=tuple(blocks), public=public)


def _sections(lines: Sequence[str]) -> list[Block]:
    """Lines packed into sections within Slack's limits, "and N more" when they do not all fit."""
    chunks, used = pack_lines(list(lines), MAX_SECTION_TEXT, MAX_LIST_SECTIONS)
    if used < len(lines):
        chunks.append(more_line(len(lines) - used))
    return [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in chunks]


sections = _sections  # for answers built elsewhere (`/kpi why`)
