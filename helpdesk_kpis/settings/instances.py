"""Connector instances: the TOML sections and the environment variables that configure each one.

Each connector spec names its environment prefix and the fields that may come from it. The
unprefixed variables (ZENDESK_SUBDOMAIN, ZENDESK_API_TOKEN...) make the default instance when the
spec says they name one (Zendesk: after its subdomain). Each ``[connectors.<source>.<name>]``
section is an instance; its variables are ``<PREFIX>_<NAME>_<FIELD>`` (NAME upper-cased, dashes
as underscores). A section named like the default instance adds options to it, and its values
win over the unprefixed variables; ``<PREFIX>_<NAME>_<FIELD>`` wins over both. Any variable may
also come from a file (``<VARIABLE>_FILE``, a secrets directory: :mod:`helpdesk_kpis.settings.variables`).

Secrets (the spec's ``SecretStr`` fields) come from variables only: a secret written in the TOML
file, which is usually shared and versioned, is refused with the variable to use instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connectors import registry
from helpdesk_kpis.settings.variables import Variables
from kpis.errors import ConfigError

TOML_ORIGIN = "TOML"
#: Joins a TOML origin to the variable it overrides: "TOML, over environment ZENDESK_URL".
OVER = ", over "


@dataclass(frozen=True)
class Instances:
    #: source -> instance -> settings values (validated later by the connector's own model).
    values: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict, repr=False)
    #: source -> instance -> field -> where its value came from ("TOML", "environment ZENDESK_EMAIL"...).
    origins: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)


def instance_prefix(env_prefix: str, instance: str) -> str:
    return f"{env_prefix}_{instance.upper().replace('-', '_')}_"


def connector_instances(sections: dict[str, dict[str, dict[str, Any]]], variables: Variables) -> Instances:
    """Every configured connector instance's values and where each came from."""
    for source in sections:
        registry.spec_for(source)  # an unknown source in the TOML file is a config error
    result = Instances()
    for spec in registry.specs():
        instances = {name: dict(values) for name, values in sections.get(spec.source, {}).items()}
        origins = {name: dict.fromkeys(values, TOML_ORIGIN) for name, values in instances.items()}
        _refuse_toml_secrets(spec, instances)
        prefixes: dict[str, str] = {}
        if spec.env_prefix:
            unprefixed, unprefixed_origins = _prefixed(variables, f"{spec.env_prefix}_", spec.env_fields)
            default = spec.default_instance(unprefixed) if spec.default_instance else None
            if default is not None:
                # The TOML section of the default instance wins over its unprefixed variables (which
                # may be set for another purpose, a shell profile...); the instance's own prefixed
                # variables win over both. config show names what a TOML value overrides.
                section = instances.get(default, {})
                instances[default] = {**unprefixed, **section}
                origins[default] = {**unprefixed_origins, **origins.get(default, {})}
                for name in unprefixed.keys() & section.keys():
                    origins[default][name] = f"{TOML_ORIGIN}{OVER}{unprefixed_origins[name]}"
                prefixes[default] = f"{spec.env_prefix}_"
            for name in instances:
                own, own_origins = _prefixed(variables, instance_prefix(spec.env_prefix, name), spec.env_fields)
                instances[name].update(own)
                origins.setdefault(name, {}).update(own_origins)
                if own or name not in prefixes:
                    prefixes[name] = instance_prefix(spec.env_prefix, name)
            if "env_prefix" in spec.settings_model.model_fields:
                for name, prefix in prefixes.items():
                    instances[name]["env_prefix"] = prefix  # so messages name the right variable
        if instances:
            result.values[spec.source] = instances
            result.origins[spec.source] = origins
    return result


def _prefixed(variables: Variables, prefix: str, fields: tuple[str, ...]) -> tuple[dict[str, str], dict[str, str]]:
    values: dict[str, str] = {}
    origins: dict[str, str] = {}
    for name in fields:
        variable = f"{prefix}{name.upper()}"
        found = variables.find(variable)
        if found is not None:
            values[name] = found.value
            origins[name] = found.source(variable)
    return values, origins


def _refuse_toml_secrets(spec: registry.ConnectorSpec, instances: dict[str, dict[str, Any]]) -> None:
    for name, values in instances.items():
        for key in sorted(set(values) & spec.secret_fields):
            variable = (
                f"{instance_prefix(spec.env_prefix, name)}{key.upper()}" if spec.env_prefix else key.upper()
            )
            raise ConfigError(
                f"[connectors.{spec.source}.{name}] {key}: secrets do not belong in the TOML file; "
                f"remove it there and set {variable} in the environment or .env"
            )
