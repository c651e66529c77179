"""Teams as an organisation defines them: several helpdesk teams merged into one reporting team.

A Slack digest team may cover more than one helpdesk group ("Billing" = the Zendesk groups
Billing EU and Billing US). Medians and rates cannot be merged after the fact, so the merge
happens before the KPI engine runs: :func:`merge_teams` returns the same columnar data with
every ticket, rating and survey answer re-coded to its reporting team, and the engine computes
the merged team's KPIs from the raw population like any other team's. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from kpis.dataset import Directory, KpiData


@dataclass(frozen=True)
class TeamGroup:
    """A reporting team: its name and the helpdesk team ids (``source:instance:id``) it covers."""

    name: str
    members: tuple[str, ...]

    @property
    def id(self) -> str:
        # One member keeps its helpdesk id (``source:instance:id``); a merge is named by its name.
        return self.members[0] if len(self.members) == 1 else f"group:{self.name}"


def merge_teams(data: KpiData, groups: Sequence[TeamGroup]) -> KpiData:
    """``data`` with its teams replaced by ``groups``, in that order.

    A helpdesk team covered by no group counts for no team (it still counts overall); a helpdesk
    team listed in two groups is a configuration mistake the caller rejects first. Members that
    have no data yet are simply empty.
    """
    old = data.directory
    directory = Directory()
    for group in groups:
        directory.team_code(group.id, group.name)
    # old team code -> new team code (-1: covered by no group); index -1 (no team) maps to -1.
    mapping = np.full(len(old.team_ids) + 1, -1, dtype=np.int32)
    for new_code, group in enumerate(groups):
        for member in group.members:
            code = _code_of(old, member)
            if code is not None:
                mapping[code] = new_code
    for agent, (agent_id, name, email) in enumerate(zip(old.agent_ids, old.agent_names, old.agent_emails)):
        directory.agent_code(agent_id, name, email)
        for team in old.agent_teams[agent]:
            if mapping[team] >= 0 and mapping[team] not in directory.agent_teams[agent]:
                directory.agent_teams[agent].append(int(mapping[team]))
    return KpiData(
        tickets=replace(data.tickets, team=mapping[data.tickets.team]),
        ratings=replace(data.ratings, team=mapping[data.ratings.team]),
        surveys=replace(data.surveys, team=mapping[data.surveys.team]),
        directory=directory,
    )


def _code_of(directory: Directory, team_id: str) -> int | None:
    try:
        return directory.team_ids.index(team_id)
    except ValueError:
        return None


def groups_by_name(data: KpiData, names: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """For each name, the helpdesk team ids whose name matches it (case-insensitive)."""
    ids_by_name: dict[str, list[str]] = {}
    for team_id, name in zip(data.directory.team_ids, data.directory.team_names):
        ids_by_name.setdefault(name.strip().lower(), []).append(team_id)
    return {name: tuple(ids_by_name.get(name.strip().lower(), ())) for name in names}
