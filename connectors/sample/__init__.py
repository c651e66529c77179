"""The sample connector: a realistic synthetic helpdesk that needs no credentials (for ``demo``,
tests and benchmarks). Importing this package registers it under the source name ``sample``."""

from __future__ import annotations

from connectors.registry import ConnectorSpec, register
from connectors.sample.connector import SampleConnector
from connectors.sample.generator import SampleHelpdesk
from connectors.sample.settings import SampleSettings

__all__ = ["SPEC", "SampleConnector", "SampleHelpdesk", "SampleSettings"]


SPEC = register(
    ConnectorSpec(
        source="sample",
        summary="a synthetic helpdesk with realistic teams, agents, tickets and ratings; no credentials needed",
        settings_model=SampleSettings,
        connector=SampleConnector,
    )
)
