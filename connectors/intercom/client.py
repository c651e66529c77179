"""The Intercom client of one workspace: the shared :class:`ApiSession` with the bearer token, the
``Intercom-Version`` header and Intercom's rate-limit headers, and refusals naming the variable."""

from __future__ import annotations

from typing import Any

from connectors.http import ApiSession, Clock, RateLimitHeaders, api_session
from connectors.http.auth import BearerToken
from connectors.http.refusals import RefusalTexts
from connectors.intercom.settings import IntercomSettings

#: Limits are per minute, counted in 10-second windows (1000 a minute: 167 a window): every answer
#: says the window's limit (``X-RateLimit-Limit``), what is left of it and when it resets (an epoch
#: second); a 429 says no more than that. Pacing needs only what is left and the reset.
# https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting
RATE_LIMITS = RateLimitHeaders(remaining=("x-ratelimit-remaining",), reset_at=("x-ratelimit-reset",), window_seconds=10)
APP_URL = "https://app.intercom.com"

# https://developers.intercom.com/docs/references/rest-api/errors/error-codes
REFUSALS = RefusalTexts(
    unauthorized=(
        "{who} refused the access token (401 Unauthorized): check {token} (Developer Hub > your app > Authentication)"
    ),
    forbidden=(
        "{who} denied access to {what} (403 Forbidden): give the app of {token} the 'Read admins' and "
        "'Read conversations' permissions (Developer Hub > your app > Authentication)"
    ),
    areas=(("/admins", "admins and teams"), ("/teams", "admins and teams")),
    other_area="conversations",
)


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
            refusal=REFUSALS.bind(who=f"Intercom {instance}", token=settings.variable("ACCESS_TOKEN")),
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
