"""The errors of talking to a helpdesk (rate limited, unreachable, malformed answers, retries run
out), named by what the caller can do. They derive from the project's error base in
:mod:`kpis.errors`, so the CLI prints each as one line with its exit code. Refused credentials are
:class:`kpis.errors.CredentialError`, shared with the Slack side.

A stopping error keeps its ``reason``: the fault alone, without the advice a sync adds ("stopped:
everything synced so far is kept..."), which is what ``config check`` shows.
"""

from __future__ import annotations

from kpis.errors import CredentialError, HelpdeskKpisError, RunFailed

__all__ = [
    "RESUMES", "CredentialError", "MalformedResponse", "RateLimited", "RetriesExhausted", "RetryableError",
    "StopRequested", "stopped",
]

RESUMES = "everything synced so far is kept and the next run resumes"


def stopped(reason: str) -> str:
    """A fault as a sync reports it: the reason, then that nothing stored is lost."""
    return f"{reason}; stopped: {RESUMES}"


class RetryableError(HelpdeskKpisError):
    """A fault worth retrying: server error, timeout, dropped connection; ``retry_after`` is the
    number of seconds the server asked us to wait, when it said so."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(RetryableError):
    """A 429: retried for as long as the wait budget allows, whatever the number of attempts."""


class _Stopped(RunFailed):
    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


class MalformedResponse(_Stopped):
    """A page from a vendor API (HTML error page, truncated JSON, a pagination loop...) or an
    imported file (bad rows) could not be understood; nothing of it was stored."""


class RetriesExhausted(_Stopped):
    """A fault persisted through every retry, or waiting longer would pass the wait budget."""


class StopRequested(HelpdeskKpisError):
    """The sync was asked to stop (SIGTERM) while a page needed a wait (a ``Retry-After``, pacing):
    the page is left unstored, to be fetched again by the next run, instead of waiting first."""
