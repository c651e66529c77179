"""The slash benchmark's store and the commands its clients send (see slash_latency.py).

The store is built once through the sample connector and the normal `sync` path, then reused.
The mix: what most people ask (a team, an agent, all teams over 7d or 30d, answered from the warm
snapshots), a team's agents asked by the team's lead (`team X by agent`), and periods nobody asked
about yet: a random 14-day range and a calendar month of the store's year (each a new read of the
store, unless an earlier command of the run happened to ask for the same days).
"""

from __future__ import annotations

import calendar
import os
import random
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

CLI = [sys.executable, "-m", "helpdesk_kpis.cli"]
#: Share of each kind of command in the mix (they add up to 1).
WEIGHTS = {"warm": 0.55, "team's agents": 0.15, "14-day range": 0.20, "calendar month": 0.10}


@dataclass(frozen=True)
class Command:
    kind: str  # a key of WEIGHTS
    text: str
    user: str
    channel: str


def sample_section(tickets: int, instance: str = "bench", *, days: int = 365, extra: str = "") -> str:
    return (f"[connectors.sample.{instance}]\ntickets = {tickets}\ndays = {days}\nteams = 6\nagents = 60\n"
            f"{extra}")


def build_store(folder: Path, tickets: int) -> Path:
    database = folder / f"slash-{tickets}.db"
    if database.exists():
        print(f"reusing {database}")
        return database
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "build.toml").write_text(sample_section(tickets))
    print(f"building a {tickets:,}-ticket store in {database} (once)...", flush=True)
    started = time.monotonic()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    subprocess.run(
        [*CLI, "--config", str(folder / "build.toml"), "sync", "--since", "2000-01-01"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"built in {time.monotonic() - started:.0f}s")
    return database


def directory(database: Path) -> tuple[list[str], dict[str, list[str]]]:
    """Team names, and the agents' emails of each team (by their first membership)."""
    with sqlite3.connect(database) as db:
        teams = dict(db.execute("SELECT id, name FROM teams WHERE instance = 'bench' ORDER BY name"))
        members: dict[str, list[str]] = {name: [] for name in teams.values()}
        rows = db.execute(
            "SELECT m.team_id, a.email FROM memberships m JOIN agents a ON a.id = m.agent_id AND a.source = m.source "
            "AND a.instance = m.instance WHERE m.instance = 'bench' ORDER BY a.email"
        )
        seen = set()
        for team_id, email in rows:
            if email and email not in seen:
                seen.add(email)
                members[teams[team_id]].append(email)
    return list(teams.values()), members


def serve_config(team_names: list[str], inline_seconds: float | None, load_processes: int | None = None) -> str:
    """The endpoint's configuration: the teams and their leads, no connector (role endpoint)."""
    teams = "".join(
        f'\n[[teams]]\nname = "{name}"\nchannel = "C0TEAM{i}"\nleads = ["U0LEAD{i}"]\n'
        for i, name in enumerate(team_names)
    )
    slash = '\n[slash]\nadmins = ["U0ADMIN"]\n'
    if inline_seconds is not None:
        slash += f"inline_seconds = {inline_seconds}\n"
    if load_processes is not None:
        slash += f"load_processes = {load_processes}\n"
    return teams + slash


def slack_users(team_names: list[str], members: dict[str, list[str]]) -> dict[str, str]:
    """Slack user ID -> email of the agents the commands mention (users.info in the fake)."""
    return {f"U0AG{i}X{j}": email for i, name in enumerate(team_names) for j, email in enumerate(members[name][:3])}


class Mix:
    def __init__(self, team_names: list[str], members: dict[str, list[str]], today: date) -> None:
        self.teams = team_names
        self.members = members
        self.today = today
        self.warm = self._warm()
        self.kinds = list(WEIGHTS)
        self.weights = [WEIGHTS[kind] for kind in self.kinds]

    def _warm(self) -> list[Command]:
        commands = []
        for period in ("7d", "30d"):
            for i, name in enumerate(self.teams):
                commands.append(Command("warm", f"team {name} {period}", f"U0LEAD{i}", f"C0TEAM{i}"))
                for j in range(min(3, len(self.members[name]))):
                    commands.append(Command("warm", f"agent <@U0AG{i}X{j}|agent> {period}", f"U0LEAD{i}", "D0DIRECT"))
            commands.append(Command("warm", f"all {period}", "U0ADMIN", "D0DIRECT"))
            commands.append(Command("warm", f"all csat frt {period}", "U0ADMIN", "D0DIRECT"))
        return commands

    def pick(self, rng: random.Random) -> Command:
        kind = rng.choices(self.kinds, self.weights)[0]
        if kind == "warm":
            return rng.choice(self.warm)
        i = rng.randrange(len(self.teams))
        team, lead, channel = self.teams[i], f"U0LEAD{i}", f"C0TEAM{i}"
        if kind == "team's agents":
            return Command(kind, f"team {team} by agent {rng.choice(('7d', '30d', self._range(rng)))}", lead, channel)
        if kind == "14-day range":
            if rng.random() < 0.25:
                return Command(kind, f"all {self._range(rng)}", "U0ADMIN", "D0DIRECT")
            return Command(kind, f"team {team} {self._range(rng)}", lead, channel)
        return Command(kind, f"team {team} {self._month(rng)}", lead, channel)

    def _range(self, rng: random.Random) -> str:
        """14 days ending between 2 and 340 days ago (the store's year, with a previous window in it)."""
        last = self.today - timedelta(days=rng.randint(2, 340))
        return f"{last - timedelta(days=13)}..{last}"

    def _month(self, rng: random.Random) -> str:
        """One of the 10 whole calendar months before the current one."""
        year, month = self.today.year, self.today.month - rng.randint(1, 10)
        while month < 1:
            year, month = year - 1, month + 12
        return f"{date(year, month, 1)}..{date(year, month, calendar.monthrange(year, month)[1])}"
