"""Settings of one Zendesk instance: where it is, how to authenticate, how hard to pull.

The wiring package fills this from ``[connectors.zendesk.<instance>]`` in the TOML file and from
the environment (``ZENDESK_*`` for the default instance, ``ZENDESK_<NAME>_*`` for named ones) and
records in ``env_prefix`` which variables the secrets came from, so that errors can name them.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator, model_validator

from connectors.http.options import ApiOptions, http_url


class ZendeskSettings(ApiOptions):
    """``overlap_minutes`` applies to ratings and survey responses."""

    #: ``acme`` for acme.zendesk.com.
    subdomain: str | None = None
    #: Full base URL (a proxy, or http://127.0.0.1:PORT for a local fake); overrides ``subdomain``.
    url: str | None = None
    email: str | None = None
    api_token: SecretStr | None = None
    oauth_token: SecretStr | None = None
    env_prefix: str = "ZENDESK_"
    #: Incremental exports allow 10 requests a minute (30 with the High Volume API add-on).
    export_requests_per_minute: int = Field(10, ge=1)

    @field_validator("subdomain")
    @classmethod
    def _bare_subdomain(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().lower()
        if "." in value or "/" in value:
            raise ValueError(f"{value!r} is not a subdomain: use 'acme' for acme.zendesk.com (or set the url instead)")
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return http_url(value, "https://acme.zendesk.com")

    @model_validator(mode="after")
    def _complete(self) -> ZendeskSettings:
        p = self.env_prefix
        if self.url is None and self.subdomain is None:
            raise ValueError(f"no Zendesk account named: set {p}SUBDOMAIN (or {p}URL)")
        if self.oauth_token is None and (self.api_token is None or not self.email):
            raise ValueError(f"no Zendesk credentials: set {p}EMAIL and {p}API_TOKEN, or {p}OAUTH_TOKEN")
        return self

    @property
    def base_url(self) -> str:
        return self.url or f"https://{self.subdomain}.zendesk.com"

    @property
    def uses_api_token(self) -> bool:
        """API-token auth when email and token are both set (as zenpy prefers), else OAuth."""
        return self.api_token is not None and bool(self.email)

    @property
    def credential_variables(self) -> str:
        """The variables of the credentials in use, as a person would list them."""
        if self.uses_api_token:
            return f"{self.variable('EMAIL')} and {self.variable('API_TOKEN')}"
        return self.variable("OAUTH_TOKEN")
