"""What ``config check`` verified: one result per thing checked, shared by connectors, notifiers
and the store so that every part reports its checks the same way.
"""

from __future__ import annotations

from dataclasses import dataclass


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
