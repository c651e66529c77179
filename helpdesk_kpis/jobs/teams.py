"""The teams Slack speaks of: ``[[teams]]`` from the config mapped onto the helpdesk's teams.

A configured team covers the helpdesk teams listed in its ``sources`` (or, without sources, the
helpdesk teams of the same name); several are merged before the engine runs
(:func:`kpis.directory.merge_teams`). Without any ``[[teams]]``, the helpdesk's own teams are used
as they are (enough for dry runs and the demo; posting needs channels).
"""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk_kpis.settings.models import FileConfig, TeamConfig
from helpdesk_kpis.settings.suggestions import name_hint
from kpis.dataset import KpiData
from kpis.directory import Directory, TeamGroup, groups_by_name, is_named, merge_teams
from kpis.errors import ConfigError
from notifiers.alert_rules import Reading


@dataclass(frozen=True)
class ReportingTeams:
    #: The data as synced (overall rows come from it).
    data: KpiData
    #: The same data with teams as configured (the helpdesk's own teams without ``[[teams]]``).
    team_data: KpiData
    configured: tuple[TeamConfig, ...]

    def config_of(self, name: str | None) -> TeamConfig | None:
        if name is None:
            return None
        return next((team for team in self.configured if is_named(name, team.name)), None)

    def names(self) -> list[str]:
        """Team names as report rows show them (a name two helpdesks share carries its source)."""
        return self.team_data.directory.team_display_names()


def reporting_teams(data: KpiData, config: FileConfig) -> ReportingTeams:
    if not config.teams:
        return ReportingTeams(data, data, ())
    directory = data.directory
    known = set(directory.team_ids)
    by_name = groups_by_name(directory, [team.name for team in config.teams if not team.sources])
    helpdesk_teams = ", ".join(f"{name} ({team_id})" for team_id, name in zip(directory.team_ids, directory.team_names))
    groups = []
    for team in config.teams:
        members = tuple(team.sources) if team.sources else by_name[team.name]
        if known and not members:
            raise ConfigError(
                f"teams.{team.name}: no helpdesk team is named {team.name!r}; set sources = [\"source:instance:id\"] "
                f"(helpdesk teams: {helpdesk_teams})"
            )
        unknown = [member for member in members if known and member not in known]
        if unknown:
            raise ConfigError(
                f"teams.{team.name}.sources: no helpdesk team {unknown[0]!r} has been synced "
                f"(helpdesk teams: {helpdesk_teams})"
            )
        for group in groups:
            shared = set(group.members) & set(members)
            if shared:
                raise ConfigError(
                    f"teams.{team.name}: the helpdesk team {sorted(shared)[0]!r} is also in {group.name!r}; "
                    "give it to one team (list sources explicitly)"
                )
        groups.append(TeamGroup(team.name, members))
    return ReportingTeams(data, merge_teams(data, groups), tuple(config.teams))


def reading_team(reading: Reading) -> str | None:
    """The team a reading belongs to: a team row's own name, an agent row's team."""
    if reading.row.scope == "team":
        return reading.row.name
    if reading.row.scope == "agent":
        return reading.row.team
    return None


def mention_markup(mention: str | None, leads: list[str]) -> str | None:
    """Slack markup for a configured mention: https://docs.slack.dev/messaging/formatting-message-text#mentioning-users"""
    if mention is None:
        return None
    if mention == "@here":
        return "<!here>"
    if mention == "@channel":
        return "<!channel>"
    if mention == "leads":
        return " ".join(f"<!subteam^{lead}>" if lead.startswith("S") else f"<@{lead}>" for lead in leads) or None
    if mention.startswith("<"):
        return mention
    if mention.startswith("S"):
        return f"<!subteam^{mention}>"
    return f"<@{mention}>"


def helpdesk_team_ids(directory: Directory, config: FileConfig, name: str) -> tuple[str, ...]:
    """The helpdesk team ids (``source:instance:id``) a team name stands for: a ``[[teams]]`` entry's
    sources (or the helpdesk teams of its name), else the helpdesk teams answering to the name."""
    team = next((t for t in config.teams if is_named(name, t.name)), None)
    if team is not None:
        return tuple(team.sources) if team.sources else groups_by_name(directory, [team.name])[team.name]
    ids = tuple(directory.team_ids[code] for code in directory.team_codes(name))
    if not ids:
        known = [t.name for t in config.teams] or directory.team_display_names()
        raise ConfigError(f"no team {name!r}" + name_hint(name, known, listing="teams") if known
                          else f"no team {name!r}; teams: none synced yet")
    return ids
