"""Slack mrkdwn text: escaping data, links, shortening.

Slack asks for ``&``, ``<`` and ``>`` in data to be escaped, and nothing else:
https://docs.slack.dev/messaging/formatting-message-text#escaping
Every word a user or a helpdesk chose (team and agent names, words typed after `/kpi`, tags,
comments) goes through :func:`escape` before it is put into mrkdwn. Fitting whole messages into
Slack's limits is :mod:`notifiers.fitting`'s.
"""

from __future__ import annotations

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
