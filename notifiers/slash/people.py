"""Slack users ↔ helpdesk agents, by email, through the Slack Web API (cached).

- the caller's email: ``users.info`` (needs ``users:read`` and ``users:read.email``)
  https://docs.slack.dev/reference/methods/users.info
- an agent's Slack user: ``users.lookupByEmail``
  https://docs.slack.dev/reference/methods/users.lookupByEmail
- members of a user group named as leads or admins: ``usergroups.users.list`` (``usergroups:read``)
  https://docs.slack.dev/reference/methods/usergroups.users.list

A configured override (``[slash.users]``: Slack user ID → agent email or ``source:instance:id``)
wins over the lookup, for people whose Slack and helpdesk emails differ. Answers are cached for
``ttl`` seconds, misses included, so a burst of commands costs one API call per person.
A failed lookup (Slack down, a scope missing) is logged and treated as "not known": the caller
then sees what anyone unknown sees, never an error. Only answers are cached (a user Slack does
not know included), never a failure, so the next command tries again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping

from cachetools import TTLCache
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from kpis.directory import name_key

log = logging.getLogger(__name__)

#: Slack's answers for "no such user / not an email we know"; anything else is worth a warning.
_NOT_FOUND = {"user_not_found", "users_not_found", "no_such_subteam", "subteam_not_found"}


class _Unavailable(Exception):
    """The lookup could not be made (not: the user does not exist)."""


class SlackPeople:
    def __init__(
        self,
        client: WebClient,
        *,
        overrides: Mapping[str, str] | None = None,
        ttl: float = 3600.0,
        timer: Callable[[], float] | None = None,
    ) -> None:
        self._client = client
        self._overrides = dict(overrides or {})
        cache_args = {"maxsize": 10_000, "ttl": ttl}
        if timer is not None:
            cache_args["timer"] = timer
        self._emails: TTLCache = TTLCache(**cache_args)
        self._users: TTLCache = TTLCache(**cache_args)
        self._groups: TTLCache = TTLCache(**cache_args)
        self._lock = threading.Lock()

    def override(self, user_id: str) -> str | None:
        """The configured agent (email or ``source:instance:id``) for this Slack user, if any."""
        return self._overrides.get(user_id)

    def email_of(self, user_id: str) -> str | None:
        """The Slack user's email (lower case), or None when unknown or hidden."""
        return self._cached(self._emails, user_id, lambda: self._email_lookup(user_id))

    def user_for_email(self, email: str) -> str | None:
        """The Slack user ID with this email, or None."""
        key = name_key(email)
        return self._cached(self._users, key, lambda: self._user_lookup(key))

    def groups_of(self, user_id: str, group_ids: Iterable[str]) -> frozenset[str]:
        """The user groups among ``group_ids`` that have ``user_id`` as a member."""
        return frozenset(g for g in group_ids if user_id in self._members(g))

    # -- the API calls -------------------------------------------------------------------------

    def _email_lookup(self, user_id: str) -> str | None:
        response = self._call("users.info", lambda: self._client.users_info(user=user_id))
        if response is None:
            return None
        email = (response.get("user") or {}).get("profile", {}).get("email")
        return name_key(email) if email else None

    def _user_lookup(self, email: str) -> str | None:
        response = self._call("users.lookupByEmail", lambda: self._client.users_lookupByEmail(email=email))
        return None if response is None else (response.get("user") or {}).get("id")

    def _members(self, group_id: str) -> frozenset[str]:
        def lookup() -> frozenset[str]:
            response = self._call(
                "usergroups.users.list", lambda: self._client.usergroups_users_list(usergroup=group_id)
            )
            return frozenset(response.get("users") or ()) if response is not None else frozenset()

        return self._cached(self._groups, group_id, lookup) or frozenset()

    def _call(self, method: str, call: Callable[[], object]):  # noqa: ANN202 - a SlackResponse or None
        try:
            return call()
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            if code in _NOT_FOUND:
                return None
            # missing_scope, invalid_auth, ratelimited...: an admin can fix these.
            log.warning("Slack %s failed: %s", method, code or "unknown error")
            raise _Unavailable from None
        except (SlackClientError, OSError) as error:
            log.warning("Slack %s unreachable: %s", method, type(error).__name__)
            raise _Unavailable from None

    def _cached(self, cache: TTLCache, key: str, lookup: Callable[[], object]):  # noqa: ANN202
        with self._lock:
            if key in cache:
                return cache[key]
        try:
            value = lookup()
        except _Unavailable:
            return None
        with self._lock:
            cache[key] = value
        return value
