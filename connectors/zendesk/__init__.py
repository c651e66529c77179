"""The Zendesk connector (zenpy on the shared HTTP plumbing). Importing this package registers it
under the source name ``zendesk``."""

from __future__ import annotations

from connectors.account_urls import account_or_proxy
from connectors.lazy import lazy_attributes
from connectors.registry import ConnectorSpec, SetupField, register
from connectors.zendesk.settings import ZendeskSettings

__all__ = ["SPEC", "ZendeskConnector", "ZendeskSettings"]


def _default_instance(variables: dict[str, str]) -> str | None:
    # ZENDESK_SUBDOMAIN or ZENDESK_URL make a default instance, named after the subdomain.
    if not (variables.get("subdomain") or variables.get("url")):
        return None
    return (variables.get("subdomain") or "default").strip().lower()


SPEC = register(
    ConnectorSpec(
        source="zendesk",
        summary="Zendesk Support: tickets with their metrics, CSAT (legacy and new), agents and groups",
        settings_model=ZendeskSettings,
        connector="connectors.zendesk.connector:ZendeskConnector",
        env_prefix="ZENDESK",
        env_fields=("subdomain", "url", "email", "api_token", "oauth_token"),
        default_instance=_default_instance,
        title="Zendesk",
        setup=(
            SetupField("subdomain", "Zendesk subdomain (acme, or https://acme.zendesk.com), or the full URL of a proxy",
                       "the account's subdomain", unless=("url",), read=account_or_proxy("subdomain", "zendesk.com")),
            SetupField("url", None, "the account's full base URL instead of the subdomain (a proxy)"),
            SetupField("email", "Email of the Zendesk admin whose API token you will give", "the admin's email",
                       unless=("oauth_token",)),
            SetupField("api_token", "API token (Admin Center > Apps and integrations > Zendesk API)",
                       "the admin's API token", unless=("oauth_token",)),
            SetupField("oauth_token", None, "an admin's OAuth token (read scope), instead of email and API token"),
        ),
    )
)

# The connector class brings in its HTTP stack: imported when first used (connectors.lazy).
__getattr__ = lazy_attributes(__name__, SPEC.connector)
