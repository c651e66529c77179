"""The Help Scout connector (requests on the shared HTTP plumbing, OAuth2 client credentials).
Importing this package registers it under the source name ``helpscout``."""

from __future__ import annotations

from connectors.helpscout.settings import HelpScoutSettings
from connectors.lazy import lazy_attributes
from connectors.registry import ConnectorSpec, SetupField, register

__all__ = ["SPEC", "HelpScoutConnector", "HelpScoutSettings"]


def _default_instance(variables: dict[str, str]) -> str | None:
    # An app's credentials name no account: the default instance is "default".
    return "default" if variables.get("app_id") or variables.get("app_secret") else None


SPEC = register(
    ConnectorSpec(
        source="helpscout",
        summary="Help Scout: conversations with their threads, happiness ratings (Plus and Pro), users and teams",
        settings_model=HelpScoutSettings,
        connector="connectors.helpscout.connector:HelpScoutConnector",
        env_prefix="HELPSCOUT",
        env_fields=("app_id", "app_secret", "url"),
        default_instance=_default_instance,
        title="Help Scout",
        setup=(
            SetupField(
                "app_id",
                "App ID of an Account Owner's or Administrator's app (Your Profile > My Apps)",
                "the app's App ID",
            ),
            SetupField("app_secret", "App Secret of that app", "the app's App Secret"),
            SetupField("url", None, "the API's full base URL (a proxy)"),
        ),
    )
)

# The connector class brings in its HTTP stack: imported when first used (connectors.lazy).
__getattr__ = lazy_attributes(__name__, SPEC.connector)
