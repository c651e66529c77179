"""Settings of one Freshdesk instance: where the account is and its API key.

Filled by the wiring package from ``[connectors.freshdesk.<instance>]`` and the environment
(``FRESHDESK_DOMAIN`` / ``FRESHDESK_API_KEY`` for the default instance, ``FRESHDESK_<NAME>_*`` for
named ones).
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator, model_validator

from connectors.http.options import ApiOptions, http_url

FRESHDESK_HOST = ".freshdesk.com"


class FreshdeskSettings(ApiOptions):
    """``overlap_minutes`` applies to the ticket lists (the list shows a change some time after
    its ``updated_at``)."""

    #: ``acme`` for acme.freshdesk.com (``acme.freshdesk.com`` is accepted too).
    domain: str | None = None
    #: Full base URL (a proxy, or http://127.0.0.1:PORT for a local fake); overrides ``domain``.
    url: str | None = None
    api_key: SecretStr | None = None
    #: Days of satisfaction ratings read again on every sync: a rating is created by the
    #: customer's click and updated when they send the survey's form (comment, changed score),
    #: which the list, filtered by creation only, cannot ask for. Airbyte's connector uses 14.
    ratings_lookback_days: int = Field(14, ge=0)
    #: Requests a minute the ticket list may take; unset: the plan's, from the account's
    #: announced total (20 on Growth, 100 on Pro, 200 on Enterprise).
    ticket_list_per_minute: int | None = Field(None, gt=0)
    env_prefix: str = "FRESHDESK_"

    @field_validator("domain")
    @classmethod
    def _bare_domain(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().lower().removeprefix("https://").rstrip("/").removesuffix(FRESHDESK_HOST)
        if "." in value or "/" in value:
            raise ValueError(f"{value!r} is not a Freshdesk domain: use 'acme' for acme.freshdesk.com (or set the url)")
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return http_url(value, "https://acme.freshdesk.com")

    @model_validator(mode="after")
    def _complete(self) -> FreshdeskSettings:
        if self.url is None and self.domain is None:
            raise ValueError(f"no Freshdesk account named: set {self.variable('DOMAIN')} (or {self.variable('URL')})")
        if self.api_key is None or not self.api_key.get_secret_value().strip():
            raise ValueError(f"no Freshdesk credentials: set {self.variable('API_KEY')}")
        return self

    @property
    def base_url(self) -> str:
        return self.url or f"https://{self.domain}{FRESHDESK_HOST}"
