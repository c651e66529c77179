"""What ``config check`` verified: one result per thing checked, shared by connectors, notifiers
and the store so that every part reports its checks the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One thing ``config check`` verified against a live service."""

    #: What was checked, e.g. "zendesk:acme credentials".
    name: str
    ok: bool
    #: What was found ("admin role, legacy CSAT"), or what went wrong. Never a secret's value.
    detail: str
    #: One line saying how to fix it, when not ok (or, when skipped, how to have it checked).
    fix: str | None = None
    #: Nothing could be verified (the Slack signing secret, which only Slack can prove): shown
    #: as such, fails nothing.
    skipped: bool = False

    @property
    def failed(self) -> bool:
        return not self.ok and not self.skipped


def shown_url(url: str) -> str:
    """A URL as a check may show it: a password in it (``https://user:pass@proxy``) as ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
