"""What a `/kpi` command asks, once parsed: typed queries, and the usage line when not understood."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kpis.catalogue import HEADLINE
from kpis.windows import Window, window_between, window_for_period

#: The longest window one slash command may ask for, in days: a year and a day (leap years).
MAX_DAYS = 366
DEFAULT_PERIOD = "7d"


@dataclass(frozen=True)
class Period:
    """A named period (``7d``, ``this-week``...) or an inclusive date range."""

    name: str | None = DEFAULT_PERIOD
    first: date | None = None
    last: date | None = None

    def window(self, *, now: datetime, zone: ZoneInfo) -> Window:
        if self.first is not None and self.last is not None:
            return window_between(self.first, self.last, zone)
        return window_for_period(self.name or DEFAULT_PERIOD, now=now, zone=zone)

    def text(self) -> str:
        """How the user would type it (for corrected commands and headings)."""
        if self.first is not None:
            return f"{self.first}..{self.last}"
        return (self.name or DEFAULT_PERIOD).replace("-", " ")


class Scope(str, enum.Enum):
    OWN_TEAM = "own_team"  # `/kpi` alone: the caller's team
    TEAM = "team"
    AGENT = "agent"
    ME = "me"
    ALL = "all"  # every team and the overall row


@dataclass(frozen=True)
class Target:
    scope: Scope
    #: TEAM: the team's name as configured (matched case-insensitively).
    team: str | None = None
    #: AGENT: a Slack user ID from a mention, or the name / email typed.
    user_id: str | None = None
    agent: str | None = None


@dataclass(frozen=True)
class KpiQuery:
    """KPIs (or the low-rated list, key ``low_rated``) of one target over one period."""

    target: Target
    keys: tuple[str, ...] = HEADLINE
    period: Period = Period()
    public: bool = False

    @property
    def low_rated(self) -> bool:
        return "low_rated" in self.keys


@dataclass(frozen=True)
class TeamsQuery:
    public: bool = False


@dataclass(frozen=True)
class BreachesQuery:
    team: str | None = None
    public: bool = False


@dataclass(frozen=True)
class CommentsQuery:
    """What the rating comments of a team (or of everyone) say: their themes, or with ``phrase``
    one theme's comments (page by page, newest first)."""

    target: Target = Target(Scope.OWN_TEAM)
    period: Period = Period()
    low: bool = False
    phrase: str | None = None
    page: int = 1
    public: bool = False


@dataclass(frozen=True)
class ScorecardQuery:
    """Agent scorecards: one agent's (``me``, a mention, a name), a team's agents', or, with no
    target, the caller's own (an agent) or their team's (a lead)."""

    target: Target | None = None
    period: Period = Period()
    public: bool = False


@dataclass(frozen=True)
class HelpQuery:
    pass


@dataclass(frozen=True)
class Usage:
    """Not understood: what was wrong, and a suggestion (a corrected command, or where to look)."""

    problem: str
    suggestion: str = "Type `/kpi help` for what you can ask."


Query = KpiQuery | TeamsQuery | BreachesQuery | HelpQuery | CommentsQuery | ScorecardQuery
