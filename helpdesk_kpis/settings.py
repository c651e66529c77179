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

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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


_SLACK_USER_OR_GROUP = re.compile(r"^[UWS][A-Z0-9]{2,}$")


def slack_ids(values: list[str]) -> list[str]:
    """Slack user IDs (``U…``, ``W…``) or user-group IDs (``S…``), as leads and admins are given."""
    for value in values:
        if not _SLACK_USER_OR_GROUP.match(value):
            raise ValueError(
                f"{value!r} is not a Slack user ID (U…) or user-group ID (S…); copy it from the person's "
                "or group's profile in Slack (More › Copy member ID)"
            )
    return values


class SlashConfig(BaseModel):
    """``[slash]``: the `/kpi` command (README "Slash command")."""

    model_config = ConfigDict(extra="forbid")

    #: The command as created in Slack (the manifest names it /kpi).
    command: str = Field(default="/kpi", pattern=r"^/[a-z0-9_-]{1,31}$")
    #: Slack user IDs or user-group IDs who may see everything, anywhere.
    admins: list[str] = Field(default_factory=list)
    #: Channels (IDs or names) where anyone may ask for team numbers; ["*"]: anywhere.
    #: Unset: the teams' own channels.
    allowed_channels: list[str] | None = None
    #: Slack user ID -> the helpdesk agent (email or source:instance:id), when emails differ.
    users: dict[str, str] = Field(default_factory=dict)
    #: How long a command may compute before it is acknowledged and answered through response_url.
    inline_seconds: float = Field(default=2.0, gt=0, le=2.5)
    #: How old (seconds) KPI results may be before they are recomputed in the background.
    cache_seconds: float = Field(default=60.0, ge=1)
    #: How long a Slack user's email and group memberships are remembered (seconds).
    lookup_cache_seconds: float = Field(default=3600.0, ge=0)
    #: Largest request body accepted (bytes); a slash command is well under 8 KiB.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=1024 * 1024)

    @field_validator("admins")
    @classmethod
    def _admin_ids(cls, value: list[str]) -> list[str]:
        return slack_ids(value)

    @field_validator("users")
    @classmethod
    def _user_ids(cls, value: dict[str, str]) -> dict[str, str]:
        slack_ids(list(value))
        if any(user.startswith("S") for user in value):
            raise ValueError("keys are Slack user IDs (U…), not user groups")
        return value


class ServerConfig(BaseModel):
    """``[server]``: where `serve` listens for Slack."""

    model_config = ConfigDict(extra="forbid")

    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=1, le=65535)


class FileConfig(BaseModel):
    """The structure of ``helpdesk-kpis.toml``."""

    model_config = ConfigDict(extra="forbid")

    reporting: ReportingConfig = Field(default_factory=ReportingConfig)
    sla: SlaConfig = Field(default_factory=SlaConfig)
    slash: SlashConfig = Field(default_factory=SlashConfig)
    server: ServerConfig = Field(default_factory=ServerConfig)
    #: ``[connectors.<source>.<instance>]`` sections, validated by each connector's own model.
    connectors: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    env: EnvSettings
    config: FileConfig
    config_path: Path

    def connector_sections(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every configured connector instance as (source, instance, settings values)."""
        return [
            (source, instance, dict(values))
            for source, instances in sorted(self.config.connectors.items())
            for instance, values in sorted(instances.items())
        ]


def load_settings(config_path: Path | None = None, *, env_file: Path | None = Path(".env")) -> Settings:
    """Read the environment, ``.env`` and the TOML file once; raise ConfigError on anything invalid."""
    env = _load_env(env_file)
    explicit = config_path or env.helpdesk_kpis_config
    path = explicit or DEFAULT_CONFIG_FILE
    return Settings(env=env, config=_load_file_config(path, required=explicit is not None), config_path=path)


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
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None
