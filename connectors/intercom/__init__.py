"""The Intercom connector (requests on the shared HTTP plumbing). Importing this package
registers it under the source name ``intercom``."""

from __future__ import annotations

from connectors.account_urls import region_or_proxy
from connectors.intercom.settings import IntercomSettings
from connectors.lazy import lazy_attributes
from connectors.registry import ConnectorSpec, SetupField, register

__all__ = ["SPEC", "IntercomConnector", "IntercomSettings"]


def _default_instance(variables: dict[str, str]) -> str | None:
    # An access token names no workspace: the default instance is "default" (records
    # intercom:default:<id>); a named section gives another name.
    return "default" if variables.get("access_token") else None


#: The vendor's own hosts of each region (the API's and the web app's), so that a pasted URL of
#: them names the region rather than a proxy.
_REGION_HOSTS = {
    "api.intercom.io": "us", "app.intercom.com": "us", "api.eu.intercom.io": "eu", "app.eu.intercom.com": "eu",
    "api.au.intercom.io": "au", "app.au.intercom.com": "au",
}

SPEC = register(
    ConnectorSpec(
        source="intercom",
        summary="Intercom: conversations with their statistics and ratings (1-5), admins and teams",
        settings_model=IntercomSettings,
        connector="connectors.intercom.connector:IntercomConnector",
        env_prefix="INTERCOM",
        env_fields=("access_token", "region", "url"),
        default_instance=_default_instance,
        title="Intercom",
        setup=(
            SetupField(
                "region",
                "Where your workspace is hosted (us, eu or au), or the full URL of a proxy",
                "the workspace's region",
                optional=True,
                unless=("url",),
                read=region_or_proxy(_REGION_HOSTS),
            ),
            SetupField("url", None, "the API's full base URL instead of the region (a proxy)"),
            SetupField(
                "access_token",
                "Access token (Developer Hub > your app > Authentication)",
                "the app's access token",
            ),
        ),
    )
)

# The connector class brings in its HTTP stack: imported when first used (connectors.lazy).
__getattr__ = lazy_attributes(__name__, SPEC.connector)
