"""The Freshdesk connector (requests on the shared HTTP plumbing). Importing this package
registers it under the source name ``freshdesk``."""

from __future__ import annotations

from connectors.account_urls import account_or_proxy
from connectors.freshdesk.settings import FRESHDESK_HOST, FreshdeskSettings
from connectors.lazy import lazy_attributes
from connectors.registry import ConnectorSpec, SetupField, register

__all__ = ["SPEC", "FreshdeskConnector", "FreshdeskSettings"]


def _default_instance(variables: dict[str, str]) -> str | None:
    # FRESHDESK_DOMAIN or FRESHDESK_URL make a default instance, named after the domain.
    domain = (variables.get("domain") or "").strip().lower().removeprefix("https://").rstrip("/")
    if not (domain or variables.get("url")):
        return None
    return domain.removesuffix(FRESHDESK_HOST) or "default"


SPEC = register(
    ConnectorSpec(
        source="freshdesk",
        summary="Freshdesk: tickets with stats, satisfaction ratings (classic and custom surveys), agents and groups",
        settings_model=FreshdeskSettings,
        connector="connectors.freshdesk.connector:FreshdeskConnector",
        env_prefix="FRESHDESK",
        env_fields=("domain", "url", "api_key"),
        default_instance=_default_instance,
        title="Freshdesk",
        setup=(
            SetupField(
                "domain", "Freshdesk domain (acme, or https://acme.freshdesk.com), or the full URL of a proxy",
                "the account's domain", unless=("url",), read=account_or_proxy("domain", "freshdesk.com"),
            ),
            SetupField("url", None, "the account's full base URL instead of the domain (a proxy)"),
            SetupField(
                "api_key",
                "API key of an Administrator or Supervisor (Profile settings > Your API Key)",
                "the agent's API key",
            ),
        ),
    )
)

# The connector class brings in its HTTP stack: imported when first used (connectors.lazy).
__getattr__ = lazy_attributes(__name__, SPEC.connector)
