"""The Zendesk connector (zenpy on the shared HTTP plumbing). Importing this package registers it
under the source name ``zendesk``."""

from __future__ import annotations

from connectors.registry import ConnectorSpec, register
from connectors.zendesk.connector import ZendeskConnector
from connectors.zendesk.settings import ZendeskSettings

__all__ = ["SPEC", "ZendeskConnector", "ZendeskSettings"]


def _build(instance: str, settings: ZendeskSettings) -> ZendeskConnector:
    return ZendeskConnector(instance, settings)


SPEC = register(
    ConnectorSpec(
        source="zendesk",
        summary="Zendesk Support: tickets with their metrics, CSAT (legacy and new), agents and groups",
        settings_model=ZendeskSettings,
        factory=_build,
    )
)
