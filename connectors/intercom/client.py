"""The Intercom client of one workspace: the shared :class:`ApiSession` with the bearer token, the
``Intercom-Version`` header and Intercom's rate-limit headers, and refusals naming the variable."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

from connectors.http import ApiSession, Clock, RateLimitHeaders, api_session
from connectors.http.auth import BearerToken
from connectors.intercom.settings import IntercomSettings
from kpis.errors import CredentialError, HelpdeskKpisError

#: Limits are per minute, spread over 10-second windows; every answer says what is left and when
#: the window resets (an epoch second); a 429 says no more than that.
# https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting
RATE_LIMITS = RateLimitHeaders(remaining=("x-ratelimit-remaining",), reset_at=("x-ratelimit-reset",), window_seconds=10)
APP_URL = "https://app.intercom.com"


class IntercomClient:
    def __init__(self, instance: str, settings: IntercomSettings, clock: Clock, *, max_attempts: int = 6) -> None:
        self.instance = instance
        self.settings = settings
        self.base_url = settings.base_url
        assert settings.access_token is not None
        self.session: ApiSession = api_session(
            service=f"Intercom {instance}",
            clock=clock,
            rate_limits=RATE_LIMITS,
            wait_budget_seconds=settings.wait_budget_seconds,
            refusal=self._refusal,
            timeout=settings.timeout_seconds,
            max_attempts=max_attempts,
            auth=BearerToken(settings.access_token.get_secret_value()),
            headers={"Intercom-Version": settings.api_version, "Accept": "application/json"},
        )
        self._app_id: str | None = None

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def get(self, path: str) -> Any:
        return self.session.get_json(self.url(path))

    def me(self) -> dict[str, Any]:
        """The admin the token acts as, with its workspace (``app``)."""
        # https://developers.intercom.com/docs/references/rest-api/api.intercom.io/admins/identifyadmin
        me = self.get("/me")
        return me if isinstance(me, dict) else {}

    def conversation_link(self, conversation_id: Any) -> str:
        if self._app_id is None:
            self._app_id = str((self.me().get("app") or {}).get("id_code") or "")
        return f"{APP_URL}/a/apps/{self._app_id}/conversations/{conversation_id}"

    def _refusal(self, response: requests.Response) -> HelpdeskKpisError:
        token = self.settings.variable("ACCESS_TOKEN")
        who = f"Intercom {self.instance}"
        if response.status_code == 401:
            return CredentialError(
                f"{who} refused the access token (401 Unauthorized): check {token} (Developer Hub > your app > "
                "Authentication)"
            )
        path = urlsplit(response.url).path
        what = "admins and teams" if path.startswith(("/admins", "/teams")) else "conversations"
        return CredentialError(
            f"{who} denied access to {what} (403 Forbidden): give the app of {token} the 'Read admins' and "
            "'Read conversations' permissions (Developer Hub > your app > Authentication)"
        )
