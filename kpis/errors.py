"""Every error the project raises on purpose, named by what the caller can do about it.

The CLI maps them to exit codes and prints ``str(error)`` as the one line a user sees; nothing
here ever carries a secret (messages name the *variable* that holds a secret, never its value).

- :class:`ConfigError` -- fix the configuration (or the command line), then run again. Exit 2.
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


class NoStore(RunFailed):
    """A command that only reads found no store where DATABASE_URL points: sync first."""


class StoreBusy(RunFailed):
    """Another process holds the store's write lock for longer than we are willing to wait."""

