"""Authentication of an :class:`~connectors.http.session.ApiSession`, one ``requests`` auth object per scheme.

- :class:`ApiKeyAuth` -- HTTP basic auth with an API key as the user name (Freshdesk).
- :class:`BearerToken` -- a long-lived access token in ``Authorization: Bearer`` (Intercom).
- :class:`ClientCredentials` -- OAuth2 client credentials: the token is fetched through the same
  session (so the token endpoint is paced and retried like any other), kept until shortly before
  it expires, and fetched again once when a request is refused with 401 (Help Scout).

None of them ever shows its secret in a repr, a log line or an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests
from requests.auth import AuthBase, _basic_auth_str

from connectors.http.clock import Clock
from connectors.errors import MalformedResponse, stopped

if TYPE_CHECKING:
    from connectors.http.session import ApiSession


class ApiKeyAuth(AuthBase):
    """Basic auth with the API key as user name and a placeholder password.

    Freshdesk: https://developers.freshdesk.com/api/#authentication ("X" as the password).
    """

    def __init__(self, key: str, password: str = "X") -> None:
        self._header = _basic_auth_str(key, password)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._header
        return request

    def __repr__(self) -> str:
        return "ApiKeyAuth(key=**********)"


class BearerToken(AuthBase):
    """``Authorization: Bearer <token>`` on every request."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._header
        return request

    def __repr__(self) -> str:
        return "BearerToken(token=**********)"


class _NoAuth(AuthBase):
    """Sends a request as it is (the token request itself carries the client's credentials)."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


class ClientCredentials(AuthBase):
    """OAuth2 client credentials grant (RFC 6749 section 4.4) with token refresh.

    The token is fetched lazily, before the first request that needs it; fetched again
    ``refresh_margin`` seconds before its ``expires_in`` runs out (on the session's clock); and
    fetched again when a request is refused with 401 (a token revoked or expired early), after
    which the refused request is sent once more. A fresh token that is refused too is a refusal:
    the session's refusal hook names the variables to fix.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        session: ApiSession,
        clock: Clock,
        refresh_margin: float = 60.0,
    ) -> None:
        self.token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._session = session
        self._clock = clock
        self._refresh_margin = refresh_margin
        self._token: str | None = None
        self._expires_at = 0.0

    def __repr__(self) -> str:
        return f"ClientCredentials(token_url={self.token_url!r}, client_id=**********, client_secret=**********)"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        request.register_hook("response", self._on_response)
        return request

    def token(self) -> str:
        """A token valid now: the cached one, or a new one when it is missing or about to expire."""
        if self._token is None or self._clock.monotonic() >= self._expires_at:
            self._fetch()
        assert self._token is not None
        return self._token

    def _fetch(self) -> None:
        body = self._session.page(
            "POST",
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            },
            auth=_NoAuth(),
        ).body
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            reason = f"{self._session.service}: the token endpoint answered without an access_token"
            raise MalformedResponse(stopped(reason), reason=reason)
        try:
            lifetime = float(body.get("expires_in") or 0)
        except (TypeError, ValueError):
            lifetime = 0.0
        self._token = token
        # Without a lifetime, keep it until a 401 says otherwise.
        margin = min(self._refresh_margin, lifetime / 10)
        self._expires_at = self._clock.monotonic() + lifetime - margin if lifetime > 0 else float("inf")

    def _on_response(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code != 401:
            return response
        refused = response.request.headers.get("Authorization")
        if refused == f"Bearer {self._token}":
            self._token = None  # this very token was refused: fetch another
        retry = response.request.copy()
        # Once: a fresh token refused as well is a refusal. (copy() shares the hooks; replace them.)
        hooks = response.request.hooks.get("response", [])
        retry.hooks = {"response": [hook for hook in hooks if hook != self._on_response]}
        retry.headers["Authorization"] = f"Bearer {self.token()}"
        response.content  # noqa: B018 - read the body so that the connection can be reused
        response.close()
        again = response.connection.send(retry, **kwargs)
        again.history.append(response)
        again.request = retry
        return again
