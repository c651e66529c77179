"""The helpdesk agents of a snapshot, found as people name them in a command."""

from __future__ import annotations

from kpis.directory import Directory, closest, is_named, name_key
from notifiers.mrkdwn import escape


class AgentIndex:
    """The helpdesk agents of a snapshot, found by id, email or (forgivingly) name."""

    def __init__(self, directory: Directory) -> None:
        self._d = directory
        self._by_id = {agent_id: code for code, agent_id in enumerate(directory.agent_ids)}

    def by_email(self, email: str) -> str | None:
        return self._d.agent_by_email(email)

    def by_key(self, key: str) -> str | None:
        """An override's value: ``source:instance:id`` or an email."""
        return key if key in self._by_id else self.by_email(key)

    def find(self, typed: str) -> str:
        """The agent id for an email or a name; ``"?message"`` when none or several match."""
        typed = typed.strip().lstrip("@")
        by_email = self.by_email(typed) if "@" in typed else None
        if by_email:
            return by_email
        names = self._d.agent_names
        exact = [code for code, name in enumerate(names) if is_named(typed, name)]
        if not exact:  # a first name alone, when only one agent has it
            exact = [code for code, name in enumerate(names) if is_named(typed, name_key(name).split(" ")[0])]
        if len(exact) == 1:
            return self._d.agent_ids[exact[0]]
        if len(exact) > 1:
            return f"?Several agents are called “{escape(typed)}”; use their full name or email."
        close = closest(typed, names, cutoff=0.6)
        hint = f" Did you mean `/kpi agent {escape(close)}`?" if close else ""
        return f"?I couldn't find an agent called “{escape(typed)}”.{hint}"

    def email_of(self, agent_id: str) -> str | None:
        return self._d.agent_emails[self._by_id[agent_id]] if agent_id in self._by_id else None

    def name_of(self, agent_id: str) -> str:
        return self._d.agent_names[self._by_id[agent_id]] if agent_id in self._by_id else agent_id

    def team_name(self, team_id: str) -> str | None:
        ids = self._d.team_ids
        return self._d.team_names[ids.index(team_id)] if team_id in ids else None

    def team_of(self, agent_id: str) -> str | None:
        code = self._by_id.get(agent_id)
        if code is None or not self._d.agent_teams[code]:
            return None
        return self._d.team_names[self._d.agent_teams[code][0]]
