"""Slack's message limits, and fitting any message we build into them.

Every builder (the `/kpi` answers, digests, alerts) passes its blocks through :func:`fit_blocks`
and its fallback through :func:`fit_fallback`, so that no answer is ever rejected for its size:
a section text longer than 3,000 characters is split into several sections (a single line that
long is shortened), fields and headers are shortened, and a message that would have more than
50 blocks or 40,000 characters is cut, ending with "and N more" and the `helpdesk-kpis report`
command line that gives the full answer. Limits: https://docs.slack.dev/reference/block-kit/blocks
and https://docs.slack.dev/reference/methods/chat.postMessage (``text``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, MarkdownTextObject, PlainTextObject, SectionBlock

from notifiers.mrkdwn import ELLIPSIS, escape, shorten

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
#: Any other text object (a context element's, say).
MAX_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER = 150
MAX_CONTEXT_ELEMENTS = 10
#: Slack's limit on a message's text; we hold the fallback and every block's text together to it.
MAX_MESSAGE_TEXT = 40_000
#: Ours, not Slack's: a fallback is read in a notification, one sentence is enough.
MAX_FALLBACK_TEXT = 3000
#: What the blocks of one message may hold, the fallback's share set aside.
MAX_BLOCKS_TEXT = MAX_MESSAGE_TEXT - MAX_FALLBACK_TEXT
#: Longer than this, a command line is no help to copy; the pointer is left out.
MAX_COMMAND = 300


@dataclass(frozen=True)
class Lines:
    """A list that may grow without bound (teams, agents, ratings), packed into sections to fit.

    ``entries`` are mrkdwn, one per item (an item may span lines); ``total`` counts the items
    when the caller listed only the first ones. ``noun`` finishes "and N more ...".
    """

    entries: Sequence[str]
    head: str = ""
    noun: str = "more"
    total: int | None = None

    @property
    def count(self) -> int:
        return max(self.total or 0, len(self.entries))


def more_line(count: int, noun: str = "more", full_answer: str | None = None) -> str:
    """"_and 12 more teams_ · the full answer: `helpdesk-kpis report ...`"."""
    line = f"_and {count:,} {noun}_"
    return line + (f" · {pointer(full_answer)}" if full_answer else "")


def fit_fallback(text: str) -> str:
    """A message's top-level text within :data:`MAX_FALLBACK_TEXT` (never empty: Slack needs one)."""
    text = text if len(text) <= MAX_FALLBACK_TEXT else cut_mrkdwn(text, MAX_FALLBACK_TEXT)
    return text if text.strip() else "(no text)"


def cut_mrkdwn(text: str, limit: int) -> str:
    """:func:`~notifiers.mrkdwn.shorten`, never leaving half a link (``<url|``) or an entity (``&am``)."""
    if len(text) <= limit:
        return text
    short = shorten(text, limit)
    if short == " ".join(text.split()):  # only runs of spaces made it long
        return short
    cut = short[: -len(ELLIPSIS)]
    if cut.rfind("<") > cut.rfind(">"):
        cut = cut[: cut.rfind("<")]
    if cut.rfind("&") > cut.rfind(";"):
        cut = cut[: cut.rfind("&")]
    return cut.rstrip() + ELLIPSIS


def list_section(
    lines: Sequence[str],
    *,
    head: str = "",
    noun: str = "more",
    max_lines: int | None = None,
    full_answer: str | None = None,
) -> list[Block]:
    """One section: ``head`` and as many of ``lines`` as fit, then "and N more"; when cut, a
    context line below it with ``full_answer`` (the command that lists them all)."""
    text, shown = _fit_lines(lines, head=head, noun=noun, max_lines=max_lines)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    command = _copyable(full_answer)
    if shown < len(lines) and command:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=pointer(command, first=True))]))
    return blocks


def fit_lines(lines: Sequence[str], limit: int = MAX_SECTION_TEXT, *, head: str = "", noun: str = "more") -> str:
    """The text of :func:`list_section` alone, within ``limit`` (for a section built around it)."""
    return _fit_lines(lines, limit, head=head, noun=noun)[0]


def pointer(full_answer: str, *, first: bool = False) -> str:
    """"the full answer: `helpdesk-kpis report ...`" (``first``: it starts a line)."""
    return ("The" if first else "the") + f" full answer: `{escape(full_answer)}`"


