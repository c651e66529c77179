"""Slack mrkdwn text: escaping data, links, and fitting lists into Slack's size limits.

Slack asks for ``&``, ``<`` and ``>`` in data to be escaped, and nothing else:
https://docs.slack.dev/messaging/formatting-message-text#escaping
Lists that could grow without bound (agents, comments, breaches) are cut to fit and end with
"and N more", so a message is never rejected for its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

ELLIPSIS = "…"


def escape(text: str) -> str:
    """Data interpolated into mrkdwn: ``&``, ``<``, ``>`` become entities, nothing else changes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """``<url|label>``, or the escaped label alone when there is no usable URL.

    A URL containing ``|`` or ``>`` would end the link early, so those (and spaces) are percent-encoded.
    """
    text = escape(label)
    if not url or not url.lower().startswith(("http://", "https://")):
        return text
    safe = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    return f"<{safe.replace('&', '&amp;')}|{text}>"


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary where one is near, with an ellipsis."""
    text = " ".join(text.split())  # newlines and runs of spaces would break a one-line entry
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + ELLIPSIS


def more_line(count: int, noun: str = "more") -> str:
    return f"_and {count} {noun}_"


def fit_lines(lines: Sequence[str], limit: int, *, head: str = "", noun: str = "more", max_lines: int | None = None) -> str:
    """``head`` and as many of ``lines`` as fit in ``limit`` characters, then "and N more".

    Every line must itself be shorter than ``limit`` minus the head (callers shorten entries first).
    """
    taken: list[str] = []
    budget = limit - len(head)
    for index, line in enumerate(lines):
        left = len(lines) - index - 1
        reserve = len(more_line(len(lines), noun)) + 1 if left else 0
        too_many = max_lines is not None and len(taken) >= max_lines
        if too_many or len(line) + 1 + reserve > budget:
            taken.append(more_line(len(lines) - index, noun))
            break
        taken.append(line)
        budget -= len(line) + 1
    return head + "\n".join(taken)


def pack_lines(lines: Sequence[str], limit: int, max_chunks: int, *, head: str = "") -> tuple[list[str], int]:
    """Lines joined into at most ``max_chunks`` texts of at most ``limit`` characters each.

    ``head`` starts the first chunk. Returns the chunks and how many lines they hold; the caller
    says "and N more" for the rest.
    """
    chunks: list[str] = []
    current: list[str] = []
    length = len(head)  # of the chunk being filled, as it would be joined
    used = 0
    for line in lines:
        room = limit - (len(head) if not chunks and not current else 0)
        if len(line) > room:
            line = shorten(line, room)
        if current and length + 1 + len(line) > limit:
            chunks.append((head if not chunks else "") + "\n".join(current))
            if len(chunks) == max_chunks:
                return chunks, used
            current, length = [], 0
        length += (1 if current else 0) + len(line)
        current.append(line)
        used += 1
    if current and len(chunks) < max_chunks:
        chunks.append((head if not chunks else "") + "\n".join(current))
    return chunks, used
