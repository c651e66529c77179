"""Settings of one Help Scout account: its OAuth2 app (client credentials).

Filled by the wiring package from ``[connectors.helpscout.<instance>]`` and the environment
(``HELPSCOUT_APP_ID`` / ``HELPSCOUT_APP_SECRET`` for the default instance,
``HELPSCOUT_<NAME>_APP_ID`` / ``_APP_SECRET`` for named ones).
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator, model_validator

from connectors.http.options import ApiOptions, http_url

API_URL = "https://api.helpscout.net"


class HelpScoutSettings(ApiOptions):
    """``overlap_minutes`` applies to conversations and ratings."""

    #: Days before the previous pass that each ratings pass reads again: a customer may change a
    #: rating or add its comment after giving it, and the report lists ratings by when they were given.
    rating_lookback_days: int = Field(14, ge=0)
    #: Days an open or pending conversation may go unlisted before a pass reads it on its own, to
    #: learn whether it was deleted or merged (the lists leave those out).
    reconcile_after_days: int = Field(7, ge=1)

    #: The app's App ID (OAuth2 client id); Your Profile > My Apps.
    app_id: SecretStr | None = None
    #: The app's App Secret (OAuth2 client secret).
    app_secret: SecretStr | None = None
    #: Full base URL (a proxy, or http://127.0.0.1:PORT for a local fake).
    url: str | None = None
    env_prefix: str = "HELPSCOUT_"

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return http_url(value, API_URL)

    @model_validator(mode="after")
    def _complete(self) -> HelpScoutSettings:
        if not (self.app_id and self.app_id.get_secret_value().strip()) or not (
            self.app_secret and self.app_secret.get_secret_value().strip()
        ):
            raise ValueError(
                f"no Help Scout credentials: set {self.variable('APP_ID')} and {self.variable('APP_SECRET')}"
            )
        return self

    @property
    def base_url(self) -> str:
        return self.url or API_URL

    @property
    def credential_variables(self) -> str:
        return f"{self.variable('APP_ID')} and {self.variable('APP_SECRET')}"
