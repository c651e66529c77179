"""The Zendesk client of one instance: zenpy on the shared :class:`ApiSession`, plus that same
session for the paged, checkpointed endpoints zenpy cannot serve page by page.

zenpy authenticates the session (API token or OAuth) and lists the directory (agents, groups,
memberships). It is handed our session, so its requests are paced and retried by our one policy;
its own 429 loop never runs because the session never returns a 429 (it waits and retries, or
raises), and its default urllib3 retry adapter is not mounted (it only mounts one on a session it
creates itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from zenpy import Zenpy

from connectors.http import ApiSession, Clock, RouteLimit, api_session
from connectors.http.refusals import RefusalTexts
from connectors.zendesk.settings import ZendeskSettings

API = "/api/v2"
#: Incremental exports have their own limit: 10 requests a minute, 30 with High Volume API.
# https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/#rate-limits
EXPORT_PREFIX = f"{API}/incremental/"
# https://developer.zendesk.com/api-reference/introduction/security-and-auth/
REFUSALS = RefusalTexts(
    unauthorized="{who} refused the credentials (401 Unauthorized): {credential_fix}",
    forbidden="{who} denied access to {what} (403 Forbidden): reading {what} needs an admin; {admin_fix}",
    areas=(
        ("satisfaction_ratings", "satisfaction ratings"),
        ("survey_responses", "CSAT survey responses"),
        ("ticket_metric_events", "ticket metric events (SLA outcomes)"),
        ("incremental", "incremental exports"),
        ("group_memberships", "group memberships"),
        ("groups", "groups"),
        ("users", "users"),
    ),
)


class ZendeskClient:
    def __init__(self, instance: str, settings: ZendeskSettings, clock: Clock, *, max_attempts: int = 6) -> None:
        self.instance = instance
        self.settings = settings
        self.base_url = settings.base_url
        base = urlsplit(self.base_url)
        self._api_root = f"{base.path.rstrip('/')}{API}"
        export_prefix = f"{base.path.rstrip('/')}{EXPORT_PREFIX}"
        self.session: ApiSession = api_session(
            service=f"Zendesk {instance}",
            clock=clock,
            limits=(
                RouteLimit(
                    "incremental exports",
                    lambda url: urlsplit(url).path.startswith(export_prefix),
                    settings.export_requests_per_minute,
                ),
            ),
            wait_budget_seconds=settings.wait_budget_seconds,
            refusal=REFUSALS.bind(
                who=f"Zendesk {instance}", credential_fix=self.credential_fix(), admin_fix=self.admin_fix()
            ),
            timeout=settings.timeout_seconds,
            max_attempts=max_attempts,
        )
        token = settings.api_token.get_secret_value() if settings.uses_api_token and settings.api_token else None
        oauth = None if token else settings.oauth_token.get_secret_value() if settings.oauth_token else None
        self.zenpy = Zenpy(
            subdomain=settings.subdomain or instance,
            email=settings.email if token else None,
            token=token,
            oauth_token=oauth,
            session=self.session,
            timeout=settings.timeout_seconds,
            disable_cache=True,
        )
        for api in (self.zenpy.users, self.zenpy.groups, self.zenpy.group_memberships):
            _serve_from(api, base.scheme, base.netloc, base.path)

    # -- the session directly ---------------------------------------------------------------------

    def url(self, path: str) -> str:
        """Absolute URL of an API path (``/incremental/tickets/cursor.json``)."""
        base = urlsplit(self.base_url)
        return f"{base.scheme}://{base.netloc}{self._api_root}{path}"

    def get(self, path: str, params: dict[str, Any], *, accept_status: tuple[int, ...] = ()) -> Any:
        """One page of JSON from ``path``; ``None`` when the answer is an accepted error status."""
        return self.session.get_json(self.url(path), params=params, accept_status=accept_status)

    # -- zenpy ------------------------------------------------------------------------------------

    def agents(self) -> Iterator[dict[str, Any]]:
        # https://developer.zendesk.com/api-reference/ticketing/users/users/#list-users
        for user in self.zenpy.users(role=["agent", "admin"]):
            yield user.to_dict()

    def groups(self) -> Iterator[dict[str, Any]]:
        # https://developer.zendesk.com/api-reference/ticketing/groups/groups/#list-groups
        for group in self.zenpy.groups():
            yield group.to_dict()

    def group_memberships(self) -> Iterator[dict[str, Any]]:
        # https://developer.zendesk.com/api-reference/ticketing/groups/group_memberships/#list-memberships
        for membership in self.zenpy.group_memberships():
            yield membership.to_dict()

    def has_sla_policies(self) -> bool:
        """Whether the account defines any SLA policy. Plans without SLAs (Team) refuse the list:
        ``403`` and ``404`` mean none. Through the session, not zenpy's ``sla_policies()``: zenpy
        cannot take a refusal as an answer.

        https://developer.zendesk.com/api-reference/ticketing/business-rules/sla_policies/#list-sla-policies
        """
        body = self.get("/slas/policies.json", {}, accept_status=(403, 404))
        return bool(body and body.get("sla_policies"))

    def me(self) -> dict[str, Any]:
        """The user the credentials belong to; ``id`` is None for an anonymous user.

        https://developer.zendesk.com/api-reference/ticketing/users/users/#show-the-currently-authenticated-user
        """
        return self.zenpy.users.me().to_dict()

    # -- refused credentials ----------------------------------------------------------------------

    def credential_fix(self) -> str:
        """What to do about refused credentials, naming the variables (never their values)."""
        s = self.settings
        if s.uses_api_token:
            return f"check {s.credential_variables} (the token must be an active API token of that user)"
        return f"check {s.credential_variables} (it may have expired or been revoked)"

    def admin_fix(self) -> str:
        """What to do when the credentials are not an admin's."""
        s = self.settings
        if s.uses_api_token:
            return f"set {s.variable('EMAIL')} to an admin's email and {s.variable('API_TOKEN')} to an API token"
        return f"set {s.variable('OAUTH_TOKEN')} to an admin's OAuth token with the read scope"


def _serve_from(api: Any, scheme: str, netloc: str, path: str) -> None:
    """Point one zenpy Api object at the configured base URL.

    zenpy builds every URL as ``https://<subdomain>.<domain>/api/v2``; a configured URL may have
    another scheme, any host and port and a path prefix (a proxy, ``http://127.0.0.1:PORT`` for a
    local fake). ``base_url`` is a read-only property on zenpy's class, so the object gets a
    subclass of its own whose ``base_url`` is the configured host.
    """
    api.protocol = scheme
    api.api_prefix = f"{path.strip('/')}/api/v2".lstrip("/")
    api.__class__ = type(type(api).__name__, (type(api),), {"base_url": netloc})
