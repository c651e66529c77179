"""Checks across the Slack sections of ``helpdesk-kpis.toml`` (``[[teams]]``, ``[digest]``,
``[[alerts]]``), which no one section's model can make alone: unique names and ids, rules naming
configured teams, and every alert with somewhere to go that does not show agents each other's numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from helpdesk_kpis.settings.slack import AlertRuleConfig, DigestConfig, TeamConfig
from kpis.directory import name_key


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
