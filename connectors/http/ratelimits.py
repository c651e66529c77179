"""Where a vendor announces its rate limit, and how long each announcement says to wait.

Every vendor says the same three things in its own header names: how many requests are left in
the current window, when the window resets (in seconds from now, or as an epoch timestamp), and,
on a 429, how long to wait. :class:`RateLimitHeaders` names them for one vendor; the session's
pacer and its retry policy read every response through it. Each connector declares its own
instance next to a link to the vendor's documentation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime


@dataclass(frozen=True, slots=True)
class RateLimitHeaders:
    """One vendor's rate-limit headers (names are case-insensitive, first present wins).

    The defaults are the IETF draft's ``RateLimit-*`` names plus ``X-Rate-Limit-Remaining``.
    """

    #: Requests left in the current window.
    remaining: tuple[str, ...] = ("ratelimit-remaining", "x-rate-limit-remaining")
    #: Seconds until the window resets.
    reset_after: tuple[str, ...] = ("ratelimit-reset",)
    #: Epoch second at which the window resets; measured against the response's own ``Date``
    #: header, so that no local clock is read and clock skew does not matter.
    reset_at: tuple[str, ...] = ()
    #: Seconds to wait after a 429, in a vendor header besides the standard ``Retry-After``.
    retry_after: tuple[str, ...] = ()
    #: The window when the vendor names no reset (most vendors count per minute).
    window_seconds: float = 60.0
    #: What a 429 asking to wait longer than the window means, in the vendor's terms (an account
    #: whose plan counts per hour, say); added to the refusal's message.
    beyond_window: str = ""

    def refusal_note(self, wait: float | None) -> str:
        """The vendor's sentence for a 429 asking for ``wait`` seconds, or nothing."""
        if not self.beyond_window or wait is None or wait <= self.window_seconds:
            return ""
        return f" for {wait:.0f}s: {self.beyond_window}"

    def remaining_requests(self, headers: Mapping[str, str]) -> float | None:
        return _number(_first(headers, self.remaining))

    def reset_in(self, headers: Mapping[str, str]) -> float | None:
        """Seconds until the window resets, when the response says."""
        seconds = _number(_first(headers, self.reset_after))
        if seconds is not None:
            return max(0.0, seconds)
        at = _number(_first(headers, self.reset_at))
        if at is None:
            return None
        date = headers.get("Date")
        try:
            now = parsedate_to_datetime(date).timestamp() if date else None
        except (TypeError, ValueError):
            now = None
        return None if now is None else max(0.0, at - now)

    def wait_after_refusal(self, headers: Mapping[str, str]) -> float | None:
        """Seconds a 429 (or 503) asks us to wait: ``Retry-After`` (seconds or an HTTP date),
        else the vendor's own retry header, else the window's reset; ``None`` when nothing says."""
        standard = _retry_after(headers)
        if standard is not None:
            return standard
        seconds = _number(_first(headers, self.retry_after))
        if seconds is not None:
            return max(0.0, seconds)
        return self.reset_in(headers)


def _first(headers: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = headers.get(name)
        if value is not None:
            return value
    return None


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.strip())
    except ValueError:
        return None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` as seconds or as an HTTP date (measured against the response's ``Date``)."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return max(0.0, seconds)
    try:
        return max(0.0, (parsedate_to_datetime(value.strip()) - parsedate_to_datetime(headers["Date"])).total_seconds())
    except (KeyError, TypeError, ValueError):
        return None
