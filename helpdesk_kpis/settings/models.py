"""Settings, read once at the entry point and passed down.

Two explicit sources, as the configuration contract says:

- **secrets and endpoints** from the environment, a ``.env`` file, ``*_FILE`` files or a secrets
  directory (:mod:`helpdesk_kpis.settings.variables`, :class:`EnvSettings`; every secret a ``SecretStr``);
- **structure** (reporting time zone, SLA targets, connector instances, later teams, channels,
  thresholds and schedules) from a TOML file, ``helpdesk-kpis.toml`` unless
  ``HELPDESK_KPIS_CONFIG`` names another (:class:`FileConfig`).

Any invalid value becomes a :class:`ConfigError` naming the variable or TOML key and what to put
there; nothing here ever prints a secret's value.
"""

from __future__ import annotations

import tomllib
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from connectors import registry
from connectors.http.options import http_url
from helpdesk_kpis.settings.instances import connector_instances
from helpdesk_kpis.settings.scorecard import ScorecardSettings
from helpdesk_kpis.settings.slack import (
    AlertRuleConfig,
    DigestConfig,
    ScheduleConfig,
    TeamConfig,
)
from helpdesk_kpis.settings.slack_checks import check_slack_sections
from helpdesk_kpis.settings.slash_settings import ServerConfig, SlackConnectionConfig, SlashConfig
from helpdesk_kpis.settings.suggestions import did_you_mean, known_keys
from helpdesk_kpis.settings.variables import Variables
from kpis.catalogue import KPIS, Kind
from kpis.errors import ConfigError

DEFAULT_CONFIG_FILE = Path("helpdesk-kpis.toml")
DEFAULT_DATABASE_URL = "sqlite:///helpdesk-kpis.db"

#: The variables :func:`load_settings` read, handed to ``EnvSettings.settings_customise_sources``
#: (a class method, which pydantic-settings calls with no way to pass them in).
_reading: ContextVar[Variables] = ContextVar("variables being read")


class EnvSettings(BaseSettings):
    """Secrets and endpoints, from the sources of :mod:`helpdesk_kpis.settings.variables` (environment,
    ``.env``, ``*_FILE``, secrets directory), read once by :func:`load_settings`.

    Every secret is a ``SecretStr``, the database URL included (it may carry a password).
    """

    model_config = SettingsConfigDict(extra="ignore", hide_input_in_errors=True)

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, **defaults):  # noqa: ANN001, ANN206, ARG003
        # The sources load_settings read once (environment, .env, *_FILE, secrets directory), which serve
        # connector instances too and keep each value's origin: pydantic-settings' defaults know neither.
        variables = _reading.get(None) or Variables.read(settings_cls=settings_cls)
        return (init_settings, *variables.sources)

    database_url: SecretStr = SecretStr(DEFAULT_DATABASE_URL)
    helpdesk_kpis_config: Path | None = None

    # Connector variables (ZENDESK_*...) belong to connector instances: helpdesk_kpis.settings.instances.

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str | None = None
    #: App-level token (xapp-...) with ``connections:write``: `/kpi` over Socket Mode instead of HTTP.
    slack_app_token: SecretStr | None = None

    @field_validator("slack_api_url")
    @classmethod
    def _slack_api_url(cls, value: str | None) -> str | None:
        # The Web API base URL, for a proxy or a local stand-in; without a scheme urllib would refuse
        # every call later with "unknown url type".
        http_url(value, "https://slack.com/api/")  # refuses what is no http(s) URL; the value stays as given
        return value.strip() if value and value.strip() else None


class ReportingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

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
    model_config = ConfigDict(extra="forbid", defer_build=True)

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

    model_config = ConfigDict(extra="forbid", defer_build=True)

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

    model_config = ConfigDict(extra="forbid", defer_build=True)

    reporting: ReportingConfig = Field(default_factory=ReportingConfig)
    sla: SlaConfig = Field(default_factory=SlaConfig)
    kpis: KpisConfig = Field(default_factory=KpisConfig)
    scorecard: ScorecardSettings = Field(default_factory=ScorecardSettings)
    #: ``[connectors.<source>.<instance>]`` sections, validated by each connector's own model.
    connectors: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    # Slack: ``[[teams]]``, ``[digest]``, ``[[alerts]]``, ``[schedule]`` (helpdesk_kpis.settings.slack).
    teams: list[TeamConfig] = Field(default_factory=list)
    digest: DigestConfig = Field(default_factory=DigestConfig)
    alerts: list[AlertRuleConfig] = Field(default_factory=list)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    # The `/kpi` command: ``[slash]``, ``[server]`` and ``[slack]`` (helpdesk_kpis.settings.slash_settings).
    slash: SlashConfig = Field(default_factory=SlashConfig)
    server: ServerConfig = Field(default_factory=ServerConfig)
    slack: SlackConnectionConfig = Field(default_factory=SlackConnectionConfig)

    @model_validator(mode="after")
    def _slack_cross_checks(self) -> FileConfig:
        check_slack_sections(self.teams, self.digest, self.alerts)
        return self


@dataclass(frozen=True)
class Settings:
    env: EnvSettings
    config: FileConfig
    config_path: Path
    #: Every connector instance's settings values, secrets resolved (:mod:`helpdesk_kpis.settings.instances`).
    connectors: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict, repr=False)
    #: Where each connector instance's values came from (source -> instance -> field -> origin).
    connector_origins: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    #: The TOML file as read (``config show`` tells set keys from defaults).
    toml: dict[str, Any] = field(default_factory=dict, repr=False)
    variables: Variables = field(default_factory=Variables)
    #: One-line warnings for the user (an ``.env`` readable by others).
    warnings: tuple[str, ...] = ()

    def secrets_and_urls(self) -> tuple[list[str], list[str]]:
        """Every secret value the settings hold, and every URL (which may carry a password)."""
        secrets = [v.get_secret_value() for name, v in self.env if isinstance(v, SecretStr) and name != "database_url"]
        urls = [self.env.database_url.get_secret_value(), self.env.slack_api_url or ""]
        for source, _instance, values in self.connector_sections():
            secret_fields = registry.spec_for(source).secret_fields
            secrets += [str(v) for k, v in values.items() if k in secret_fields and v]
            urls += [v for v in values.values() if isinstance(v, str) and "://" in v]
        return secrets, urls

    def connector_sections(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every configured connector instance as (source, instance, settings values)."""
        return [
            (source, instance, dict(values))
            for source, instances in sorted(self.connectors.items())
            for instance, values in sorted(instances.items())
        ]


def load_settings(config_path: Path | None = None, *, env_file: Path | None = Path(".env")) -> Settings:
    """Read the environment, ``.env`` and the TOML file once; raise ConfigError on anything invalid."""
    variables = Variables.read(env_file, settings_cls=EnvSettings)
    env = _load_env(variables)
    explicit = config_path or env.helpdesk_kpis_config
    path = explicit or DEFAULT_CONFIG_FILE
    data = _read_toml(path, required=explicit is not None)
    config = _validated(path, data)
    instances = connector_instances(config.connectors, variables)
    return Settings(
        env=env,
        config=config,
        config_path=path,
        connectors=instances.values,
        connector_origins=instances.origins,
        toml=data,
        variables=variables,
        warnings=tuple(variables.warnings),
    )


def _load_env(variables: Variables) -> EnvSettings:
    token = _reading.set(variables)
    try:
        return EnvSettings()
    except ValidationError as error:
        first = error.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "environment"
        raise ConfigError(f"{variable}: {first['msg']}") from None
    finally:
        _reading.reset(token)


def _read_toml(path: Path, *, required: bool) -> dict[str, Any]:
    if not path.exists():
        if required:
            raise ConfigError(
                f"config file {str(path)!r} does not exist; create it with `helpdesk-kpis config init` "
                "or fix HELPDESK_KPIS_CONFIG / --config"
            )
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    except UnicodeDecodeError as error:
        # TOML is UTF-8 by definition (https://toml.io/en/v1.0.0#spec); a file saved as Latin-1 or UTF-16 fails here.
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {error.start}: {error.reason}); save it as UTF-8 and run again"
        ) from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None


def _validated(path: Path, data: dict[str, Any]) -> FileConfig:
    try:
        return FileConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = _where(data, first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden" and first["loc"]:
            message += did_you_mean(str(first["loc"][-1]), known_keys(FileConfig, first["loc"][:-1]))
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
