"""The Slack Web API client, with slack-sdk's retry handlers installed once, and its errors in words.

Rate limits (HTTP 429 with ``Retry-After``), Slack's 500/503 answers and dropped connections are
retried by slack-sdk's own handlers: https://docs.slack.dev/tools/python-slack-sdk/web#retryhandler
What is left when they give up becomes one line naming the channel or the token and the fix.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from kpis.errors import ConfigError, CredentialError, RunFailed

DEFAULT_API_URL = "https://slack.com/api/"
TOKEN_VARIABLE = "SLACK_BOT_TOKEN"

#: Error codes meaning the token itself is refused: https://docs.slack.dev/reference/methods/chat.postMessage#errors
_TOKEN_ERRORS = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "no_permission"}


def make_client(token: str, base_url: str | None = None, *, timeout: int = 30, retry_faults: bool = True) -> WebClient:
    """A WebClient for ``base_url`` (Slack's own by default) that retries what is worth retrying.

    ``retry_faults=False`` (``config check``: a person is waiting) still honours rate limits but
    reports a dropped connection or a 5xx at once.
    """
    url = (base_url or DEFAULT_API_URL).rstrip("/") + "/"
    # Slack's rate limits are per method and per channel; honouring Retry-After a few
    # times covers a burst of digests: https://docs.slack.dev/apis/web-api/rate-limits
    handlers = [RateLimitErrorRetryHandler(max_retry_count=5)]
    if retry_faults:
        handlers += [ConnectionErrorRetryHandler(max_retry_count=2), ServerErrorRetryHandler(max_retry_count=2)]
    return WebClient(token=token, base_url=url, timeout=timeout, retry_handlers=handlers)


def error_code(error: SlackApiError) -> str:
    return str(error.response.get("error") or f"HTTP {error.response.status_code}")


@contextlib.contextmanager
def slack_errors(what: str, channel: str | None = None) -> Iterator[None]:
    """Translate what slack-sdk raises into the project's errors, naming ``channel`` or the token."""
    where = f" {channel}" if channel else ""
    try:
        yield
    except SlackApiError as error:
        code = error_code(error)
        if error.response.status_code == 429:
            raise RunFailed(f"Slack kept rate-limiting {what}; the next run finishes it") from None
        if code == "channel_not_found":
            raise ConfigError(
                f"Slack has no channel{where} that the bot can see: check the channel in helpdesk-kpis.toml "
                f"(for a private channel, invite the bot first: /invite @<the app's name>)"
            ) from None
        if code == "not_in_channel":
            raise ConfigError(
                f"the bot is not a member of{where}: invite the bot: /invite @<the app's name> in that channel"
            ) from None
        if code == "is_archived":
            raise ConfigError(
                f"the channel{where} is archived: unarchive it or pick another channel in helpdesk-kpis.toml"
            ) from None
        if code in _TOKEN_ERRORS:
            raise CredentialError(
                f"Slack refused {TOKEN_VARIABLE} ({code}): copy the Bot User OAuth Token (xoxb-...) from your app's "
                f"OAuth & Permissions page into {TOKEN_VARIABLE}"
            ) from None
        if code == "missing_scope":
            needed = error.response.get("needed") or "the scope it names"
            raise CredentialError(
                f"{TOKEN_VARIABLE} lacks the Slack scope {needed} for {what}: add it under OAuth & Permissions "
                "and reinstall the app"
            ) from None
        if error.response.status_code >= 500:
            raise RunFailed(f"Slack failed {what} (HTTP {error.response.status_code}); the next run finishes it") from None
        raise RunFailed(f"Slack refused {what}{(' in' + where) if where else ''}: {code}") from None
    except (SlackClientError, URLError, socket.timeout, ConnectionError) as error:
        reason = getattr(error, "reason", None) or type(error).__name__
        raise RunFailed(f"could not reach Slack for {what} ({reason}); the next run finishes it") from None
