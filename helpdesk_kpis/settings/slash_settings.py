"""The sections of ``helpdesk-kpis.toml`` for the `/kpi` command: ``[slash]`` (who may ask what,
and how answers are computed), ``[server]`` (where `serve` listens) and ``[slack]`` (how it
receives the command). Part of :class:`helpdesk_kpis.settings.models.FileConfig`; see docs/slack.md.
Invalid values are ValueErrors naming the fix, as in ``helpdesk_kpis.settings.slack``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from helpdesk_kpis.settings.slack import slack_ids


class SlashConfig(BaseModel):
    """``[slash]``: the `/kpi` command (docs/slack.md#slash-command)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    #: The command as created in Slack (the manifest names it /kpi).
    command: str = Field(default="/kpi", pattern=r"^/[a-z0-9_-]{1,31}$")
    #: Slack member ids or user-group ids who may see everything, anywhere.
    admins: list[str] = Field(default_factory=list)
    #: Channels (IDs or names) where anyone may ask for team numbers; ["*"]: anywhere.
    #: Unset: the teams' own channels.
    allowed_channels: list[str] | None = None
    #: Slack user ID -> the helpdesk agent (email or source:instance:id), when emails differ.
    users: dict[str, str] = Field(default_factory=dict)
    #: How long a command may compute before it is acknowledged and answered through response_url.
    #: Short by default: an answer whose KPIs are loaded takes milliseconds; one that must read the
    #: store first (a period nobody asked about yet) should not hold up the acknowledgement.
    inline_seconds: float = Field(default=0.1, gt=0, le=2.5)
    #: Worker processes reading the store for periods not loaded yet (0: in the endpoint's own
    #: process): the reads then never hold up the acknowledgements (helpdesk_kpis/server/load_processes.py).
    load_processes: int = Field(default=0, ge=0, le=16)
    #: How old (seconds) KPI results may be before they are recomputed in the background; a sync
    #: also stores the KPI blocks of the days it touched every half this, for the endpoints to read.
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

    model_config = ConfigDict(extra="forbid", defer_build=True)

    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=1, le=65535)
    #: On SIGINT/SIGTERM, how long `serve` lets answers in progress (and a sync's current page)
    #: finish before it tells the rest to ask again and exits.
    shutdown_grace_seconds: float = Field(default=5.0, gt=0, le=300)


class SlackConnectionConfig(BaseModel):
    """``[slack]``: how `serve` receives `/kpi` from Slack."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    #: Receive `/kpi` over Socket Mode (an outgoing WebSocket, needs SLACK_APP_TOKEN) instead of a
    #: public HTTP endpoint (the same as `serve --socket-mode`).
    socket_mode: bool = False
