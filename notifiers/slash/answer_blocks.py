"""What a `/kpi` answer looks like: Block Kit built with slack-sdk's models.

KPI numbers are rendered by :mod:`notifiers.kpi_blocks`, the same code as the digest; this
module adds only what is particular to a command's answer (the heading, the low-rated list,
lists of teams and breaches, one-line messages). Every answer is fitted into Slack's limits by
:mod:`notifiers.fitting`; a list cut short points to the `helpdesk-kpis report` command giving it all.
Titles are plain text (headers); wherever one goes into mrkdwn it is escaped.
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
from notifiers.blockkit import to_dicts
from notifiers.chart import Chart
from notifiers.fitting import MAX_HEADER, Lines, fit_blocks, fit_fallback
from notifiers.kpi_blocks import compact_line, kpi_section
from notifiers.mrkdwn import escape, link, shorten
from notifiers.report_command import report_command, row_command

#: Low ratings listed in one answer (newest first).
MAX_LIST = 10


@dataclass(frozen=True)
class Answer:
    """One reply: a fallback text (notifications, screen readers) and its blocks."""

    text: str
    blocks: tuple[Block, ...] = ()
    public: bool = False
    #: For the log when the answer is a denial: who asked what and why it was refused.
    denied: str | None = field(default=None, compare=False)
    #: An image sent after the answer, privately to the asker (a scorecard's trend).
    chart: Chart | None = field(default=None, compare=False)

    def payload(self) -> dict[str, Any]:
        """Keyword arguments for Bolt's ``ack()`` / ``respond()``."""
        return {
            "response_type": "in_channel" if self.public else "ephemeral",
            "text": self.text,
            "blocks": to_dicts(self.blocks) or None,
        }


def fitted(
    text: str,
    parts: Sequence[Block | Lines],
    *,
    public: bool,
    full_answer: str | None = None,
    denied: str | None = None,
) -> Answer:
    """An answer of ``parts`` fitted into Slack's limits (``full_answer``: where a cut list is whole)."""
    blocks = fit_blocks(parts, full_answer=full_answer)
    return Answer(text=fit_fallback(text), blocks=tuple(blocks), public=public, denied=denied)


def message(text: str, *, public: bool = False, denied: str | None = None) -> Answer:
    """``text`` is mrkdwn: whatever a user or the helpdesk chose in it is escaped already."""
    return fitted(text, [SectionBlock(text=MarkdownTextObject(text=text))], public=public, denied=denied)


def usage(problem: str, suggestion: str) -> Answer:
    """The grammar's lines are plain text, the words typed in them echoed: escaped here, all of them."""
    return message(f"{escape(problem)} {escape(suggestion)}")


def _heading(title: str, report: Report, note: str | None) -> list[Block]:
    return heading(title, report.window, report.previous_window, note)


def heading(title: str, window: Window, previous: Window, note: str | None) -> list[Block]:
    """The answer's header and the line saying which days it covers."""
    context = f"{window.label()} ({window.zone.key}) · compared with {previous.label()}" + (
        f" · {note}" if note else ""
    )
    return [
        HeaderBlock(text=PlainTextObject(text=shorten(title, MAX_HEADER), emoji=True)),
        ContextBlock(elements=[MarkdownTextObject(text=context)]),
    ]


def kpi_answer(
    title: str, report: Report, row: ScopeRow, keys: Sequence[str], *, public: bool, note: str | None = None
) -> Answer:
    blocks = [*_heading(title, report, note), *kpi_section(row, keys)]
    fallback = f"{escape(title)}, {report.window.label()}: " + compact_line(row, keys).replace("*", "")
    return fitted(fallback, blocks, public=public, full_answer=row_command(report.window, row, keys))


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
    lines = [compact_line(row, keys) for row in teams] or ["_No team has data in this window._"]
    parts = [*_heading(title, report, note), *kpi_section(overall, keys), DividerBlock()]
    parts.append(Lines(lines, noun="more teams"))
    return fitted(
        f"{escape(title)}, {report.window.label()}: {len(teams)} teams",
        parts,
        public=public,
        full_answer=report_command(report.window, by="team", keys=keys),
    )


def low_rated_answer(title: str, report: Report, row: ScopeRow, *, public: bool, note: str | None = None) -> Answer:
    metric = row.metrics["low_rated"]
    items = list(metric.items)
    lines = [_low_rated_line(item) for item in items[:MAX_LIST]] or ["_No low ratings in this window._"]
    return fitted(
        f"{escape(title)}, {report.window.label()}: {len(items)} low ratings",
        [*_heading(title, report, note), Lines(lines, noun="more low ratings", total=len(items))],
        public=public,
        full_answer=row_command(report.window, row, as_json=True),
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


def list_answer(
    title: str, lines: Sequence[str], *, public: bool, empty: str, full_answer: str | None = None
) -> Answer:
    header = HeaderBlock(text=PlainTextObject(text=shorten(title, MAX_HEADER), emoji=True))
    parts = [header, Lines(list(lines) or [empty])]
    text = f"{escape(title)}: " + (f"{len(lines)}" if lines else empty)
    return fitted(text, parts, public=public, full_answer=full_answer)
