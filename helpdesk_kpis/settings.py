"""Settings, read once at the entry point and passed down.

Two explicit sources, as the configuration contract says:

- **secrets and endpoints** from the environment or a ``.env`` file (:class:`EnvSettings`;
  every secret a ``SecretStr``);
- **structure** (reporting time zone, SLA targets, connector instances, later teams, channels,
  thresholds and schedules) from a TOML file, ``helpdesk-kpis.toml`` unless
  ``HELPDESK_KPIS_CONFIG`` names another (:class:`FileConfig`).

Any invalid value becomes a :class:`ConfigError` naming the variable or TOML key and what to put
there; nothing here ever prints a secret's value.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from connectors import registry
from helpdesk_kpis.slack_settings import (
    AlertRuleConfig,
    DigestConfig,
    ScheduleConfig,
    ServerConfig,
    SlashConfig,
    TeamConfig,
    check_slack_sections,
)
from kpis.catalogue import KPIS, Kind
from kpis.errors import ConfigError

DEFAULT_CONFIG_FILE = Path("helpdesk-kpis.toml")
DEFAULT_DATABASE_URL = "sqlite:///helpdesk-kpis.db"


class EnvSettings(BaseSettings):
    """Secrets and endpoints: environment variables, then ``.env`` in the working directory."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    helpdesk_kpis_config: Path | None = None

    zendesk_subdomain: str | None = None
    zendesk_email: str | None = None
    zendesk_api_token: SecretStr | None = None
    zendesk_oauth_token: SecretStr | None = None
    zendesk_url: str | None = None

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str | None = None


class ReportingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: IANA time zone in which windows are whole days ("Europe/Berlin").
    timezone: str = "UTC"
    #: A rate whose n is below this is flagged insufficient_data and never alerts.
    min_sample: int = Field(default=10, ge=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'Europe/Berlin' or 'UTC'") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SlaConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: First reply target in hours per priority; a ticket without priority uses ``default``.
    first_reply_hours: dict[str, float] = Field(default_factory=dict)
    default_first_reply_hours: float = Field(default=24.0, gt=0)

    @field_validator("first_reply_hours")
    @classmethod
    def _known_priorities(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - {"low", "normal", "high", "urgent"}
        if unknown:
            raise ValueError(f"unknown priorities {sorted(unknown)}; use low, normal, high, urgent")
        if any(hours <= 0 for hours in value.values()):
            raise ValueError("targets must be positive numbers of hours")
        return value


class KpisConfig(BaseModel):
    """``[kpis]``: the tunable parts of the KPI definitions."""

    model_config = ConfigDict(extra="forbid")

    #: Components of customer_success_score and their weights (normalized to sum 1).
    success_weights: dict[str, float] = Field(
        default_factory=lambda: {"csat": 0.5, "fcr_rate": 0.25, "first_reply_sla_rate": 0.25}
    )
    #: Expected customer lifetime for clv; unset: 1 / monthly churn.
    clv_lifetime_months: float | None = Field(default=None, gt=0)

    @field_validator("success_weights")
    @classmethod
    def _rates_with_positive_weights(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [k for k in value if k not in KPIS or KPIS[k].kind is not Kind.RATE]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: components must be rate KPIs such as csat, fcr_rate")
        if not value or any(w <= 0 for w in value.values()):
            raise ValueError("give at least one component, each with a positive weight")
        return value


class FileConfig(BaseModel):
    """The structure of ``helpdesk-kpis.toml``."""

    model_config = ConfigDict(extra="forbid")

    reporting: ReportingConfig = Field(default_factory=ReportingConfig)
    sla: SlaConfig = Field(default_factory=SlaConfig)
    kpis: KpisConfig = Field(default_factory=KpisConfig)
    #: ``[connectors.<source>.<instance>]`` sections, validated by each connector's own model.
    connectors: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    # Slack: ``[[teams]]``, ``[digest]``, ``[[alerts]]``, ``[schedule]`` (helpdesk_kpis.slack_settings).
    teams: list[TeamConfig] = Field(default_factory=list)
    digest: DigestConfig = Field(default_factory=DigestConfig)
    alerts: list[AlertRuleConfig] = Field(default_factory=list)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    # The `/kpi` command: ``[slash]`` and ``[server]`` (helpdesk_kpis.slack_settings).
    slash: SlashConfig = Field(default_factory=SlashConfig)
    server: ServerConfig = Field(default_factory=ServerConfig)

    @model_validator(mode="after")
    def _slack_cross_checks(self) -> FileConfig:
        check_slack_sections(self.teams, self.digest, self.alerts)
        return self


@dataclass(frozen=True)
class Settings:
    env: EnvSettings
    config: FileConfig
    config_path: Path
    #: Every connector instance's settings values, secrets resolved (see :func:`connector_instances`).
    connectors: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def connector_sections(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every configured connector instance as (source, instance, settings values)."""
        return [
            (source, instance, dict(values))
            for source, instances in sorted(self.connectors.items())
            for instance, values in sorted(instances.items())
        ]


def load_settings(config_path: Path | None = None, *, env_file: Path | None = Path(".env")) -> Settings:
    """Read the environment, ``.env`` and the TOML file once; raise ConfigError on anything invalid."""
    env = _load_env(env_file)
    explicit = config_path or env.helpdesk_kpis_config
    path = explicit or DEFAULT_CONFIG_FILE
    config = _load_file_config(path, required=explicit is not None)
    connectors = connector_instances(config.connectors, environment(env_file))
    return Settings(env=env, config=config, config_path=path, connectors=connectors)


# -- Connector instances ------------------------------------------------------------------------
# Each connector spec names its environment prefix and the fields that may come from it. The
# unprefixed variables (ZENDESK_SUBDOMAIN, ZENDESK_API_TOKEN...) make the default instance when the
# spec says they name one (Zendesk: after its subdomain). Each ``[connectors.<source>.<name>]``
# section is an instance; its secrets come from ``<PREFIX>_<NAME>_<FIELD>`` (NAME upper-cased,
# dashes as underscores). A section named like the default instance adds options to it. Any
# variable may instead be given as ``<VARIABLE>_FILE``: the path of a file holding the value.


def environment(env_file: Path | None) -> dict[str, str]:
    """The process environment over the ``.env`` file, keys upper-cased, ``*_FILE`` indirections kept."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k.upper(): v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update({k.upper(): v for k, v in os.environ.items()})
    return values


def _variable(variables: dict[str, str], name: str) -> str | None:
    value = variables.get(name)
    if value not in (None, ""):
        return value
    path = variables.get(f"{name}_FILE")
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ConfigError(f"{name}_FILE: cannot read {path}: {error.strerror}") from None


def _prefixed(variables: dict[str, str], prefix: str, fields: tuple[str, ...]) -> dict[str, str]:
    found = {f: _variable(variables, f"{prefix}{f.upper()}") for f in fields}
    return {f: v for f, v in found.items() if v is not None}


def instance_prefix(env_prefix: str, instance: str) -> str:
    return f"{env_prefix}_{instance.upper().replace('-', '_')}_"


def connector_instances(
    sections: dict[str, dict[str, dict[str, Any]]], variables: dict[str, str]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Every connector instance's settings values (validated later by the connector's own model)."""
    for source in sections:
        registry.spec_for(source)  # an unknown source in the TOML file is a config error
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for spec in registry.specs():
        instances = {name: dict(values) for name, values in sections.get(spec.source, {}).items()}
        prefixes: dict[str, str] = {}
        if spec.env_prefix:
            unprefixed = _prefixed(variables, f"{spec.env_prefix}_", spec.env_fields)
            default = spec.default_instance(unprefixed) if spec.default_instance else None
            if default is not None:
                instances[default] = {**unprefixed, **instances.get(default, {})}
                prefixes[default] = f"{spec.env_prefix}_"
            for name in instances:
                own = _prefixed(variables, instance_prefix(spec.env_prefix, name), spec.env_fields)
                instances[name].update(own)
                if own or name not in prefixes:
                    prefixes[name] = instance_prefix(spec.env_prefix, name)
            if "env_prefix" in spec.settings_model.model_fields:
                for name, prefix in prefixes.items():
                    instances[name]["env_prefix"] = prefix  # so messages name the right variable
        if instances:
            result[spec.source] = instances
    return result


def _load_env(env_file: Path | None) -> EnvSettings:
    try:
        return EnvSettings(_env_file=env_file)
    except ValidationError as error:
        first = error.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "environment"
        raise ConfigError(f"{variable}: {first['msg']}") from None


def _load_file_config(path: Path, *, required: bool) -> FileConfig:
    if not path.exists():
        if required:
            raise ConfigError(
                f"config file {str(path)!r} does not exist; create it with `helpdesk-kpis config init` "
                "or fix HELPDESK_KPIS_CONFIG / --config"
            )
        return FileConfig()
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    try:
        return FileConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = _where(data, first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{path}: {where}: {message}" if where else f"{path}: {message}") from None


def _where(data: dict[str, Any], loc: tuple) -> str:
    """A TOML key path a person can find: list items by their ``id`` or ``name`` (``alerts.csat-floor.operator``)."""
    parts: list[str] = []
    node: Any = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
            label = node.get("id") or node.get("name") if isinstance(node, dict) else None
            parts.append(str(label) if label else f"#{part + 1}")
        else:
            node = node.get(part) if isinstance(node, dict) else None
            parts.append(str(part))
    return ".".join(parts)
