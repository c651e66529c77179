"""Who the teams and agents are, and how a name someone types finds them.

Every team and agent has a scoped id (``source:instance:vendor_id``, so two helpdesks never share
one) and a name. People name them case-insensitively and with stray spaces; a name two helpdesks
share ("Billing" in Zendesk and in Freshdesk) is shown and typed with its source added:
"Billing (zendesk:acme)". Agents are also found by email. This module is the one place these
rules live, together with the ``[[teams]]`` merge (several helpdesk teams reported as one).
Pure: no I/O.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kpis.dataset import KpiData


def scoped_id(source: str, instance: str, vendor_id: str) -> str:
    return f"{source}:{instance}:{vendor_id}"


def source_of(scoped: str) -> str:
    """``zendesk:acme`` for ``zendesk:acme:360001``."""
    return scoped.rsplit(":", 1)[0]


def name_key(name: str) -> str:
    """What two names must share to be the same name (team names, agent names, emails)."""
    return name.strip().lower()


def is_named(wanted: str, *candidates: str | None) -> bool:
    """Whether any of ``candidates`` (names or ids) is ``wanted``, ignoring case and spaces."""
    key = name_key(wanted)
    return any(candidate is not None and name_key(candidate) == key for candidate in candidates)


def named(wanted: str, names: Iterable[str]) -> str | None:
    """The first of ``names`` that is ``wanted`` (as it is spelled in ``names``), or None."""
    return next((name for name in names if is_named(wanted, name)), None)


def closest(typed: str, names: Sequence[str], *, cutoff: float) -> str | None:
    """The name most like ``typed`` (a likely misspelling), as spelled in ``names``; None if none is close."""
    keys = {name_key(name): name for name in reversed(names)}  # the first spelling of a name wins
    close = difflib.get_close_matches(name_key(typed), list(keys), n=1, cutoff=cutoff)
    return keys[close[0]] if close else None


def display_names(ids: Sequence[str], names: Sequence[str]) -> list[str]:
    """Names as shown: a name used in two helpdesks (two "Billing" groups) gets its source added,
    so that teams of different sources are never mixed up."""
    sources: dict[str, set[str]] = {}
    for scoped, name in zip(ids, names):
        sources.setdefault(name_key(name), set()).add(source_of(scoped))
    return [
        f"{name} ({source_of(scoped)})" if len(sources[name_key(name)]) > 1 else name
        for scoped, name in zip(ids, names)
    ]


@dataclass
class Directory:
    """Teams and agents seen in the data, each with a dense integer code (its list index)."""

    team_ids: list[str] = field(default_factory=list)
    team_names: list[str] = field(default_factory=list)
    agent_ids: list[str] = field(default_factory=list)
    agent_names: list[str] = field(default_factory=list)
    agent_emails: list[str | None] = field(default_factory=list)
    #: Team codes each agent belongs to (memberships), by agent code.
    agent_teams: list[list[int]] = field(default_factory=list)
    _team_code: dict[str, int] = field(default_factory=dict)
    _agent_code: dict[str, int] = field(default_factory=dict)

    def team_code(self, scoped: str | None, name: str | None = None) -> int:
        if scoped is None:
            return -1
        code = self._team_code.get(scoped)
        if code is None:
            code = self._team_code[scoped] = len(self.team_ids)
            self.team_ids.append(scoped)
            self.team_names.append(name or scoped.rsplit(":", 1)[-1])
        elif name:
            self.team_names[code] = name
        return code

    def agent_code(self, scoped: str | None, name: str | None = None, email: str | None = None) -> int:
        if scoped is None:
            return -1
        code = self._agent_code.get(scoped)
        if code is None:
            code = self._agent_code[scoped] = len(self.agent_ids)
            self.agent_ids.append(scoped)
            self.agent_names.append(name or scoped.rsplit(":", 1)[-1])
            self.agent_emails.append(email)
            self.agent_teams.append([])
        else:
            if name:
                self.agent_names[code] = name
            if email:
                self.agent_emails[code] = email
        return code

    def add_membership(self, agent_scoped: str, team_scoped: str) -> None:
        agent, team = self.agent_code(agent_scoped), self.team_code(team_scoped)
        if team not in self.agent_teams[agent]:
            self.agent_teams[agent].append(team)

    # -- finding ---------------------------------------------------------------------------------

    def team_display_names(self) -> list[str]:
        return display_names(self.team_ids, self.team_names)

    def team_codes(self, wanted: str) -> list[int]:
        """Every team whose id, name or shown name ("Billing (zendesk:acme)") is ``wanted``."""
        shown = self.team_display_names()
        return [
            code for code, names in enumerate(zip(self.team_ids, self.team_names, shown)) if is_named(wanted, *names)
        ]

    def team_named(self, wanted: str) -> str | None:
        """The id of the one team answering to ``wanted``; None when none or several do."""
        codes = self.team_codes(wanted)
        return self.team_ids[codes[0]] if len(codes) == 1 else None

    def agent_by_email(self, email: str) -> str | None:
        """The id of the agent with this email (any case), or None."""
        return next(
            (self.agent_ids[code] for code, known in enumerate(self.agent_emails) if known and is_named(email, known)),
            None,
        )


# -- teams as an organisation defines them ------------------------------------------------------


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

    A Slack digest team may cover more than one helpdesk group ("Billing" = the Zendesk groups
    Billing EU and Billing US). Medians and rates cannot be merged after the fact, so the merge
    happens before the KPI engine runs: every ticket, rating and survey answer is re-coded to its
    reporting team, and everything else (accounts, spend...) is kept as it is.

    A helpdesk team covered by no group counts for no team (it still counts overall); a helpdesk
    team listed in two groups is a configuration mistake the caller rejects first. Members that
    have no data yet are simply empty.
    """
    import numpy as np  # here, not at the top: settings and the slash grammar match names without numpy

    old = data.directory
    directory = Directory()
    for group in groups:
        directory.team_code(group.id, group.name)
    # old team code -> new team code (-1: covered by no group); index -1 (no team) maps to -1.
    mapping = np.full(len(old.team_ids) + 1, -1, dtype=np.int32)
    old_codes = {team_id: code for code, team_id in enumerate(old.team_ids)}
    for new_code, group in enumerate(groups):
        for member in group.members:
            if member in old_codes:
                mapping[old_codes[member]] = new_code
    for agent, (agent_id, name, email) in enumerate(zip(old.agent_ids, old.agent_names, old.agent_emails)):
        directory.agent_code(agent_id, name, email)
        for team in old.agent_teams[agent]:
            if mapping[team] >= 0 and mapping[team] not in directory.agent_teams[agent]:
                directory.agent_teams[agent].append(int(mapping[team]))
    # ``replace``, never a new KpiData: a field added to KpiData is carried through, not dropped.
    return replace(
        data,
        tickets=replace(data.tickets, team=mapping[data.tickets.team]),
        ratings=replace(data.ratings, team=mapping[data.ratings.team]),
        surveys=replace(data.surveys, team=mapping[data.surveys.team]),
        attached={name: replace(a, team=mapping[a.team]) for name, a in data.attached.items()},
        directory=directory,
    )


def groups_by_name(directory: Directory, names: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """For each name, the helpdesk team ids whose name matches it (case-insensitive)."""
    ids_by_name: dict[str, list[str]] = {}
    for team_id, name in zip(directory.team_ids, directory.team_names):
        ids_by_name.setdefault(name_key(name), []).append(team_id)
    return {name: tuple(ids_by_name.get(name_key(name), ())) for name in names}