def _copyable(full_answer: str | None) -> str | None:
    return full_answer if full_answer and len(full_answer) <= MAX_COMMAND else None


def _fit_lines(
    lines: Sequence[str],
    limit: int = MAX_SECTION_TEXT,
    *,
    head: str = "",
    noun: str = "more",
    max_lines: int | None = None,
) -> tuple[str, int]:
    """``head`` and as many of ``lines`` as fit in one text of ``limit`` characters, then "and N more".

    Returns the text and how many lines it shows; a line longer than the room there is is shortened.
    """
    taken: list[str] = []
    budget = limit - len(head)
    reserve = len(more_line(len(lines), noun)) + 1
    longest = max(budget - reserve - 1, 1)
    for index, line in enumerate(lines):
        left = len(lines) - index - 1
        line = cut_mrkdwn(line, longest)
        too_many = max_lines is not None and len(taken) >= max_lines
        if too_many or len(line) + 1 + (reserve if left else 0) > budget:
            more = more_line(len(lines) - index, noun)
            return head + "\n".join([*taken, more]), index
        taken.append(line)
        budget -= len(line) + 1
    return head + "\n".join(taken), len(taken)


def fit_blocks(parts: Iterable[Block | Lines], *, full_answer: str | None = None) -> list[Block]:
    """``parts`` as blocks within every limit; a list cut short ends with "and N more" and ``full_answer``.

    Single blocks are kept (split or shortened where too long); the lists share what room is left.
    """
    parts = list(parts)
    fixed = {i: _fit_block(part) for i, part in enumerate(parts) if not isinstance(part, Lines)}
    lists = [part for part in parts if isinstance(part, Lines)]
    blocks_left = MAX_BLOCKS - sum(len(found) for found in fixed.values())
    chars_left = MAX_BLOCKS_TEXT - sum(text_length(block) for found in fixed.values() for block in found)
    out: list[Block] = []
    for i, part in enumerate(parts):
        if i in fixed:
            out += fixed[i]
            continue
        lists.pop(0)
        # Room for each list still to come: one block and one short line at least.
        later = len(lists)
        packed = _pack(part, blocks_left - later, chars_left - later * 200, full_answer)
        out += packed
        blocks_left -= len(packed)
        chars_left -= sum(text_length(block) for block in packed)
    return _cut(out, full_answer)


def text_length(block: Block | dict[str, Any]) -> int:
    """Characters of text a block shows (what Slack's message limit counts)."""
    if isinstance(block, Block):
        block = block.to_dict()
    total = 0
    for key, value in block.items():
        if key == "text" and isinstance(value, str):
            total += len(value)
        elif isinstance(value, dict):
            total += text_length(value)
        elif isinstance(value, list):
            total += sum(text_length(item) for item in value if isinstance(item, dict))
    return total


def _pack(part: Lines, max_blocks: int, max_chars: int, full_answer: str | None) -> list[Block]:
    """The list's entries in sections of at most 3,000 characters, cut to the room given."""
    chunks: list[tuple[str, int]] = []  # each section's text and how many entries it holds
    current: list[str] = []
    length = len(part.head)
    for entry in part.entries:
        room = MAX_SECTION_TEXT - (len(part.head) if not chunks else 0)
        entry = cut_mrkdwn(entry, room) if entry.strip() else ELLIPSIS
        if current and length + 1 + len(entry) > MAX_SECTION_TEXT:
            chunks.append(((part.head if not chunks else "") + "\n".join(current), len(current)))
            current, length = [], 0
        length += (1 if current else 0) + len(entry)
        current.append(entry)
    if current or part.head:
        chunks.append(((part.head if not chunks else "") + "\n".join(current), len(current)))

    def note(shown: int) -> list[Block]:
        left = part.count - shown
        if not left:
            return []
        return [ContextBlock(elements=[MarkdownTextObject(text=more_line(left, part.noun, _copyable(full_answer)))])]

    # As many sections as fit, then fewer until the note fits too (a step or two back at most).
    count, chars, shown = 0, 0, 0
    while count < min(len(chunks), max_blocks) and chars + len(chunks[count][0]) <= max_chars:
        chars, shown, count = chars + len(chunks[count][0]), shown + chunks[count][1], count + 1
    while True:
        tail = note(shown)
        if count + len(tail) <= max_blocks and chars + sum(map(text_length, tail)) <= max_chars:
            return [SectionBlock(text=MarkdownTextObject(text=text)) for text, _ in chunks[:count]] + tail
        if count == 0:
            return []  # no room even for the note: the message-wide cut says what is missing
        count -= 1
        chars, shown = chars - len(chunks[count][0]), shown - chunks[count][1]


