"""Which connectors exist, how each is configured, and how to build one from its settings.

Each connector module registers a :class:`ConnectorSpec`: its source name, the pydantic model
of one instance's settings (TOML section ``[connectors.<source>.<instance>]`` plus secrets the
wiring package fills in from the environment), and the connector class, built as
``connector(instance, settings)``. A spec may also list the
:class:`SetupField` values ``config init`` asks for, which is all a connector needs to appear in
the setup wizard: the wizard builds the connector from them, runs its ``check()`` live, and
proposes a Slack channel for each team its ``teams`` stream finds.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, get_args

from pydantic import BaseModel, SecretStr, ValidationError

from connectors.lazy import resolve
from kpis.errors import ConfigError
from kpis.name_hints import name_hint

if TYPE_CHECKING:  # the connector base brings the record types, which listing the specs never needs
    from connectors.base import Connector


@dataclass(frozen=True, slots=True)
class SetupField:
    """One value ``config init`` asks for, or takes from ``--<source>-<name>`` or its variable.

    A field of the settings model typed ``SecretStr`` is read with hidden input and written to
    ``.env``; any other to the instance's TOML section.
    """

    #: The settings model's field ("subdomain").
    name: str
    #: What the wizard asks; ``None``: never asked, only taken from its flag or variable.
    prompt: str | None
    #: The flag's help text.
    help: str
    #: The wizard accepts a blank answer (the settings model decides whether it is enough).
    optional: bool = False
    #: Not asked when any of these fields has a value (``subdomain`` when a ``url`` was given).
    unless: tuple[str, ...] = ()
    #: Turns an answer into field values, when one prompt may fill one of several fields (a
    #: subdomain, or a full URL for ``url``); default: the answer is this field's value.
    read: Callable[[str], dict[str, str]] | None = None


@dataclass(frozen=True, slots=True)
class ConnectorSpec:
    source: str
    summary: str
    settings_model: type[BaseModel]
    #: The connector class, built as ``connector(instance, settings)``; or its ``"module:Class"``
    #: path, imported on first use so that listing the connectors (every start of the command line)
    #: imports no connector's HTTP stack.
    connector: type[Connector] | str
    #: Secrets and endpoints come from the environment: ``<PREFIX>_<FIELD>`` for the default
    #: instance, ``<PREFIX>_<INSTANCE>_<FIELD>`` for a named one (the wiring package reads them).
    env_prefix: str | None = None
    env_fields: tuple[str, ...] = ()
    #: The default instance's name given its unprefixed variables; ``None`` when they name none.
    default_instance: Callable[[dict[str, str]], str | None] | None = None
    #: What ``config init`` asks for to set up an instance; empty: not offered by the wizard.
    setup: tuple[SetupField, ...] = ()
    #: The helpdesk's name as people write it ("Zendesk"); default the source name.
    title: str | None = None

    @property
    def name(self) -> str:
        return self.title or self.source

    @property
    def secret_fields(self) -> frozenset[str]:
        """The settings model's ``SecretStr`` fields: read from variables only, always masked."""
        return frozenset(
            name
            for name, info in self.settings_model.model_fields.items()
            if info.annotation is SecretStr or SecretStr in get_args(info.annotation)
        )


def specs() -> list[ConnectorSpec]:
    _load_builtin()
    return [_REGISTRY[source] for source in sorted(_REGISTRY)]


_REGISTRY: dict[str, ConnectorSpec] = {}

#: Modules whose import registers a built-in connector.
BUILTIN_MODULES: tuple[str, ...] = (
    "connectors.sample",
    "connectors.zendesk",
    "connectors.freshdesk",
    "connectors.intercom",
    "connectors.helpscout",
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
        hint = name_hint(source, known_sources(), listing="known connectors", always_list=True)
        raise ConfigError(f"unknown connector {source!r}{hint}") from None


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
    connector = resolve(spec.connector) if isinstance(spec.connector, str) else spec.connector
    return connector(instance, settings)  # type: ignore[call-arg]


def _load_builtin() -> None:
    # Importing a connector module registers it; done lazily so that code needing no connector
    # does not import every vendor SDK.
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
