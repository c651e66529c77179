"""Every error the project raises on purpose, named by what the caller can do about it.

The CLI maps them to exit codes and prints ``str(error)`` as the one line a user sees; nothing
here ever carries a secret (messages name the *variable* that holds a secret, never its value).

- :class:`ConfigError` -- fix the configuration (or the command line), then run again. Exit 2.
- :class:`RetryableError` -- a transient fault (rate limit, 5xx, timeout, dropped connection);
  the retry policy handles these and turns exhaustion into :class:`RunFailed`.
- :class:`RunFailed` -- this run cannot finish; whatever was stored stays stored and the next run
  resumes. Exit 1.
"""

from __future__ import annotations


class HelpdeskKpisError(Exception):
    """Base of the project's deliberate errors; its text is one line meant for a person."""

    exit_code = 1


class ConfigError(HelpdeskKpisError):
    """Bad settings, bad usage or an unusable store: the user must change something first."""

    exit_code = 2


class CredentialError(ConfigError):
    """A credential was refused; the message names the variable and what to fix."""


class StoreVersionError(ConfigError):
    """The store was written by a newer release of helpdesk-kpis than the one running."""


class RunFailed(HelpdeskKpisError):
    """The run stopped; nothing stored is lost and the next run resumes from the checkpoint."""

    exit_code = 1


class StoreBusy(RunFailed):
    """Another process holds the store's write lock for longer than we are willing to wait."""


class RetryableError(HelpdeskKpisError):
    """A fault worth retrying: rate limited, server error, timeout, dropped connection.

    ``retry_after`` is the number of seconds the server asked us to wait, when it said so.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class MalformedResponse(RunFailed):
    """A page from a vendor API (HTML error page, truncated JSON, a pagination loop...) or an
    imported file (bad rows) could not be understood; nothing of it was stored."""