def _fit_block(block: Block) -> list[Block]:
    """One block within its own limits: possibly several sections, never one Slack refuses."""
    if isinstance(block, HeaderBlock) and block.text is not None and len(block.text.text) > MAX_HEADER:
        emoji = getattr(block.text, "emoji", None)
        text = PlainTextObject(text=shorten(block.text.text, MAX_HEADER), emoji=emoji)
        return [HeaderBlock(text=text, block_id=block.block_id)]
    if isinstance(block, ContextBlock):
        elements = [_fit_text(element, MAX_TEXT) for element in list(block.elements)[:MAX_CONTEXT_ELEMENTS]]
        return [ContextBlock(elements=elements, block_id=block.block_id)]
    if isinstance(block, SectionBlock):
        return _fit_section(block)
    return [block]


def _fit_section(block: SectionBlock) -> list[Block]:
    text = block.text.text if block.text is not None else ""
    fields = [_fit_text(item, MAX_FIELD_TEXT) for item in block.fields or ()]
    if len(text) <= MAX_SECTION_TEXT and len(fields) <= MAX_FIELDS and (text.strip() or fields):
        return [block] if fields == list(block.fields or ()) else [_section(block, text, fields)]
    sections: list[Block] = []
    if text.strip():
        if block.text.type == "mrkdwn":
            sections = [_section(block if not i else None, chunk, []) for i, chunk in enumerate(_split(text))]
        else:
            sections = [_section(block, "", [], body=_fit_text(block.text, MAX_SECTION_TEXT))]
    for start in range(0, len(fields), MAX_FIELDS):
        sections.append(SectionBlock(fields=fields[start : start + MAX_FIELDS]))
    return sections


def _section(like: SectionBlock | None, text: str, fields: list, *, body=None) -> SectionBlock:  # noqa: ANN001
    """A section with ``like``'s accessory and id (only the first of a split keeps them)."""
    body = body or (MarkdownTextObject(text=text) if text.strip() else None)
    if like is None:
        return SectionBlock(text=body, fields=fields or None)
    return SectionBlock(text=body, fields=fields or None, accessory=like.accessory, block_id=like.block_id)


def _fit_text(item, limit: int):  # noqa: ANN001, ANN202 - a text object or another context element
    text = getattr(item, "text", None)
    if not isinstance(text, str) or len(text) <= limit:
        return item
    if item.type == "mrkdwn":
        return MarkdownTextObject(text=cut_mrkdwn(text, limit))
    return PlainTextObject(text=shorten(text, limit), emoji=getattr(item, "emoji", None))


def _split(text: str) -> list[str]:
    """A long mrkdwn text as chunks of whole lines; a line too long on its own is shortened."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        line = cut_mrkdwn(line, MAX_SECTION_TEXT)
        if current and len(current) + 1 + len(line) > MAX_SECTION_TEXT:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current.strip():
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


def _cut(blocks: list[Block], full_answer: str | None) -> list[Block]:
    """Blocks beyond the message's limits dropped, with a note (the lists have fitted already)."""
    total = sum(map(text_length, blocks))
    if len(blocks) <= MAX_BLOCKS and total <= MAX_BLOCKS_TEXT:
        return blocks
    command = _copyable(full_answer)
    kept: list[Block] = []
    used = 0
    room = MAX_BLOCKS_TEXT - len(more_line(len(blocks), "more parts of this answer", command))
    for block in blocks:
        size = text_length(block)
        if len(kept) + 2 > MAX_BLOCKS or used + size > room:
            break
        kept.append(block)
        used += size
    note = more_line(len(blocks) - len(kept), "more parts of this answer", command)
    return [*kept, ContextBlock(elements=[MarkdownTextObject(text=note)])]
