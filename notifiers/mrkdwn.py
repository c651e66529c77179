"""Slack mrkdwn text: escaping data and links.

Slack asks for ``&``, ``<`` and ``>`` in data to be escaped, and nothing else:
https://docs.slack.dev/messaging/formatting-message-text#escaping
"""

from __future__ import annotations

from urllib.parse import quote

ELLIPSIS = "…"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """``<url|label>``, or the escaped label alone when there is no usable URL."""
    text = escape(label)
    if not url or not url.lower().startswith(("http://", "https://")):
        return text
    safe = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    return f"<{safe.replace('&', '&amp;')}|{text}>"


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip(" ,;:.") + ELLIPSIS
