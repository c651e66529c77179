"""The Slack sections of ``helpdesk-kpis.toml``: ``[[teams]]``, ``[digest]``, ``[[alerts]]``, ``[schedule]``,
and for the `/kpi` command ``[slash]`` and ``[server]``.

Part of :class:`helpdesk_kpis.settings.models.FileConfig`; see docs/slack.md. Every invalid value is a
ValueError whose text names the fix; the settings loader turns it into one ConfigError line
naming the key (``alerts.csat-floor.operator: ...``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, time, timezone
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kpis.catalogue import HEADLINE, Kind, resolve
from kpis.directory import name_key
from kpis.errors import ConfigError
from kpis.periods import DEFAULT_DAY, LAST_MONTH_DAY, WEEKDAYS, Cadence
from kpis.windows import window_for_period

_PERIOD = re.compile(r"^\d{1,3}d$")
_SLACK_MEMBER = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SLACK_GROUP = re.compile(r"^S[A-Z0-9]{2,}$")
_RULE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _kpi_key(name: str) -> str:
    spec = resolve(name)
    if spec is None:
        raise ValueError(f"unknown KPI {name!r}; use a key from docs/kpis.md such as csat, frt, fcr, backlog")
    if spec.kind is Kind.LIST:
        raise ValueError(f"{spec.key} is a list, not a number; pick a numeric KPI")
    return spec.key


def _clock_time(value: str) -> time:
    try:
        parsed = time.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a time of day; use HH:MM such as '09:00'") from None
    return parsed.replace(second=0, microsecond=0)


def digest_day(cadence: Cadence, value: str | int | None) -> str:
    """``digest_day`` as stored: a weekday name for weekly digests, a day of month for monthly ones."""
    if value is None:
        return DEFAULT_DAY[cadence]
    text = str(value).strip().lower()[:3] if isinstance(value, str) else str(value)
    if cadence == "weekly" and text in WEEKDAYS:
        return text
    if cadence == "monthly" and text.isdigit() and 1 <= int(text) <= LAST_MONTH_DAY:
        return str(int(text))
    if cadence == "weekly":
        raise ValueError(f"{value!r} is not a day of the week; use one of {', '.join(WEEKDAYS)}")
    if cadence == "monthly":
        raise ValueError(f"{value!r} is not a day of the month; use 1 to {LAST_MONTH_DAY} (every month has it)")
    raise ValueError("a daily digest takes no digest_day; posting days are [digest] days")


def slack_ids(values: list[str]) -> list[str]:
    """Slack member ids (``U…``, ``W…``) or user-group ids (``S…``), as leads and admins are given."""
    for value in values:
        if not (_SLACK_MEMBER.match(value) or _SLACK_GROUP.match(value)):
            raise ValueError(
                f"{value!r} is not a Slack member id (U...) or user group id (S...); use ids like U024BE7LH "
                "(profile, More, Copy member ID)"
            )
    return values


class TeamConfig(BaseModel):
    """``[[teams]]``: a digest team, its channel, and the helpdesk teams it covers."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str = Field(min_length=1)
    channel: str = Field(min_length=1)
    #: Helpdesk team ids (``source:instance:id``); absent: the helpdesk teams of the same name.
    sources: list[str] | None = None
    #: Slack member ids (U...) or user-group ids (S...) of the team's leads: they see the team's
    #: agent-level numbers through `/kpi`, are told of agent alerts by direct message, and
    #: ``mention = "leads"`` in a rule pings them.
    leads: list[str] = Field(default_factory=list)
    #: A channel only the team's leads are in: agent alerts go there instead of by direct message.
    leads_channel: str | None = Field(default=None, min_length=1)
    #: Local time (reporting time zone) of this team's digest; default ``[digest] time``.
    digest_time: str | None = None
    #: Headline KPIs of this team's digest; default ``[digest] kpis``.
    kpis: list[str] | None = None
    #: "daily", "weekly" (the last full Monday-to-Sunday week) or "monthly" (the last full month).
    digest: Cadence = "daily"
    #: Weekly: the day it is posted ("mon", the default, to "sun"); monthly: the day of the month (1-28, default 1).
    digest_day: str | int | None = None

    @model_validator(mode="after")
    def _digest_day(self) -> TeamConfig:
        self.digest_day = digest_day(self.digest, self.digest_day)
        return self

    @field_validator("sources")
    @classmethod
    def _scoped_ids(cls, value: list[str] | None) -> list[str] | None:
        for item in value or []:
            if item.count(":") < 2:
                raise ValueError(f"{item!r} is not a helpdesk team id; use source:instance:id, e.g. 'zendesk:acme:360001'")
        return value

    @field_validator("leads")
    @classmethod
    def _member_ids(cls, value: list[str]) -> list[str]:
        return slack_ids(value)

    @field_validator("digest_time")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        return None if value is None else _clock_time(value).strftime("%H:%M")

    @field_validator("kpis")
    @classmethod
    def _kpis(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [_kpi_key(name) for name in value]


class DigestConfig(BaseModel):
    """``[digest]``: what every digest shows, when, and where the leads' overall digest goes."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    #: Channel of the overall digest for leads; none: no overall digest.
    leads_channel: str | None = None
    #: Default local time of the digests (reporting time zone).
    time: str = "09:00"
    #: Days of the week the scheduler posts digests (cron style: "mon-fri", "*").
    days: str = "*"
    #: Window of the digest: N whole days ending with the digest's day.
    period: str = "7d"
    kpis: list[str] = Field(default_factory=lambda: list(HEADLINE))
    #: Newest low-rated tickets listed (0 to leave them out).
    low_rated: int = Field(default=5, ge=0, le=10)
    #: A digest whose time passed while no scheduler ran (or ran late) is still posted when one
    #: runs, within this many hours and the same local day; later, it is reported missed.
    catch_up_hours: float = Field(default=12, ge=0, le=24)
    #: The leads' overall digest: "daily", "weekly" or "monthly", as ``[[teams]] digest``.
    leads_digest: Cadence = "daily"
    #: Its day: a weekday name for weekly ("mon" by default), a day of month for monthly (1 by default).
    leads_digest_day: str | int | None = None

    @model_validator(mode="after")
    def _leads_digest_day(self) -> DigestConfig:
        self.leads_digest_day = digest_day(self.leads_digest, self.leads_digest_day)
        return self

    @field_validator("time")
    @classmethod
    def _time(cls, value: str) -> str:
        return _clock_time(value).strftime("%H:%M")

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        if not _PERIOD.match(value.strip()) or int(value.strip()[:-1]) < 1:
            raise ValueError(f"{value!r} is not a period of whole days; use Nd such as '1d' or '7d'")
        return value.strip()

    @field_validator("days")
    @classmethod
    def _days(cls, value: str) -> str:
        try:
            from apscheduler.triggers.cron import CronTrigger  # the scheduler's own parser, loaded only to check

            CronTrigger(day_of_week=value)
        except ValueError:
            raise ValueError(f"{value!r} is not a set of weekdays; use e.g. 'mon-fri', 'mon,wed,fri' or '*'") from None
        return value

    @field_validator("kpis")
    @classmethod
    def _kpis(cls, value: list[str]) -> list[str]:
        return [_kpi_key(name) for name in value]

    @property
    def period_days(self) -> int:
        return int(self.period[:-1])


class AlertRuleConfig(BaseModel):
    """``[[alerts]]``: one threshold rule, or (``kind = "theme_rising"``) a comment theme rule."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    #: ``threshold``: a KPI past a threshold; ``theme_rising``: a comment theme at least doubled.
    kind: Literal["threshold", "theme_rising"] = "threshold"
    kpi: str | None = None
    scope: Literal["overall", "team", "every-team", "every-agent"] = "overall"
    #: The team of a ``team`` rule; with ``every-agent``, only that team's agents.
    team: str | None = None
    operator: Literal["<", "<=", ">", ">="] | None = None
    threshold: float | None = None
    #: theme_rising: only the comments of low ratings.
    low_only: bool = False
    window: str = "7d"
    min_sample: int | None = Field(default=None, ge=1)
    channel: str | None = None
    #: "@here", "@channel", "leads" (the team's leads), a member id (U...) or a user group id (S...).
    mention: str | None = None
    hysteresis: float = Field(default=0.0, ge=0)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _RULE_ID.match(value):
            raise ValueError(f"{value!r}: use up to 64 letters, digits, '-', '_' or '.'")
        return value

    @field_validator("kpi")
    @classmethod
    def _kpi(cls, value: str | None) -> str | None:
        return None if value is None else _kpi_key(value)

    @field_validator("window")
    @classmethod
    def _window(cls, value: str) -> str:
        try:
            window_for_period(value, now=datetime(2000, 1, 1, tzinfo=timezone.utc), zone=ZoneInfo("UTC"))
        except ConfigError as error:
            raise ValueError(str(error)) from None
        return value

    @field_validator("mention")
    @classmethod
    def _mention(cls, value: str | None) -> str | None:
        if value is None or value in ("@here", "@channel", "leads") or value.startswith("<"):
            return value
        if _SLACK_MEMBER.match(value) or _SLACK_GROUP.match(value):
            return value
        raise ValueError(f"{value!r}: use '@here', '@channel', 'leads', a member id (U...) or a user group id (S...)")

    @model_validator(mode="after")
    def _kind_has_its_keys(self) -> AlertRuleConfig:
        given = [key for key in ("kpi", "operator", "threshold") if getattr(self, key) is not None]
        if self.kind == "threshold" and len(given) < 3:
            missing = next(key for key in ("kpi", "operator", "threshold") if key not in given)
            raise ValueError(f"a threshold rule needs kpi, operator and threshold ({missing} is missing)")
        if self.kind == "theme_rising":
            if given:
                raise ValueError(f"a theme_rising rule takes no {given[0]} (it watches comment themes, not a KPI)")
            if self.scope == "every-agent":
                raise ValueError("a theme_rising rule watches overall, a team or every team, not every agent")
        elif self.low_only:
            raise ValueError("low_only is for theme_rising rules")
        return self

    @model_validator(mode="after")
    def _team_rule_names_a_team(self) -> AlertRuleConfig:
        if self.scope == "team" and not self.team:
            raise ValueError("a scope = 'team' rule needs team = '<team name>'")
        if self.team and self.scope in ("overall", "every-team"):
            raise ValueError(f"team is only for scope 'team' or 'every-agent', not {self.scope!r}")
        return self


class ScheduleConfig(BaseModel):
    """``[schedule]``: what ``serve`` runs and how often."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    sync_every_minutes: int = Field(default=15, ge=1, le=1440)
    #: Evaluate the alert rules after every sync.
    alerts_after_sync: bool = True
    #: Post each team's digest at its time.
    digests: bool = True
    #: Of the `serve` processes sharing a store, one runs the jobs; when it dies another takes
    #: over within this many seconds. Also how long a killed `sync` can keep its lock.
    #: At most kpis.store.leases.MAX_FAILOVER_SECONDS (not imported: settings load without SQLAlchemy).
    failover_seconds: float = Field(default=60, ge=3, le=3600)


def check_slack_sections(
    teams: Sequence[TeamConfig], digest: DigestConfig, alerts: Sequence[AlertRuleConfig]
) -> None:
    """Checks across sections; each failure is one ValueError naming the key."""
    seen: dict[str, str] = {}
    for team in teams:
        lowered = name_key(team.name)
        if lowered in seen:
            raise ValueError(f"teams: two teams are named {team.name!r}; names must be unique")
        seen[lowered] = team.name
    owner: dict[str, str] = {}
    for team in teams:
        for source in team.sources or []:
            if source in owner:
                raise ValueError(f"teams: {source!r} is in both {owner[source]!r} and {team.name!r}; give it to one")
            owner[source] = team.name
    ids: set[str] = set()
    for rule in alerts:
        if rule.id in ids:
            raise ValueError(f"alerts: two rules have the id {rule.id!r}; ids must be unique")
        ids.add(rule.id)
        if rule.team and teams and name_key(rule.team) not in seen:
            raise ValueError(
                f"alerts.{rule.id}.team: no [[teams]] entry is named {rule.team!r}; teams: {', '.join(seen.values())}"
            )
        if rule.mention == "leads" and rule.scope == "overall":
            raise ValueError(f"alerts.{rule.id}.mention: 'leads' needs a team scope; name a member or group instead")
        if rule.scope == "every-agent":
            _check_agent_rule(rule, teams)
            continue
        team_channel = rule.scope in ("team", "every-team") and bool(teams)
        if rule.channel is None and not team_channel and digest.leads_channel is None:
            raise ValueError(
                f"alerts.{rule.id}.channel: nowhere to post; set channel, or [digest] leads_channel"
            )


def _check_agent_rule(rule: AlertRuleConfig, teams: Sequence[TeamConfig]) -> None:
    """An agent's numbers go to the team's leads (by DM or a leads-only channel), never a team channel."""
    if rule.channel is None and not teams:
        raise ValueError(
            f"alerts.{rule.id}.channel: an every-agent rule tells the team leads; add [[teams]] with leads, "
            "or set channel to a channel only leads are in"
        )
    shared = next((team for team in teams if rule.channel and _same_channel(rule.channel, team.channel)), None)
    if shared is not None:
        raise ValueError(
            f"alerts.{rule.id}.channel: {rule.channel} is the channel of team {shared.name!r}, where agents would "
            "see each other's numbers; leave channel out (leads are told by direct message) or name a leads-only channel"
        )


def _same_channel(a: str, b: str) -> bool:
    return a.lstrip("#").lower() == b.lstrip("#").lower()


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
