"""Which connectors exist, how each is configured, and how to build one from its settings.

Each connector module registers a :class:`ConnectorSpec`: its source name, the pydantic model
of one instance's settings (TOML section ``[connectors.<source>.<instance>]`` plus secrets the
wiring package fills in from the environment), and a factory.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from connectors.base import Connector
from kpis.errors import ConfigError


@dataclass(frozen=True, slots=True)
class ConnectorSpec:
    source: str
    summary: str
    settings_model: type[BaseModel]
    factory: Callable[[str, Any], Connector]
    #: Secrets and endpoints come from the environment: ``<PREFIX>_<FIELD>`` for the default
    #: instance, ``<PREFIX>_<INSTANCE>_<FIELD>`` for a named one (the wiring package reads them).
    env_prefix: str | None = None
    env_fields: tuple[str, ...] = ()
    #: The default instance's name given its unprefixed variables; ``None`` when they name none.
    default_instance: Callable[[dict[str, str]], str | None] | None = None


def specs() -> list[ConnectorSpec]:
    _load_builtin()
    return [_REGISTRY[source] for source in sorted(_REGISTRY)]


_REGISTRY: dict[str, ConnectorSpec] = {}

#: Modules whose import registers a built-in connector.
BUILTIN_MODULES: tuple[str, ...] = (
    "connectors.sample",
    "connectors.zendesk",
    "connectors.freshdesk",
    "connectors.files",
)


def register(spec: ConnectorSpec) -> ConnectorSpec:
    _REGISTRY[spec.source] = spec
    return spec


def known_sources() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def spec_for(source: str) -> ConnectorSpec:
    _load_builtin()
    try:
        return _REGISTRY[source]
    except KeyError:
        raise ConfigError(f"unknown connector {source!r}; known connectors: {', '.join(known_sources())}") from None


def build(source: str, instance: str, values: dict[str, Any]) -> Connector:
    """Validate one instance's settings and build its connector; bad settings name the TOML key."""
    spec = spec_for(source)
    try:
        settings = spec.settings_model.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = " " + ".".join(str(part) for part in first["loc"]) if first["loc"] else ""
        # pydantic prefixes a validator's own message with "Value error, ".
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"[connectors.{source}.{instance}]{where}: {message}") from None
    return spec.factory(instance, settings)


def _load_builtin() -> None:
    # Importing a connector module registers it; done lazily so that code needing no connector
    # does not import every vendor SDK.
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
