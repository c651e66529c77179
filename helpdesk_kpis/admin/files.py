"""Writing what ``config init`` produced: ``helpdesk-kpis.toml`` (tomlkit, with comments) and a
``.env`` that is private from its first byte.

Each file is written to a new temporary file beside it and then renamed over the target, so a
reader never sees half a file. The ``.env`` temporary is created by ``os.open`` with mode 0600:
the secrets are never readable by others, not even between a write and a ``chmod``.
"""

from __future__ import annotations

import os
import secrets as random_names
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import tomlkit
from dotenv import dotenv_values

PRIVATE = 0o600
SHARED = 0o644
#: The mark of what was saved although its live check failed; `config check` lists these lines.
UNVERIFIED = "saved unverified by config init"


@dataclass
class TeamPlan:
    name: str
    channel: str
    sources: list[str] = field(default_factory=list)
    #: Slack ids of the team's leads (members U..., user groups S...).
    leads: list[str] = field(default_factory=list)
    #: A channel only the leads are in, for agent alerts (instead of direct messages).
    leads_channel: str | None = None


@dataclass
class ConfigPlan:
    """What the wizard decided: TOML values (no secrets) and the variables for ``.env``."""

    timezone: str = "UTC"
    #: source -> instance -> non-secret settings values.
    connectors: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    teams: list[TeamPlan] = field(default_factory=list)
    leads_channel: str | None = None
    #: `/kpi` over Socket Mode ([slack] socket_mode), when an app-level token was given.
    socket_mode: bool = False
    #: Variables for .env, in order (secrets and endpoints).
    variables: dict[str, str] = field(default_factory=dict, repr=False)
    #: "source.instance" -> why its check failed, for accounts saved unverified.
    unverified: dict[str, str] = field(default_factory=dict)
    #: Why Slack's check failed, when its token was saved unverified.
    slack_unverified: str | None = None
    #: Slack ids of the admins ([slash] admins).
    admins: list[str] = field(default_factory=list)


def toml_text(plan: ConfigPlan, today: date) -> str:
    doc = tomlkit.document()
    written = f"written by `helpdesk-kpis config init` on {today.isoformat()}"
    doc.add(tomlkit.comment(f"helpdesk-kpis configuration, {written}."))
    doc.add(tomlkit.comment("Secrets are in .env or the environment, never here. See docs/configuration.md."))
    if plan.slack_unverified:
        doc.add(tomlkit.comment(f"Slack: {UNVERIFIED} on {today.isoformat()}: {plan.slack_unverified}"))
    doc.add(tomlkit.nl())
    reporting = tomlkit.table()
    reporting.add("timezone", plan.timezone)
    doc.add("reporting", reporting)
    if plan.connectors:
        connectors = tomlkit.table(is_super_table=True)
        for source, instances in plan.connectors.items():
            by_instance = tomlkit.table(is_super_table=True)
            for instance, values in instances.items():
                section = tomlkit.table()
                reason = plan.unverified.get(f"{source}.{instance}")
                if reason:
                    section.add(tomlkit.comment(f"{UNVERIFIED} on {today.isoformat()}: {reason}"))
                for key, value in values.items():
                    section.add(key, value)
                by_instance.add(instance, section)
            connectors.add(source, by_instance)
        doc.add("connectors", connectors)
    if plan.teams:
        teams = tomlkit.aot()
        for team in plan.teams:
            entry = tomlkit.table()
            entry.add("name", team.name)
            entry.add("channel", team.channel)
            entry.add("sources", team.sources)
            if team.leads:
                entry.add("leads", team.leads)
            if team.leads_channel:
                entry.add("leads_channel", team.leads_channel)
            teams.append(entry)
        doc.add(tomlkit.nl())
        doc.add(tomlkit.comment("One digest per team, in its channel; `sources` are the helpdesk teams it covers."))
        doc.add("teams", teams)
    if plan.socket_mode:
        slack = tomlkit.table()
        slack.add("socket_mode", True)
        doc.add(tomlkit.nl())
        doc.add(tomlkit.comment("/kpi arrives over Socket Mode (SLACK_APP_TOKEN): no public address needed."))
        doc.add("slack", slack)
    if plan.admins:
        slash = tomlkit.table()
        slash.add("admins", plan.admins)
        doc.add(tomlkit.nl())
        doc.add(tomlkit.comment("Admins see every team's agent numbers through /kpi; a team's leads see its own."))
        doc.add("slash", slash)
    if plan.leads_channel:
        digest = tomlkit.table()
        digest.add("leads_channel", plan.leads_channel)
        doc.add("digest", digest)
    return tomlkit.dumps(doc)


def env_text(variables: Mapping[str, str], kept: Mapping[str, str]) -> str:
    lines = [
        "# Secrets and endpoints of helpdesk-kpis, written by `helpdesk-kpis config init`.",
        "# Keep this file private (mode 0600) and out of version control.",
    ]
    lines += [f"{name}={_quoted(value)}" for name, value in variables.items()]
    if kept:
        lines += ["", "# Kept from the previous .env:"]
        lines += [f"{name}={_quoted(value)}" for name, value in kept.items()]
    return "\n".join(lines) + "\n"


def kept_variables(env_file: Path, replaced: Sequence[str]) -> dict[str, str]:
    """The variables of an existing ``.env`` that the new one does not set (they are carried over)."""
    if not env_file.is_file():
        return {}
    return {k: v for k, v in dotenv_values(env_file).items() if v is not None and k not in set(replaced)}


def _quoted(value: str) -> str:
    # python-dotenv reads single-quoted values literally, double-quoted ones with backslash escapes.
    if "'" not in value and "\n" not in value:
        return f"'{value}'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def write_file(path: Path, text: str, *, mode: int) -> None:
    """Write ``text`` to ``path`` through a temporary created with ``mode``, renamed over ``path``."""
    temporary = path.with_name(f".{path.name}.{random_names.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
