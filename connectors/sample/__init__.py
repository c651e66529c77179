"""The sample connector: a realistic synthetic helpdesk that needs no credentials (for ``demo``,
tests and benchmarks). Importing this package registers it under the source name ``sample``."""

from __future__ import annotations

from connectors.lazy import lazy_attributes
from connectors.registry import ConnectorSpec, register
from connectors.sample.settings import SampleSettings

__all__ = ["SPEC", "SampleConnector", "SampleHelpdesk", "SampleSettings"]


SPEC = register(
    ConnectorSpec(
        source="sample",
        summary="a synthetic helpdesk with realistic teams, agents, tickets and ratings; no credentials needed",
        settings_model=SampleSettings,
        connector="connectors.sample.connector:SampleConnector",
    )
)

# The connector and its generator bring in numpy: imported when first used (connectors.lazy).
__getattr__ = lazy_attributes(__name__, SPEC.connector, "connectors.sample.generator:SampleHelpdesk")
