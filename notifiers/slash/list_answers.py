"""The `/kpi teams` and `/kpi breaches` answers: lists, not KPI numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kpis.directory import is_named
from notifiers.mrkdwn import escape
from notifiers.slash import answer_blocks as blocks
from notifiers.slash.access import AgentDetail, Allowed, Caller, TeamNumbers, decide
from notifiers.slash.agents import AgentIndex
from notifiers.slash.answer_blocks import Answer
from notifiers.slash.grammar import BreachesQuery, Period, TeamsQuery

if TYPE_CHECKING:
    from notifiers.slash.answers import KpiCommands

#: Where a `/kpi teams` list cut short is whole: the helpdesk's teams, or the configured ones.
ALL_TEAMS = "helpdesk-kpis report --by team"
CONFIGURED_TEAMS = "helpdesk-kpis config show"


def teams_answer(commands: KpiCommands, query: TeamsQuery) -> Answer:
    if not commands.policy.teams:  # no [[teams]] configured: the helpdesk's own teams, by name
        lines = [f"*{escape(name)}*" for name in sorted(commands.team_names)]
        return blocks.list_answer(
            "Teams", lines, public=query.public, empty="No teams have been synced yet.", full_answer=ALL_TEAMS
        )
    lines = []
    for team in commands.policy.teams:
        parts = [f"*{escape(team.name)}*"]
        if team.channel:
            parts.append(_channel_ref(team.channel))
        if team.leads:
            parts.append("leads " + ", ".join(_person_ref(lead) for lead in sorted(team.leads)))
        lines.append(" · ".join(parts))
    return blocks.list_answer(
        "Teams", lines, public=query.public, empty="No teams are configured yet.", full_answer=CONFIGURED_TEAMS
    )


def breaches_answer(commands: KpiCommands, query: BreachesQuery, caller: Caller) -> Answer:
    decision = commands.decide_for(caller, TeamNumbers(query.team), query)
    if isinstance(decision, Answer):
        return decision
    # Names and teams of the rows in breach, from the directory of the last 7 days' snapshot.
    week = Period("7d").window(now=commands.clock(), zone=commands.zone)
    agents = AgentIndex(commands.snapshots.snapshot(week).directory)
    found = []
    for breach in commands.breaches() if commands.breaches else []:
        if breach.scope == "agent":
            name, team = agents.name_of(breach.row_id or ""), commands.configured(agents.team_of(breach.row_id or ""))
        elif breach.scope == "team":
            team = commands.configured(agents.team_name(breach.row_id or ""))
            name = team or breach.row_id or "?"
        else:
            name, team = "Overall", None
        if query.team is None or is_named(query.team, team):
            found.append((breach, name, team))
    # Agent-level breaches are agent-level detail: only for their team's leads and the admins.
    visible = [
        (breach, name, team)
        for breach, name, team in found
        if breach.scope != "agent" or isinstance(decide(commands.policy, caller, AgentDetail(None, team)), Allowed)
    ]
    # Agent breaches are never posted to a channel.
    public = commands.publicity(query, decision)[0] and not any(b.scope == "agent" for b, _, _ in visible)
    lines = [
        f"• *{escape(name)}*{f' ({escape(team)})' if team and team != name else ''}: {escape(b.text)}"
        for b, name, team in visible
    ]
    where = f" · {query.team}" if query.team else ""
    return blocks.list_answer(
        f"Active breaches{where}", lines, public=public, empty="No KPI is past its threshold."
    )


def _channel_ref(channel: str) -> str:
    return f"<#{channel}>" if channel[:1] in ("C", "G") and channel.isupper() else f"#{channel.lstrip('#')}"


def _person_ref(slack_id: str) -> str:
    return f"<!subteam^{slack_id}>" if slack_id.startswith("S") else f"<@{slack_id}>"
