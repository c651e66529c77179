"""What ``config check`` proves about Slack, with real Web API calls:

- the bot token is accepted and is a bot's (``auth.test``);
- it was granted every scope of the app manifest (``x-oauth-scopes``, the header Slack sends
  with every Web API answer: https://docs.slack.dev/authentication/tokens#scopes);
- the bot is a member of every configured channel, none archived (``conversations.info``;
  channels given by name are found with ``conversations.list`` first);
- every configured lead, admin or mentioned member exists and is active (``users.info``), and
  every user group does (``usergroups.list``);
- the app-level token for Socket Mode opens connections (``apps.connections.open``, which only
  hands out a WebSocket URL; an unused one expires by itself).

Each failure is one :class:`CheckResult` with a one-line fix; nothing here raises for a failed
check, and no message carries the token.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from kpis.check_result import CheckResult, shown_url
from notifiers.slack_client import TOKEN_VARIABLE, error_code
from notifiers.slack_scopes import BOT_SCOPES

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
#: https://docs.slack.dev/authentication/verifying-requests-from-slack: a 32-character hex string.
_SIGNING_SECRET = re.compile(r"^[0-9a-f]{32}$")
SIGNING_SECRET_FIX = "copy the Signing Secret from your Slack app's Basic Information > App Credentials"
_TOKEN_ERRORS = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}
TOKEN_FIX = (
    f"copy the Bot User OAuth Token (xoxb-...) from your Slack app's OAuth & Permissions page into {TOKEN_VARIABLE}"
)
REINSTALL = "then reinstall the app to the workspace"

T = TypeVar("T")


@dataclass(frozen=True)
class Person:
    """A configured Slack member or user-group id and where the configuration names it."""

    id: str
    role: str  # "lead of Billing", "admin", "mentioned by alert csat-floor"


@dataclass(frozen=True)
class Bot:
    user: str
    workspace: str


class SlackCallFailed(Exception):
    """A Web API call that failed; ``result`` is the row to show for it."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.detail)
        self.result = result


def check_token(client: WebClient, what: str = "Slack bot token") -> tuple[list[CheckResult], Bot | None]:
    """The token row and the scopes row; the bot's identity when the token works."""
    try:
        answer = _call(what, lambda: client.auth_test(), client)
    except SlackCallFailed as failed:
        return [failed.result], None
    bot = Bot(user=str(answer.get("user") or "the bot"), workspace=str(answer.get("team") or answer.get("team_id")))
    if not answer.get("bot_id"):
        return [CheckResult(what, False, f"{TOKEN_VARIABLE} is a user token ({bot.user}), not the app's bot token",
                            TOKEN_FIX)], None
    results = [CheckResult(what, True, f"@{bot.user} in the {bot.workspace} workspace")]
    results.append(_scopes_result(answer.headers))
    return results, bot


def _scopes_result(headers: dict[str, Any]) -> CheckResult:
    granted_header = next((v for k, v in headers.items() if k.lower() == "x-oauth-scopes"), None)
    if granted_header is None:
        return CheckResult("Slack scopes", False, "Slack did not say which scopes the token has",
                           "check SLACK_API_URL: a proxy between here and Slack may drop the x-oauth-scopes header")
    value = granted_header[0] if isinstance(granted_header, list) else granted_header
    granted = {scope.strip() for scope in str(value).split(",") if scope.strip()}
    missing = [scope for scope in BOT_SCOPES if scope not in granted]
    if not missing:
        return CheckResult("Slack scopes", True, f"all {len(BOT_SCOPES)} scopes of the app manifest")
    needs = "; ".join(f"{scope} ({BOT_SCOPES[scope]})" for scope in missing)
    return CheckResult(
        "Slack scopes", False, f"missing {len(missing)} of the manifest's scopes: {needs}",
        f"add {', '.join(missing)} under OAuth & Permissions > Bot Token Scopes (or update the app from "
        f"the manifest of `helpdesk-kpis config manifest`), {REINSTALL}",
    )


def check_channels(client: WebClient, channels: Iterable[str], bot: Bot) -> list[CheckResult]:
    """One row per configured channel: it exists, is not archived, and the bot is a member."""
    wanted = list(dict.fromkeys(channels))
    if not wanted:
        return []
    results: list[CheckResult] = []
    by_name: dict[str, str] = {}
    if any(not _CHANNEL_ID.match(c) for c in wanted):
        try:
            by_name = _channels_by_name(client)
        except SlackCallFailed as failed:
            return [failed.result]
    for channel in wanted:
        what = f"Slack channel {channel}"
        channel_id = channel if _CHANNEL_ID.match(channel) else by_name.get(channel.lstrip("#").lower())
        if channel_id is None:
            results.append(CheckResult(what, False, f"no channel named {channel} that the bot can see",
                                       "check the name; for a private channel, invite the bot first "
                                       f"(/invite @{bot.user} in that channel)"))
            continue
        try:
            info = _call(what, lambda: client.conversations_info(channel=channel_id), client)["channel"]
        except SlackCallFailed as failed:
            results.append(failed.result)
            if "missing_scope" in failed.result.detail:
                break  # the same for every channel
            continue
        name = f"#{info.get('name')}" if info.get("name") else channel_id
        if info.get("is_archived"):
            results.append(CheckResult(what, False, f"{name} is archived",
                                       "unarchive it, or pick another channel in helpdesk-kpis.toml"))
        elif not info.get("is_member"):
            results.append(CheckResult(what, False, f"@{bot.user} is not a member of {name}",
                                       f"type /invite @{bot.user} in {name}"))
        else:
            results.append(CheckResult(what, True, f"@{bot.user} is a member of {name}"))
    return results


