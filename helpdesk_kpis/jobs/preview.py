"""Slack messages in the terminal: how a payload will read in Slack, for ``--dry-run`` and the demo.

Block Kit blocks become rich renderables: the header in bold, fields in two columns, context dim,
mrkdwn's *bold*, _italic_, `code`, ```code blocks```, quotes and <url|links> as the terminal can
show them. Emoji codes (``:bar_chart:``) are Slack's to draw: a terminal shows them as a word where
the word carries meaning (an alert's kind), else not at all, never as the code.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

_TOKEN = re.compile(r"<([^<>|]+)\|([^<>]+)>|<([^<>]+)>|\*([^*\n]+)\*|_([^_\n]+)_|`([^`\n]+)`")
#: An emoji code (not a part of "a:b:c" or "10:30:00"): https://docs.slack.dev/messaging/formatting-message-text#emoji
_EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+'-]+:(?![\w:]) ?")
#: The emoji that say something a reader needs, as words.
_EMOJI_WORDS = {":rotating_light:": "ALERT ", ":white_check_mark:": "OK ", ":warning:": "WARNING "}


def plain_emoji(source: str) -> str:
    """``source`` with Slack emoji codes as words or left out, for a terminal."""
    return _EMOJI.sub(lambda m: _EMOJI_WORDS.get(m.group().rstrip(), ""), source).rstrip(" ")


def mrkdwn_text(source: str, base_style: str = "") -> Text:
    """One mrkdwn string as rich Text (links show their label, then the address dimmed)."""
    text = Text(style=base_style)
    for number, part in enumerate(plain_emoji(source).split("```")):
        if number % 2:  # inside a code block: as it is, monospaced already
            text.append(html.unescape(part.strip("\n")), style="cyan")
        else:
            _append_lines(text, part)
    return text


def _append_lines(text: Text, source: str) -> None:
    for line_number, line in enumerate(source.split("\n")):
        if line_number:
            text.append("\n")
        if line.startswith("> "):
            text.append("│ ", style="dim")
            line = line[2:]
        position = 0
        for match in _TOKEN.finditer(line):
            text.append(html.unescape(line[position : match.start()]))
            url, label, bare, bold, italic, code = match.groups()
            if url:
                text.append(html.unescape(label), style="underline")
                text.append(f" ({html.unescape(url)})", style="dim")
            elif bare:
                text.append(_special(bare), style="bold")
            elif bold:
                text.append(html.unescape(bold), style="bold")
            elif italic:
                text.append(html.unescape(italic), style="italic dim")
            else:
                text.append(html.unescape(code), style="cyan")
            position = match.end()
        text.append(html.unescape(line[position:]))


def _special(inner: str) -> str:
    """<!here>, <@U123>, <!subteam^S1> as Slack shows them."""
    if inner.startswith("!subteam^"):
        return "@group:" + inner.split("^", 1)[1]
    if inner.startswith("!"):
        return "@" + inner[1:]
    return inner  # <@U123>: the member id is all the payload knows


def blocks_renderable(blocks: Iterable[dict[str, Any]]) -> RenderableType:
    parts: list[RenderableType] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            parts.append(Text(plain_emoji(block["text"]["text"]), style="bold reverse"))
        elif kind == "divider":
            parts.append(Rule(style="dim"))
        elif kind == "context":
            line = Text(" · ").join(mrkdwn_text(e.get("text", ""), "dim") for e in block.get("elements", []))
            parts.append(line)
        elif kind == "section":
            if block.get("text"):
                parts.append(mrkdwn_text(block["text"]["text"]))
            if block.get("fields"):
                grid = Table.grid(padding=(0, 3), expand=False)
                grid.add_column(ratio=1)
                grid.add_column(ratio=1)
                fields = [mrkdwn_text(f["text"]) for f in block["fields"]]
                for i in range(0, len(fields), 2):
                    grid.add_row(*fields[i : i + 2])
                parts.append(grid)
        else:
            parts.append(Text(f"[{kind} block]", style="dim"))
        parts.append(Text(""))
    return Group(*parts[:-1]) if parts else Text("")


def message_panel(payload: dict[str, Any], *, channel: str, note: str = "", fallback: bool = True) -> Panel:
    """A message as a panel titled with its channel; the fallback text underneath (``fallback``)."""
    parts: list[RenderableType] = [blocks_renderable(payload.get("blocks") or [])]
    if fallback:
        parts += [Text(""), Text(f"notification text: {payload.get('text', '')}", style="dim italic")]
    body = Group(*parts)
    subtitle = escape(note) if note else None
    return Panel(body, title=f"[bold]{escape(channel)}[/]", title_align="left", subtitle=subtitle,
                 subtitle_align="left")
