"""The synthetic helpdesk's people: teams, agents, who belongs where and how each agent works.

The directory is small and drawn from its own random stream seeded by the seed alone, so every
ticket page (whatever page a sync resumes from) sees the same agents with the same habits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from connectors.sample import texts
from kpis.records import Agent, Membership, Team

TEAM_ID_BASE = 360_001
AGENT_ID_BASE = 90_001

#: Relative ticket volume of the first five teams; generated teams get a random smaller share.
_CORE_TEAM_WEIGHTS = (0.30, 0.32, 0.12, 0.14, 0.12)


@dataclass(frozen=True)
class Directory:
    team_names: tuple[str, ...]
    team_tags: tuple[str, ...]
    #: Share of the ticket volume each team receives.
    team_share: np.ndarray
    agent_names: tuple[str, ...]
    agent_emails: tuple[str, ...]
    #: Primary team of each agent (index into the teams).
    agent_team: np.ndarray
    #: Multipliers on first reply time and on resolution time (below 1 = faster).
    reply_speed: np.ndarray
    resolve_speed: np.ndarray
    #: Probability that a customer of this agent rates good, before ticket-level penalties.
    quality: np.ndarray
    #: Agents that also belong to a second team (agent index, team index).
    extra_memberships: tuple[tuple[int, int], ...]
    #: Per team, its agents (padded) and the cumulative share of the team's tickets each takes;
    #: lets the generator pick assignees for a thousand tickets with one comparison.
    members: np.ndarray
    member_cdf: np.ndarray

    def team_id(self, team: int) -> str:
        return str(TEAM_ID_BASE + team)

    def agent_id(self, agent: int) -> str:
        return str(AGENT_ID_BASE + agent)

    def teams(self, source: str, instance: str) -> list[Team]:
        return [Team(source, instance, self.team_id(t), name) for t, name in enumerate(self.team_names)]

    def agents(self, source: str, instance: str) -> list[Agent]:
        # The first agent of each team is its lead, who administers the helpdesk.
        leads = {int(np.flatnonzero(self.agent_team == t)[0]) for t in range(len(self.team_names))}
        return [
            Agent(source, instance, self.agent_id(a), name, email, True, "admin" if a in leads else "agent")
            for a, (name, email) in enumerate(zip(self.agent_names, self.agent_emails, strict=True))
        ]

    def memberships(self, source: str, instance: str) -> list[Membership]:
        pairs = [(a, int(t)) for a, t in enumerate(self.agent_team)] + list(self.extra_memberships)
        return [Membership(source, instance, self.agent_id(a), self.team_id(t)) for a, t in pairs]


def team_names(count: int) -> list[str]:
    names = list(texts.TEAM_NAMES[:count])
    # Beyond the core five: each topic alone first, then topic + region, which never collide.
    extra = list(texts.EXTRA_TOPICS) + [f"{t} {r}" for r in texts.REGIONS for t in texts.EXTRA_TOPICS]
    return names + extra[: max(0, count - len(names))]


def agent_names(rng: np.random.Generator, count: int) -> tuple[list[str], list[str]]:
    firsts, lasts = texts.FIRST_NAMES, texts.LAST_NAMES
    combos = len(firsts) * len(lasts)
    order = rng.permutation(combos)
    names, emails = [], []
    for a in range(count):
        # Past every first/last combination, a number keeps names and emails distinct.
        first, last = firsts[order[a % combos] // len(lasts)], lasts[order[a % combos] % len(lasts)]
        suffix = a // combos
        names.append(f"{first} {last}" + (f" {suffix + 1}" if suffix else ""))
        emails.append(f"{first}.{last}{suffix + 1 if suffix else ''}@example.com".lower())
    return names, emails


def build_directory(seed: int, teams: int, agents: int) -> Directory:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    names = team_names(teams)
    weights = np.array(_CORE_TEAM_WEIGHTS[:teams] + tuple(rng.uniform(0.05, 0.15, max(0, teams - 5))))
    share = weights / weights.sum()

    # Every team gets one agent first, the rest in proportion to the team's volume: busy teams
    # are bigger, as in a real support organisation.
    agent_team = np.concatenate([np.arange(teams), rng.choice(teams, size=agents - teams, p=share)])
    agent_team = agent_team[np.argsort(agent_team, kind="stable")]
    person_names, emails = agent_names(rng, agents)

    # Speeds are correlated: an agent quick to reply is usually quick to resolve as well.
    pace = rng.normal(0.0, 0.3, agents)
    reply_speed = np.exp(pace + rng.normal(0.0, 0.15, agents))
    resolve_speed = np.exp(pace + rng.normal(0.0, 0.2, agents))
    quality = np.clip(rng.normal(0.935, 0.04, agents), 0.75, 0.99)
    workload = rng.lognormal(0.0, 0.3, agents)

    second = rng.random(agents) < 0.15
    other = (agent_team + 1 + rng.integers(0, max(1, teams - 1), agents)) % teams
    extra = tuple((a, int(other[a])) for a in np.flatnonzero(second) if teams > 1)

    width = int(np.bincount(agent_team, minlength=teams).max())
    members = np.zeros((teams, width), dtype=np.int64)
    cdf = np.full((teams, width), 2.0)  # padding above any uniform draw: never selected
    for t in range(teams):
        team_agents = np.flatnonzero(agent_team == t)
        members[t, : len(team_agents)] = team_agents
        cumulative = np.cumsum(workload[team_agents]) / workload[team_agents].sum()
        cumulative[-1] = 1.0
        cdf[t, : len(team_agents)] = cumulative
    return Directory(
        team_names=tuple(names),
        team_tags=tuple(re.sub(r"[^a-z0-9]+", "_", n.lower()).strip("_") for n in names),
        team_share=share,
        agent_names=tuple(person_names),
        agent_emails=tuple(emails),
        agent_team=agent_team,
        reply_speed=reply_speed,
        resolve_speed=resolve_speed,
        quality=quality,
        extra_memberships=extra,
        members=members,
        member_cdf=cdf,
    )