def looks_like_signing_secret(value: str) -> bool:
    return bool(_SIGNING_SECRET.match(value.strip()))


def _channels_by_name(client: WebClient) -> dict[str, str]:
    """Channel name -> id of every channel the bot can see (private ones only where it is a member)."""
    found: dict[str, str] = {}
    cursor: str | None = None
    while True:
        page = _call(
            "Slack channels",
            lambda: client.conversations_list(types="public_channel,private_channel", limit=1000, cursor=cursor),
            client,
        )
        for channel in page.get("channels") or []:
            found[str(channel.get("name", "")).lower()] = channel["id"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return found


def check_people(client: WebClient, people: Sequence[Person]) -> list[CheckResult]:
    """One row per configured member id (``users.info``) and user-group id (``usergroups.list``)."""
    results: list[CheckResult] = []
    groups: dict[str, dict[str, Any]] | None = None
    seen: set[str] = set()
    for person in people:
        if person.id in seen:
            continue
        seen.add(person.id)
        what = f"Slack {person.role} {person.id}"
        try:
            if person.id.startswith("S"):
                if groups is None:
                    answer = _call(what, lambda: client.usergroups_list(include_disabled=True), client)
                    groups = {g["id"]: g for g in answer.get("usergroups") or []}
                results.append(_group_result(what, person, groups.get(person.id)))
            else:
                results.append(_user_result(what, person, client))
        except SlackCallFailed as failed:
            results.append(failed.result)
    return results


def _group_result(what: str, person: Person, group: dict[str, Any] | None) -> CheckResult:
    if group is None:
        return CheckResult(what, False, f"no user group {person.id} in this workspace",
                           "copy the group's id (S...) from its page in Slack into helpdesk-kpis.toml")
    if group.get("date_delete"):
        return CheckResult(what, False, f"the user group @{group.get('handle')} is disabled",
                           "enable it again, or name another group or member")
    return CheckResult(what, True, f"user group @{group.get('handle')}")


def _user_result(what: str, person: Person, client: WebClient) -> CheckResult:
    try:
        user = _call(what, lambda: client.users_info(user=person.id), client)["user"]
    except SlackCallFailed as failed:
        if "user_not_found" not in failed.result.detail:
            raise
        return CheckResult(what, False, f"no Slack member {person.id} in this workspace",
                           "copy the member id from the person's profile (More > Copy member ID)")
    name = (user.get("profile") or {}).get("real_name") or user.get("real_name") or user.get("name") or person.id
    if user.get("deleted"):
        return CheckResult(what, False, f"{name} ({person.id}) is deactivated",
                           "name someone else in helpdesk-kpis.toml")
    return CheckResult(what, True, str(name))


APP_TOKEN_FIX = (
    "create an app-level token with the connections:write scope (Basic Information > App-Level Tokens), "
    "put it in SLACK_APP_TOKEN and enable Socket Mode in the app's settings"
)


def check_app_token(client: WebClient, app_token: str) -> CheckResult:
    """Whether SLACK_APP_TOKEN may open Socket Mode connections."""
    what = "Slack app token (Socket Mode)"
    if not app_token.startswith("xapp-"):
        return CheckResult(what, False, "SLACK_APP_TOKEN is not an app-level token (those start with xapp-)", APP_TOKEN_FIX)
    try:
        _call(what, lambda: client.apps_connections_open(app_token=app_token), client)
    except SlackCallFailed as failed:
        if failed.result.detail.startswith(f"Slack refused {TOKEN_VARIABLE}"):  # the bot-token wording of _api_failure
            return CheckResult(what, False, failed.result.detail.replace(TOKEN_VARIABLE, "SLACK_APP_TOKEN"), APP_TOKEN_FIX)
        return failed.result
    return CheckResult(what, True, "opens Socket Mode connections")


def _call(what: str, call: Callable[[], T], client: WebClient) -> T:
    """Run one Web API call; a failure becomes a :class:`SlackCallFailed` with its row and fix."""
    try:
        return call()
    except SlackApiError as error:
        raise SlackCallFailed(_api_failure(what, error)) from None
    except (SlackClientError, URLError, OSError) as error:
        reason = getattr(error, "reason", None) or type(error).__name__
        raise SlackCallFailed(CheckResult(
            what, False, f"could not reach Slack at {shown_url(client.base_url)} ({reason})",
            "check the network (proxy, firewall) and SLACK_API_URL if set, then run again",
        )) from None


def _api_failure(what: str, error: SlackApiError) -> CheckResult:
    response = error.response
    status = getattr(response, "status_code", None)
    code = error_code(error) if hasattr(response, "get") else f"HTTP {status}"
    if code in _TOKEN_ERRORS or code == "not_allowed_token_type":
        return CheckResult(what, False, f"Slack refused {TOKEN_VARIABLE} ({code})", TOKEN_FIX)
    if code == "missing_scope":
        needed = response.get("needed") or "a scope"
        return CheckResult(what, False, f"missing_scope: the token lacks {needed}",
                           f"add {needed} under OAuth & Permissions > Bot Token Scopes, {REINSTALL}")
    if code == "channel_not_found":
        return CheckResult(what, False, "Slack has no such channel that the bot can see",
                           "check the channel id; for a private channel, invite the bot first")
    if status == 429:
        return CheckResult(what, False, "Slack kept rate-limiting the check", "run it again in a minute")
    if isinstance(status, int) and status >= 500:
        return CheckResult(what, False, f"Slack answered HTTP {status}", "Slack is failing: try again in a few minutes")
    return CheckResult(what, False, f"Slack answered {code}", "see the error code in Slack's API documentation")
