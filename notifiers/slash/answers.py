"""From a `/kpi` command to its answer: parse, find out who asks, authorize, compute, render.

KPI numbers come only from ``kpis.engine.compute_report`` over ``kpis.query.load_kpi_data``
(through :class:`~notifiers.slash.snapshots.SnapshotCache`); nothing here computes a KPI.
Every way a command can go wrong ends in a polite one-line answer, never an exception.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from kpis.directory import is_named, name_key, named
from kpis.errors import ConfigError, HelpdeskKpisError
from kpis.results import Report, ScopeRow, with_policy_sla
from kpis.scorecard import ScorecardConfig
from notifiers.blockkit import validate_message
from notifiers.mrkdwn import escape
from notifiers.slash import answer_blocks as blocks
from notifiers.slash import why
from notifiers.slash.access import (
    AccessPolicy,
    AgentDetail,
    Allowed,
    Caller,
    Denied,
    TeamNumbers,
    decide,
    is_admin,
    leads,
)
from notifiers.slash.agents import AgentIndex
from notifiers.slash.answer_blocks import Answer
from notifiers.slash.breaches import Breach
from notifiers.slash.command import Command
from notifiers.slash.comments import ThemeSource, asked_team, comments_answer
from notifiers.slash.grammar import (
    HELP,
    BreachesQuery,
    CommentsQuery,
    HelpQuery,
    KpiQuery,
    Period,
    Scope,
    ScorecardQuery,
    TeamsQuery,
    Usage,
    parse,
)
from notifiers.slash.list_answers import breaches_answer, teams_answer
from notifiers.slash.people import SlackPeople
from notifiers.slash.scorecard_answer import scorecard_answer
from notifiers.slash.snapshots import Snapshot, SnapshotCache

log = logging.getLogger(__name__)

class KpiCommands:
    def __init__(
        self,
        *,
        policy: AccessPolicy,
        snapshots: SnapshotCache,
        zone: ZoneInfo,
        clock: Callable[[], datetime],
        people: SlackPeople | None = None,
        breaches: Callable[[], Sequence[Breach]] | None = None,
        themes: ThemeSource | None = None,
        scorecard: ScorecardConfig | None = None,
    ) -> None:
        self.policy = policy
        self.snapshots = snapshots
        self.zone = zone
        self.clock = clock
        self.people = people
        #: The KPI thresholds in breach now, for `/kpi breaches`.
        self.breaches = breaches
        #: The comment themes of a window, for `/kpi comments`.
        self.themes = themes
        self.scorecard = scorecard or ScorecardConfig()

    @property
    def team_names(self) -> list[str]:
        """The configured teams; without any, the helpdesk's own teams (as the digests use them)."""
        if self.policy.teams:
            return [team.name for team in self.policy.teams]
        window = Period("7d").window(now=self.clock(), zone=self.zone)
        return list(self.snapshots.snapshot(window).directory.team_names)

    def is_ready(self, command: Command) -> bool:
        """Whether the answer reads nothing new from the store: the KPIs of its days are loaded
        (:meth:`SnapshotCache.has`). Such answers are computed apart from those waiting for a
        load of the store (:mod:`notifiers.slash.app`), so that they never queue behind them."""
        try:
            week = Period("7d").window(now=self.clock(), zone=self.zone)
            if not self.policy.teams and not self.snapshots.has(week):
                return False  # even the team names need a load
            query = parse(command.text, self.team_names)
            if isinstance(query, CommentsQuery):
                return False  # the comments' themes are read from the store
            period = getattr(query, "period", None)
            return self.snapshots.has(week if period is None else period.window(now=self.clock(), zone=self.zone))
        except Exception:  # noqa: BLE001 - whatever is wrong, answer() says it; it just is not known to be quick
            return False

    def answer(self, command: Command) -> Answer:
        """The answer to ``command``, checked against Slack's Block Kit rules; never raises."""
        try:
            answer = self._answer(command)
            validate_message(answer.payload())
            return answer
        except ConfigError as error:
            log.warning("/kpi %r from %s: configuration problem: %s", command.text, command.user_id, error)
            return blocks.message("Sorry, the KPI configuration needs an admin's attention (see the server log).")
        except HelpdeskKpisError as error:
            log.warning("/kpi %r from %s failed: %s", command.text, command.user_id, error)
            return blocks.message("Sorry, I can't reach the KPI store right now. Please try again in a minute.")
        except Exception:
            log.exception("/kpi %r from %s failed", command.text, command.user_id)
            return blocks.message("Sorry, something went wrong on my side; it has been logged. Please try again later.")

    def _answer(self, command: Command) -> Answer:
        team_names = self.team_names
        query = parse(command.text, team_names)
        if isinstance(query, Usage):
            return blocks.usage(query.problem, query.suggestion)
        if isinstance(query, HelpQuery):
            return blocks.message(HELP)
        caller = Caller(
            user_id=command.user_id,
            channel_id=command.channel_id,
            channel_name=command.channel_name,
            groups=self._groups(command.user_id),
        )
        if isinstance(query, TeamsQuery):
            return teams_answer(self, query)
        if isinstance(query, BreachesQuery):
            return breaches_answer(self, query, caller)
        if isinstance(query, CommentsQuery):
            return self._comments(query, caller)
        if isinstance(query, ScorecardQuery):
            return scorecard_answer(self, query, caller, self.scorecard)
        if isinstance(query, (why.WhyQuery, why.BreakdownQuery)):
            return why.answer(self, query, caller)
        return self._kpis(query, caller)

    # -- KPI questions ---------------------------------------------------------------------------

    def identified(self, caller: Caller, snapshot: Snapshot) -> tuple[Caller, AgentIndex]:
        """The caller with their helpdesk agent and its team, when Slack says who they are."""
        agents = AgentIndex(snapshot.directory)
        caller = self._as_agent(caller, agents)
        return caller, agents

    def _kpis(self, query: KpiQuery, caller: Caller) -> Answer:
        window = query.period.window(now=self.clock(), zone=self.zone)
        snapshot = self.snapshots.snapshot(window)
        caller, agents = self.identified(caller, snapshot)
        target = query.target
        scope = target.scope

        if scope is Scope.OWN_TEAM:
            team = self.own_team(caller, agents)
            if team is None:
                example = escape(self.team_names[0]) if self.team_names else "billing"
                return blocks.message(
                    "I don't know which team is yours. Ask for one by name, e.g. "
                    f"`/kpi team {example}` (`/kpi teams` lists them)."
                )
            return self._team_answer(query, caller, snapshot, team)
        if scope is Scope.TEAM:
            return self._team_answer(query, caller, snapshot, target.team)
        if scope is Scope.ALL:
            return self._all_answer(query, caller, snapshot)

        # One agent: me, a mention, or a name / email.
        if scope is Scope.ME or (target.user_id is not None and target.user_id == caller.user_id):
            if caller.agent_id is None:
                return blocks.message(
                    "I couldn't match you to a helpdesk agent: your Slack email isn't an agent's email. "
                    "An admin can map you in the `[slash.users]` section of the configuration."
                )
            agent_id = caller.agent_id
        elif target.user_id is not None:
            agent_id = self.agent_of(target.user_id, agents)
            if agent_id is None:
                return blocks.message(
                    f"I couldn't find <@{target.user_id}> among the helpdesk agents (matched by email)."
                )
        else:
            found = agents.find(target.agent or "")
            if isinstance(found, str) and found.startswith("?"):
                return blocks.message(found[1:])
            agent_id = found
        return self._agent_answer(query, caller, snapshot, agent_id, agents)

    def caller_for(self, user_id: str) -> Caller:
        """Who ``user_id`` is as the answers see them (user groups, helpdesk agent and its team),
        asking from no channel: for surfaces that are the user's own (the App Home)."""
        caller = Caller(user_id=user_id, groups=self._groups(user_id))
        return self.identified(caller, self.snapshots.snapshot(Period("7d").window(now=self.clock(), zone=self.zone)))[0]

    def _as_agent(self, caller: Caller, agents: AgentIndex) -> Caller:
        """``caller`` with their helpdesk agent and its team, when they are one."""
        agent_id = self.agent_of(caller.user_id, agents)
        return replace(
            caller, agent_id=agent_id, agent_team=self.configured(agents.team_of(agent_id)) if agent_id else None
        )

    def _comments(self, query: CommentsQuery, caller: Caller) -> Answer:
        window = query.period.window(now=self.clock(), zone=self.zone)
        agents = AgentIndex(self.snapshots.snapshot(window).directory)
        caller = self._as_agent(caller, agents)
        team = asked_team(self, query, lambda: self.own_team(caller, agents))
        if isinstance(team, Answer):
            return team
        return comments_answer(self, query, caller, team)

    def _team_answer(self, query: KpiQuery, caller: Caller, snapshot: Snapshot, team: str) -> Answer:
        asked = (
            AgentDetail(None, team, what="low-rated lists (they name agents)") if query.low_rated else TeamNumbers(team)
        )
        decision = self.decide_for(caller, asked, query)
        if isinstance(decision, Answer):
            return decision
        report = snapshot.report("team", query.keys)
        row = _row_named(report, team)
        if row is None:
            return blocks.message(
                f"No numbers for {escape(team)} in {report.window.label()} yet: nothing synced for its helpdesk teams."
            )
        public, note = self.publicity(query, decision)
        if query.low_rated:
            return blocks.low_rated_answer(f"{team}: low ratings", report, row, public=public, note=note)
        keys = with_policy_sla(query.keys, row)
        answer = blocks.kpi_answer(f"{team} · {query.period.text()}", report, row, keys, public=public, note=note)
        return why.with_backlog_grid(answer, snapshot, query.keys, team)

    def _all_answer(self, query: KpiQuery, caller: Caller, snapshot: Snapshot) -> Answer:
        decision = self.decide_for(caller, TeamNumbers(None), query)
        if isinstance(decision, Answer):
            return decision
        overall = snapshot.report("overall", query.keys)
        teams = snapshot.report("team", query.keys)
        known = {name_key(name) for name in self.team_names}
        rows = [row for row in teams.rows if not known or name_key(row.name) in known]
        public, note = self.publicity(query, decision)
        return blocks.all_teams_answer(
            f"All teams · {query.period.text()}", overall, overall.rows[0], rows,
            with_policy_sla(query.keys, overall.rows[0]), public=public, note=note,
        )

    def _agent_answer(
        self, query: KpiQuery, caller: Caller, snapshot: Snapshot, agent_id: str, agents: AgentIndex
    ) -> Answer:
        report = snapshot.report("agent", query.keys)
        row = next((r for r in report.rows if r.id == agent_id), None)
        team = row.team if row is not None else agents.team_of(agent_id)
        what = "low-rated lists" if query.low_rated else "agent-level numbers"
        decision = self.decide_for(caller, AgentDetail(agent_id, team, what=what), query)
        if isinstance(decision, Answer):
            return decision
        name = agents.name_of(agent_id)
        if row is None:
            return blocks.message(f"{escape(name)} has no tickets or ratings in {report.window.label()}.")
        public, note = self.publicity(query, decision)
        # Who the agent is in Slack (users.lookupByEmail), so a lead can reach them from the answer.
        email = agents.email_of(agent_id)
        slack_user = self.people.user_for_email(email) if self.people is not None and email else None
        if slack_user is not None:
            note = "; ".join(part for part in (f"in Slack: <@{slack_user}>", note) if part)
        title = f"{name}{f' ({team})' if team else ''}"
        if query.low_rated:
            return blocks.low_rated_answer(f"{title}: low ratings", report, row, public=public, note=note)
        keys = with_policy_sla(query.keys, row)
        return blocks.kpi_answer(f"{title} · {query.period.text()}", report, row, keys, public=public, note=note)

    # -- who is asking, and may they (also for the answers in their own modules: comments, why,
    # scorecard, lists) ------------------------------------------------------------------------

    def decide_for(
        self, caller: Caller, asked: TeamNumbers | AgentDetail, query: KpiQuery | BreachesQuery
    ) -> Allowed | Answer:
        decision = decide(self.policy, caller, asked)
        if isinstance(decision, Denied):
            return blocks.message(
                decision.message,
                denied=f"user {caller.user_id} in channel {caller.channel_id or caller.channel_name} asked for "
                f"{_describe(query)}: {decision.reason}",
            )
        return decision

    @staticmethod
    def publicity(query: KpiQuery | BreachesQuery, decision: Allowed) -> tuple[bool, str | None]:
        if not query.public:
            return False, None
        if decision.public_ok:
            return True, None
        return False, "only you can see this: team numbers are posted only in the KPI channels, agent numbers never"

    def leads_or_admin(self, user_id: str, team: str | None) -> bool:
        """Whether ``user_id`` is an admin or one of ``team``'s leads (user groups resolved); with
        ``team`` None, whether an admin. For what acts on a team rather than reads it (an alert's
        acknowledgement and snooze)."""
        caller = Caller(user_id=user_id, groups=self._groups(user_id))
        return is_admin(self.policy, caller) or (team is not None and self.configured(team) in leads(self.policy, caller))

    def _groups(self, user_id: str) -> frozenset[str]:
        groups = self.policy.group_ids()
        if not groups or self.people is None:
            return frozenset()
        return self.people.groups_of(user_id, groups)

    def agent_of(self, user_id: str, agents: AgentIndex) -> str | None:
        if self.people is None:
            return None
        override = self.people.override(user_id)
        if override is not None:
            return agents.by_key(override)
        email = self.people.email_of(user_id)
        return agents.by_email(email) if email else None

    def configured(self, team: str | None) -> str | None:
        """The configured team of this name (helpdesk team names match case-insensitively)."""
        if team is None:
            return None
        return named(team, self.team_names)

    def own_team(self, caller: Caller, agents: AgentIndex) -> str | None:
        led = leads(self.policy, caller)
        if led:
            return led[0]
        if caller.agent_team is not None:
            return caller.agent_team
        here = {c for c in (caller.channel_id, caller.channel_name) if c}
        for team in self.policy.teams:
            if team.channel and team.channel.lstrip("#") in here:
                return team.name
        return None


def _row_named(report: Report, name: str) -> ScopeRow | None:
    return next((row for row in report.rows if is_named(name, row.name)), None)


def _describe(query: KpiQuery | BreachesQuery | CommentsQuery | ScorecardQuery) -> str:
    if isinstance(query, BreachesQuery):
        return f"breaches of {query.team or 'all teams'}"
    if isinstance(query, CommentsQuery):
        return f"comments of {query.target.team or query.target.scope.value} over {query.period.text()}"
    t = query.target
    if t is None:  # a scorecard with no target: the caller's own, or their team's
        return f"scorecard of their own over {query.period.text()}"
    who = t.team or (f"<@{t.user_id}>" if t.user_id else None) or t.agent or t.scope.value
    what = "scorecard" if isinstance(query, ScorecardQuery) else ",".join(query.keys)
    return f"{what} of {t.scope.value} {who} over {query.period.text()}"
