"""``config init``: who leads each team and who administers the tool, as Slack ids.

Agent-level ``/kpi`` answers are open only to a team's leads and the admins (docs/slack.md: Who
may see what); without them they stay closed to everyone until the TOML is edited by hand. People are
given by email (``users.lookupByEmail``, scope ``users:read.email``), user groups by their @handle
or name (``usergroups.list``, scope ``usergroups:read``), or either by id (``U…``, ``W…``, ``S…``).
https://docs.slack.dev/reference/methods/users.lookupByEmail
https://docs.slack.dev/reference/methods/usergroups.list
"""

from __future__ import annotations

import re
from typing import Any

import typer
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from helpdesk_kpis.admin.asking import Asking
from helpdesk_kpis.admin.files import TeamPlan
from helpdesk_kpis.admin.slack_setup import channel_name
from kpis.errors import ConfigError

_ID = re.compile(r"^[UWS][A-Z0-9]{2,}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PeopleSetup:
    def __init__(self, asking: Asking, client: WebClient) -> None:
        self.asking = asking
        self.client = client
        self._groups: list[dict[str, Any]] | None = None

    def leads(self, teams: list[TeamPlan]) -> None:
        """Ask for each team's leads (interactive only; scripts write ``leads`` in the TOML)."""
        if not self.asking.interactive or not teams:
            return
        self.asking.heading("Leads (they see their team's agent numbers in /kpi)")
        for team in teams:
            team.leads = self._ask(f"Leads of {team.name}")
            if team.leads:  # agent alerts go to them by direct message, or to a channel only they are in
                channel = typer.prompt(f"Leads-only channel of {team.name} for agent alerts (blank: direct "
                                       "messages to the leads)", default="", show_default=False).strip()
                team.leads_channel = channel_name(channel) if channel else None

    def admins(self) -> list[str]:
        """The admins: from --admins, else asked; they see every team's numbers."""
        given = self.asking.options.admins
        if given is not None:
            ids, unknown = self.resolve(given)
            if unknown:
                raise ConfigError(f"--admins: no Slack user or user group {', '.join(unknown)}; "
                                  "use emails, @group handles or ids (U..., S...)")
            return ids
        if not self.asking.interactive:
            return []
        return self._ask("Admins of helpdesk-kpis (they see every team)")

    def _ask(self, question: str) -> list[str]:
        while True:
            answer = typer.prompt(f"{question}: emails or @user-groups, comma-separated (blank for none)",
                                  default="", show_default=False)
            ids, unknown = self.resolve(answer)
            if not unknown:
                return ids
            self.asking.say(f"  not found in Slack: {', '.join(unknown)}; use emails, @group handles or ids")

    def resolve(self, text: str) -> tuple[list[str], list[str]]:
        """The Slack ids of a comma-separated list, and the entries that name nobody."""
        ids: list[str] = []
        unknown: list[str] = []
        for entry in (part.strip() for part in text.replace(";", ",").split(",")):
            if not entry:
                continue
            found = self._one(entry)
            if found is None:
                unknown.append(entry)
            elif found not in ids:
                ids.append(found)
        return ids, unknown

    def _one(self, entry: str) -> str | None:
        if _ID.match(entry):
            return entry
        if _EMAIL.match(entry):
            try:
                return self.client.users_lookupByEmail(email=entry)["user"]["id"]
            except SlackApiError:
                return None
        wanted = entry.lstrip("@").lower()
        for group in self._user_groups():
            if wanted in (str(group.get("handle", "")).lower(), str(group.get("name", "")).lower()):
                return group["id"]
        return None

    def _user_groups(self) -> list[dict[str, Any]]:
        if self._groups is None:
            try:
                self._groups = list(self.client.usergroups_list()["usergroups"])
            except SlackApiError:
                self._groups = []  # no usergroups:read, or a free workspace: emails still work
        return self._groups
