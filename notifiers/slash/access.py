"""Who may see what through `/kpi`: a pure decision from the access configuration.

The rules (docs/slack.md, "Who may see what"):

- **team-level numbers** (a team, every team, breaches): anyone in an allowed channel; a team's
  leads and agents (its own numbers) and the admins anywhere (a direct message to the app included);
- **agent-level detail** (an agent's numbers, a team's low-rated list, which names agents): the
  agent's team's leads and the admins only;
- **your own numbers** (`/kpi me`, or yourself by name): always;
- **`public`** posts to the channel only what everyone there may see: team-level numbers asked
  in an allowed channel. Anything else is answered privately, saying so.

Leads and admins are Slack user IDs (``U…``/``W…``) or user-group IDs (``S…``); the caller's
groups are resolved before the decision (:mod:`notifiers.slash.people`), so this stays pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from notifiers.mrkdwn import escape

ANYWHERE = "*"


@dataclass(frozen=True)
class TeamAccess:
    name: str
    #: Slack user IDs or user-group IDs of the team's leads.
    leads: frozenset[str] = frozenset()
    #: The team's channel (ID such as ``C0KPI0001`` or name such as ``#kpi-billing``), if any.
    channel: str | None = None


@dataclass(frozen=True)
class AccessPolicy:
    teams: tuple[TeamAccess, ...] = ()
    admins: frozenset[str] = frozenset()
    #: Channels (IDs or names) where anyone may ask for team-level numbers; ``"*"``: anywhere.
    #: ``None``: the teams' own channels.
    allowed_channels: frozenset[str] | None = None

    def channels(self) -> frozenset[str]:
        if self.allowed_channels is not None:
            return frozenset(_channel_key(c) for c in self.allowed_channels)
        return frozenset(_channel_key(t.channel) for t in self.teams if t.channel)

    def group_ids(self) -> frozenset[str]:
        """Every user-group ID named as a lead or admin (the only groups worth resolving)."""
        ids: set[str] = {i for i in self.admins if is_group(i)}
        for team in self.teams:
            ids.update(i for i in team.leads if is_group(i))
        return frozenset(ids)


@dataclass(frozen=True)
class Caller:
    user_id: str
    channel_id: str | None = None
    channel_name: str | None = None
    #: User groups (``S…``) the caller belongs to, among those the policy names.
    groups: frozenset[str] = frozenset()
    #: The caller's helpdesk agent (``source:instance:id``), when they are one, and its team.
    agent_id: str | None = None
    agent_team: str | None = None

    def ids(self) -> frozenset[str]:
        return frozenset({self.user_id, *self.groups})


# -- what is asked, once resolved against the data -----------------------------------------------


@dataclass(frozen=True)
class TeamNumbers:
    """Team-level numbers of one team, or of every team (``team`` None)."""

    team: str | None


@dataclass(frozen=True)
class AgentDetail:
    """Agent-level detail: one agent's numbers, or a team's list that names agents."""

    #: The agent asked about (None: a team's detail, e.g. its low-rated list).
    agent_id: str | None
    #: The configured team the agent (or the list) belongs to; None when in no configured team.
    team: str | None
    what: str = "agent-level numbers"


Asked = TeamNumbers | AgentDetail


@dataclass(frozen=True)
class Allowed:
    #: May the answer go to the channel when ``public`` was asked?
    public_ok: bool


@dataclass(frozen=True)
class Denied:
    #: Polite, for the person who asked (ephemeral).
    message: str
    #: Terse, for the log.
    reason: str = field(default="")


Decision = Allowed | Denied


def is_group(slack_id: str) -> bool:
    return slack_id.startswith("S")


def is_admin(policy: AccessPolicy, caller: Caller) -> bool:
    return bool(policy.admins & caller.ids())


def leads(policy: AccessPolicy, caller: Caller) -> list[str]:
    """The teams the caller leads, by name."""
    ids = caller.ids()
    return [team.name for team in policy.teams if team.leads & ids]


def in_allowed_channel(policy: AccessPolicy, caller: Caller) -> bool:
    channels = policy.channels()
    if ANYWHERE in channels:
        return True
    here = {_channel_key(c) for c in (caller.channel_id, caller.channel_name) if c}
    return bool(here & channels)


def decide(policy: AccessPolicy, caller: Caller, asked: Asked) -> Decision:
    admin = is_admin(policy, caller)
    led = leads(policy, caller)
    in_channel = in_allowed_channel(policy, caller)
    if isinstance(asked, TeamNumbers):
        if in_channel:
            return Allowed(public_ok=True)
        own = asked.team is not None and asked.team in (*led, caller.agent_team)
        if admin or own:
            return Allowed(public_ok=False)
        return Denied(_channel_message(policy), f"team numbers of {asked.team or 'all teams'} outside allowed channels")
    if asked.agent_id is not None and asked.agent_id == caller.agent_id:
        return Allowed(public_ok=False)
    if admin or (asked.team is not None and asked.team in led):
        return Allowed(public_ok=False)
    whose = f"{escape(asked.team)}'s leads" if asked.team else "the team's leads"  # a helpdesk's name, in mrkdwn
    return Denied(
        f"Sorry, {asked.what} are for {whose} and the admins. You can always see your own with `/kpi me`.",
        f"{asked.what} of {asked.agent_id or 'team ' + str(asked.team)}: not a lead of {asked.team} nor an admin",
    )


def _channel_message(policy: AccessPolicy) -> str:
    channels = sorted(policy.channels() - {ANYWHERE})
    if not channels:
        return "Sorry, team numbers aren't shared through `/kpi` in any channel yet; ask a team lead or an admin."
    named = ", ".join(_mention(c) for c in channels[:5])
    return f"Sorry, team numbers are shared in {named}. Ask there, or ask a team lead."


def _mention(channel: str) -> str:
    return f"<#{channel}>" if channel[:1] in ("C", "G") and channel.isupper() else f"#{channel}"


def _channel_key(channel: str) -> str:
    """IDs stay as they are; names lose their ``#`` and case."""
    channel = channel.strip()
    if channel == ANYWHERE or (channel[:1] in ("C", "G", "D") and channel.isalnum() and channel.isupper()):
        return channel
    return channel.lstrip("#").lower()
