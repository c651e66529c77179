"""The settings every HTTP connector shares: how long to wait, retry and overlap, and where the
account is (a full base URL for a proxy or a local fake). Each connector's settings model adds
its own account and credential fields."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field


class ApiOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, defer_build=True)

    #: Seconds a sync may spend waiting on retries (429 Retry-After, 5xx and timeout backoff)
    #: before it stops with its checkpoint kept.
    wait_budget_seconds: float = Field(600.0, gt=0)
    #: Seconds before an unanswered request counts as a timeout (and is retried).
    timeout_seconds: float = Field(60.0, gt=0)
    #: Lists filtered by a start time are re-read this far before the previous sync began, so that
    #: changes made while it ran are not missed (upserts make the overlap harmless).
    overlap_minutes: int = Field(10, ge=0)
    #: Prefix of the variables the secrets come from (``FRESHDESK_`` or ``FRESHDESK_EU_``), filled
    #: in by the wiring package so that messages name the right variable.
    env_prefix: str = ""

    def variable(self, name: str) -> str:
        """The environment variable holding ``name`` (``API_KEY``) for this instance."""
        return f"{self.env_prefix}{name}"


def http_url(value: str | None, example: str) -> str | None:
    """A base URL as given (no trailing slash), ``None`` for nothing; ValueError naming ``example``."""
    if value is None or not value.strip():
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http(s) URL such as {example}")
    try:
        parts.port  # noqa: B018 - urllib checks the port only when asked: 0..65535 and digits
    except ValueError:
        raise ValueError(f"{value!r} has no valid port (a number from 1 to 65535); use a URL such as {example}") from None
    return value.strip().rstrip("/")
