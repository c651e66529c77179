"""Settings of one Intercom workspace: its region (or a base URL), its access token, the API version.

Filled by the wiring package from ``[connectors.intercom.<instance>]`` and the environment
(``INTERCOM_ACCESS_TOKEN`` for the default instance, ``INTERCOM_<NAME>_ACCESS_TOKEN`` for named ones).
"""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr, field_validator, model_validator

from connectors.http.options import ApiOptions, http_url

#: Each region's API host. https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis/
REGIONS = {"us": "https://api.intercom.io", "eu": "https://api.eu.intercom.io", "au": "https://api.au.intercom.io"}


class IntercomSettings(ApiOptions):
    """``overlap_minutes``: each conversation search starts that far before the last change read
    (the search index lags); ratings arrive with their conversations."""

    #: Where the workspace's data is hosted: us (default), eu or au.
    region: Literal["us", "eu", "au"] = "us"
    #: Full base URL (a proxy, or http://127.0.0.1:PORT for a local fake); overrides ``region``.
    url: str | None = None
    access_token: SecretStr | None = None
    #: The ``Intercom-Version`` every request names. 2.15 is the first whose conversations name
    #: their company (the link to accounts); the rest of what the mapping reads is as in 2.14, but
    #: for Fin's renamed resolution states, read in both spellings (2.14 still works, without
    #: companies). https://developers.intercom.com/docs/references/2.15/changelog
    # https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis/api-versioning/
    api_version: str = "2.15"
    env_prefix: str = "INTERCOM_"

    @field_validator("region", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return http_url(value, "https://api.intercom.io")

    @model_validator(mode="after")
    def _complete(self) -> IntercomSettings:
        if self.access_token is None or not self.access_token.get_secret_value().strip():
            raise ValueError(f"no Intercom credentials: set {self.variable('ACCESS_TOKEN')}")
        return self

    @property
    def base_url(self) -> str:
        return self.url or REGIONS[self.region]
