"""The columnar inputs of the KPI functions: what the query layer fetches, what the KPIs read.

Times are int64 UTC epoch seconds with :data:`NO_TIME` for "never"; minutes are float64 with NaN
for "not measured"; team and agent are integer codes into :class:`Directory` (``-1``: none).
Building these from records (:func:`from_records`) is how tests and small callers feed the KPI
core; the store's query layer builds them straight from SQL rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, make_dataclass
from datetime import datetime

import numpy as np

from kpis.records import (
    Account,
    Agent,
    Membership,
    Rating,
    RatingState,
    RetentionSpend,
    SurveyAnswer,
    SurveyKind,
    Team,
    Ticket,
)
from kpis.ticket_measures import TICKET_MEASURES

NO_TIME = np.iinfo(np.int64).max  # "never": later than any window end
PRIORITIES = ("low", "normal", "high", "urgent")  # code = index; -1 = no priority


def scoped_id(source: str, instance: str, vendor_id: str) -> str:
    return f"{source}:{instance}:{vendor_id}"


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

    def find_team(self, name: str) -> int | None:
        """The code of the team called ``name`` or with that id (any case); None if there is none."""
        wanted = name.strip().lower()
        for code, (team_id, team_name) in enumerate(zip(self.team_ids, self.team_names)):
            if wanted in (team_name.lower(), team_id.lower()):
                return code
        return None

    def add_membership(self, agent_scoped: str, team_scoped: str) -> None:
        agent, team = self.agent_code(agent_scoped), self.team_code(team_scoped)
        if team not in self.agent_teams[agent]:
            self.agent_teams[agent].append(team)


#: The ticket columns every KPI may use, whatever it measures; the measurements follow them.
_TICKET_BASICS = (
    "created",  # int64 epoch s
    "solved",  # int64 epoch s, NO_TIME when unsolved (latest solve)
    "team",  # int32 code, current group
    "agent",  # int32 code, current assignee
    "priority",  # int8 index into PRIORITIES, -1 none
    "excluded",  # bool: deleted, merged or spam
)
# Derived from the one declaration of the measurements, so that adding one is one entry there.
TicketColumns = make_dataclass(
    "TicketColumns",
    [(name, np.ndarray) for name in (*_TICKET_BASICS, *(m.name for m in TICKET_MEASURES))],
    frozen=True,
)
TicketColumns.__module__ = __name__
TicketColumns.__doc__ = """Tickets as columns: the basics, then each of ``TICKET_MEASURES`` (float64 minutes or
counts, NaN where not measured)."""


@dataclass(frozen=True)
class RatingColumns:
    offered: np.ndarray  # int64 epoch s
    rated: np.ndarray  # int64, NO_TIME when not received
    received: np.ndarray  # bool
    is_offer: np.ndarray  # bool: offered or received (not "unoffered")
    positive: np.ndarray  # bool (False unless received)
    score: np.ndarray  # float64 0..1, NaN unless received
    team: np.ndarray  # int32: team at rating time, else ticket's current team
    agent: np.ndarray  # int32
    excluded: np.ndarray  # bool: its ticket is deleted, merged or spam
    #: Presentation data for ``low_rated`` (same order as the arrays).
    details: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class SurveyColumns:
    kind: np.ndarray  # int8: 0 nps, 1 ces
    answered: np.ndarray  # int64 epoch s
    value: np.ndarray  # float64
    easy: np.ndarray  # bool: CES answer in the top two points once oriented higher = easier
    team: np.ndarray
    agent: np.ndarray


@dataclass(frozen=True)
class AccountColumns:
    started: np.ndarray  # int64 epoch s
    ended: np.ndarray  # int64, NO_TIME while a customer
    monthly_revenue: np.ndarray  # float64, NaN unknown


@dataclass(frozen=True)
class SpendColumns:
    spent: np.ndarray  # int64 epoch s
    amount: np.ndarray  # float64


def _no_accounts() -> AccountColumns:
    return AccountColumns(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))


def _no_spend() -> SpendColumns:
    return SpendColumns(np.empty(0, np.int64), np.empty(0))


@dataclass(frozen=True)
class KpiData:
    tickets: TicketColumns
    ratings: RatingColumns
    surveys: SurveyColumns
    directory: Directory
    #: Customer accounts and retention spend (imported files); empty when there is no accounts source.
    accounts: AccountColumns = field(default_factory=_no_accounts)
    spend: SpendColumns = field(default_factory=_no_spend)


def epoch(value: datetime | None) -> int:
    return NO_TIME if value is None else int(value.timestamp())


def _f(value: float | int | None) -> float:
    return np.nan if value is None else float(value)


def from_records(
    tickets: Iterable[Ticket] = (),
    ratings: Iterable[Rating] = (),
    surveys: Iterable[SurveyAnswer] = (),
    teams: Iterable[Team] = (),
    agents: Iterable[Agent] = (),
    memberships: Iterable[Membership] = (),
    accounts: Iterable[Account] = (),
    spend: Iterable[RetentionSpend] = (),
) -> KpiData:
    """Columnar KPI input from plain records (tests, imports, small stores)."""
    d = Directory()
    for t in teams:
        d.team_code(scoped_id(t.source, t.instance, t.id), t.name)
    for a in agents:
        d.agent_code(scoped_id(a.source, a.instance, a.id), a.name, a.email)
    for m in memberships:
        d.add_membership(scoped_id(m.source, m.instance, m.agent_id), scoped_id(m.source, m.instance, m.team_id))

    def team_of(source: str, instance: str, vendor_id: str | None) -> int:
        return d.team_code(None if vendor_id is None else scoped_id(source, instance, vendor_id))

    def agent_of(source: str, instance: str, vendor_id: str | None) -> int:
        return d.agent_code(None if vendor_id is None else scoped_id(source, instance, vendor_id))

    tickets = list(tickets)
    by_key = {(t.source, t.instance, t.id): t for t in tickets}
    ticket_columns = TicketColumns(
        created=np.array([epoch(t.created_at) for t in tickets], dtype=np.int64),
        solved=np.array([epoch(t.solved_at) for t in tickets], dtype=np.int64),
        team=np.array([team_of(t.source, t.instance, t.group_id) for t in tickets], dtype=np.int32),
        agent=np.array([agent_of(t.source, t.instance, t.assignee_id) for t in tickets], dtype=np.int32),
        priority=np.array([PRIORITIES.index(t.priority.value) if t.priority else -1 for t in tickets], dtype=np.int8),
        excluded=np.array([t.excluded for t in tickets], dtype=bool),
        **{m.name: np.array([_f(getattr(t, m.record)) for t in tickets]) for m in TICKET_MEASURES},
    )

    ratings = list(ratings)
    rating_team, rating_agent, excluded, details = [], [], [], []
    for r in ratings:
        ticket = by_key.get((r.source, r.instance, r.ticket_id))
        # Attribution: the agent and team on the rating at rating time, else the ticket's current ones.
        team_id = r.team_id if r.team_id is not None else (ticket.group_id if ticket else None)
        agent_id = r.agent_id if r.agent_id is not None else (ticket.assignee_id if ticket else None)
        rating_team.append(team_of(r.source, r.instance, team_id))
        rating_agent.append(agent_of(r.source, r.instance, agent_id))
        excluded.append(bool(ticket and ticket.excluded))
        details.append(
            {
                "rating_id": scoped_id(r.source, r.instance, r.id),
                "ticket_id": r.ticket_id,
                "ticket_url": ticket.url if ticket else None,
                "subject": ticket.subject if ticket else None,
                "score_raw": r.score_raw,
                "comment": r.comment,
                "reason": r.reason,
            }
        )
    rating_columns = RatingColumns(
        offered=np.array([epoch(r.offered_at) for r in ratings], dtype=np.int64),
        rated=np.array([epoch(r.rated_at) for r in ratings], dtype=np.int64),
        received=np.array([r.state is RatingState.RECEIVED for r in ratings], dtype=bool),
        is_offer=np.array([r.state is not RatingState.UNOFFERED for r in ratings], dtype=bool),
        positive=np.array([bool(r.positive) for r in ratings], dtype=bool),
        score=np.array([_f(r.score) for r in ratings]),
        team=np.array(rating_team, dtype=np.int32),
        agent=np.array(rating_agent, dtype=np.int32),
        excluded=np.array(excluded, dtype=bool),
        details=details,
    )

    # Answers about deleted, merged or spam tickets are excluded like the tickets themselves.
    surveys = [
        s for s in surveys
        if not ((ticket := by_key.get((s.source, s.instance, s.ticket_id))) and ticket.excluded)
    ]
    survey_team, survey_agent = [], []
    for s in surveys:
        ticket = by_key.get((s.source, s.instance, s.ticket_id))
        team_id = s.team_id if s.team_id is not None else (ticket.group_id if ticket else None)
        agent_id = s.agent_id if s.agent_id is not None else (ticket.assignee_id if ticket else None)
        survey_team.append(team_of(s.source, s.instance, team_id))
        survey_agent.append(agent_of(s.source, s.instance, agent_id))
    survey_columns = SurveyColumns(
        kind=np.array([0 if s.kind is SurveyKind.NPS else 1 for s in surveys], dtype=np.int8),
        answered=np.array([epoch(s.answered_at) for s in surveys], dtype=np.int64),
        value=np.array([s.value for s in surveys], dtype=np.float64),
        easy=np.array([is_easy(s.value, s.scale_min, s.scale_max, s.higher_is_better) for s in surveys], dtype=bool),
        team=np.array(survey_team, dtype=np.int32),
        agent=np.array(survey_agent, dtype=np.int32),
    )
    accounts, spend = list(accounts), list(spend)
    account_columns = AccountColumns(
        started=np.array([epoch(a.started_at) for a in accounts], dtype=np.int64),
        ended=np.array([epoch(a.ended_at) for a in accounts], dtype=np.int64),
        monthly_revenue=np.array([_f(a.monthly_revenue) for a in accounts], dtype=np.float64),
    )
    spend_columns = SpendColumns(
        spent=np.array([epoch(x.spent_at) for x in spend], dtype=np.int64),
        amount=np.array([x.amount for x in spend], dtype=np.float64),
    )
    return KpiData(ticket_columns, rating_columns, survey_columns, d, account_columns, spend_columns)


def is_easy(value: float, scale_min: float, scale_max: float, higher_is_better: bool) -> bool:
    """CES "easy": the top two points of the scale once oriented so that higher means easier."""
    return value >= scale_max - 1 if higher_is_better else value <= scale_min + 1
