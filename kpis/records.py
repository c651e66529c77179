"""The normalized records every connector produces and every KPI reads.

Each record is identified by ``(source, instance, id)``: the helpdesk kind (``zendesk``), the
configured instance of it (``acme``: two Zendesk accounts are two instances) and the vendor's own
id as a string. References to other records (a ticket's assignee, a rating's ticket) are vendor
ids within the same source and instance.

Records are immutable and carry no behaviour beyond validation of their invariants. Timestamps
are timezone-aware UTC datetimes; durations are minutes (float, calendar time, plus the
business-hours twin where the helpdesk supplies it).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone


def _require_utc(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() != timezone.utc.utcoffset(None)):
        raise ValueError(f"{name} must be a timezone-aware UTC datetime, got {value!r}")


class TicketStatus(str, enum.Enum):
    """Normalized ticket status; the vendor's own word is kept in ``Ticket.status_raw``."""

    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "hold"
    SOLVED = "solved"
    CLOSED = "closed"
    DELETED = "deleted"


class Priority(str, enum.Enum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class RatingState(str, enum.Enum):
    """Where a satisfaction survey stands.

    ``offered``: sent, no answer yet. ``received``: the customer answered (and may change it).
    ``unoffered``: no survey went out; neither a response nor an offer.
    """

    OFFERED = "offered"
    RECEIVED = "received"
    UNOFFERED = "unoffered"


class RatingScale(str, enum.Enum):
    """The vendor scale a raw rating score is expressed on (kept next to the normalized value)."""

    GOOD_BAD = "good_bad"  # Zendesk legacy CSAT: good / bad
    ONE_TO_FIVE = "1-5"  # Zendesk new CSAT, Intercom
    FRESHDESK_CLASSIC = "freshdesk_c3"  # Freshdesk classic survey: 1 happy / 2 neutral / 3 unhappy
    FRESHDESK_2 = "freshdesk_2"  # Freshdesk 2-point codes: 103 / -103
    FRESHDESK_3 = "freshdesk_3"  # Freshdesk 3-point codes: 103 / 100 / -103
    FRESHDESK_5 = "freshdesk_5"  # Freshdesk 5-point codes: 103, 102, 100, -102, -103
    FRESHDESK_7 = "freshdesk_7"  # Freshdesk 7-point codes: 103 .. 101, 100, -101 .. -103
    HELPSCOUT_3 = "helpscout_3"  # great / okay / not good


class SurveyKind(str, enum.Enum):
    NPS = "nps"
    CES = "ces"


@dataclass(frozen=True, slots=True)
class Team:
    source: str
    instance: str
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Agent:
    source: str
    instance: str
    id: str
    name: str
    email: str | None = None
    active: bool = True
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Membership:
    """An agent belongs to a team (Zendesk group membership...). ``id`` is ``agent_id:team_id``."""

    source: str
    instance: str
    agent_id: str
    team_id: str

    @property
    def id(self) -> str:
        return f"{self.agent_id}:{self.team_id}"


@dataclass(frozen=True, slots=True)
class Ticket:
    source: str
    instance: str
    id: str
    created_at: datetime
    updated_at: datetime
    status: TicketStatus
    status_raw: str
    #: Latest solve; ``None`` while the ticket is unsolved (a reopened ticket loses it until the next solve).
    solved_at: datetime | None = None
    channel: str | None = None
    priority: Priority | None = None
    assignee_id: str | None = None
    group_id: str | None = None
    requester_id: str | None = None
    organization_id: str | None = None
    tags: tuple[str, ...] = ()
    subject: str | None = None
    #: Link to the ticket in the helpdesk's agent interface (for digests and low-rated lists).
    url: str | None = None
    is_deleted: bool = False
    is_merged: bool = False
    is_spam: bool = False
    first_reply_minutes: float | None = None
    first_reply_minutes_business: float | None = None
    first_resolution_minutes: float | None = None
    first_resolution_minutes_business: float | None = None
    full_resolution_minutes: float | None = None
    full_resolution_minutes_business: float | None = None
    #: Public agent replies; ``None`` when the helpdesk does not say.
    replies: int | None = None
    reopens: int | None = None
    #: An outbound message (campaign, Series, a teammate's message) the customer never answered;
    #: last, so that positional construction keeps its order.
    is_outbound: bool = False

    def __post_init__(self) -> None:
        for name in ("created_at", "updated_at", "solved_at"):
            _require_utc(name, getattr(self, name))
        if not isinstance(self.tags, tuple):
            object.__setattr__(self, "tags", tuple(self.tags))

    @property
    def excluded(self) -> bool:
        """Deleted, merged, spam and unanswered outbound tickets are kept in the store but count
        for no KPI."""
        return self.is_deleted or self.is_merged or self.is_spam or self.is_outbound


@dataclass(frozen=True, slots=True)
class Rating:
    """A satisfaction survey on a ticket: the raw score on its scale and the normalized value."""

    source: str
    instance: str
    id: str
    ticket_id: str | None
    state: RatingState
    scale: RatingScale
    #: When the survey was offered (the rating record's creation).
    offered_at: datetime
    #: When the customer gave or last changed the rating; ``None`` unless ``state`` is received.
    rated_at: datetime | None = None
    score_raw: str | None = None
    #: Positive or not (neutral counts as not positive); ``None`` unless received.
    positive: bool | None = None
    #: The score scaled to 0..1 (good = 1, bad = 0; on 1..5, (s - 1) / 4); ``None`` unless received.
    score: float | None = None
    comment: str | None = None
    reason: str | None = None
    #: Agent and team recorded on the rating at rating time, when the helpdesk provides them.
    agent_id: str | None = None
    team_id: str | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("offered_at", "rated_at", "updated_at"):
            _require_utc(name, getattr(self, name))
        if self.state is RatingState.RECEIVED:
            if self.rated_at is None or self.positive is None or self.score is None:
                raise ValueError(f"received rating {self.id} needs rated_at, positive and score")
            if not 0.0 <= self.score <= 1.0:
                raise ValueError(f"rating {self.id}: score {self.score} is outside 0..1")


@dataclass(frozen=True, slots=True)
class SurveyAnswer:
    """One answer to an NPS (0-10) or CES survey, from a helpdesk or an imported file."""

    source: str
    instance: str
    id: str
    kind: SurveyKind
    value: float
    answered_at: datetime
    scale_min: float
    scale_max: float
    #: CES scales differ in direction; ``True`` when a higher answer means less effort.
    higher_is_better: bool = True
    ticket_id: str | None = None
    respondent_id: str | None = None
    agent_id: str | None = None
    team_id: str | None = None
    comment: str | None = None

    def __post_init__(self) -> None:
        _require_utc("answered_at", self.answered_at)
        if not self.scale_min <= self.value <= self.scale_max:
            raise ValueError(f"survey answer {self.id}: {self.value} is outside {self.scale_min}..{self.scale_max}")


@dataclass(frozen=True, slots=True)
class Account:
    """A customer account (from an imported file): for churn, retention cost and lifetime value."""

    source: str
    instance: str
    id: str
    started_at: datetime
    #: When the customer left; ``None`` while they are a customer.
    ended_at: datetime | None = None
    name: str | None = None
    #: Recurring revenue per month, in the configured currency.
    monthly_revenue: float | None = None

    def __post_init__(self) -> None:
        _require_utc("started_at", self.started_at)
        _require_utc("ended_at", self.ended_at)
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError(f"account {self.id}: ended before it started")
        if self.monthly_revenue is not None and self.monthly_revenue < 0:
            raise ValueError(f"account {self.id}: monthly revenue is negative")


@dataclass(frozen=True, slots=True)
class RetentionSpend:
    """Money spent on keeping customers (success programmes, discounts...), dated when spent."""

    source: str
    instance: str
    id: str
    spent_at: datetime
    amount: float
    note: str | None = None

    def __post_init__(self) -> None:
        _require_utc("spent_at", self.spent_at)
        if self.amount < 0:
            raise ValueError(f"retention spend {self.id}: amount is negative")


@dataclass(frozen=True, slots=True)
class Review:
    """A conversation review (QA): a reviewer's scores of how a ticket was handled.

    ``id`` is ``ticket_id:reviewer``: one reviewer's review of a ticket is one record, the newest
    replacing an older one (``updated_at`` is ``reviewed_at`` so that an older one never wins).
    ``agent_id`` is the agent the review names, else the ticket's agent when the review was stored
    (``agent_named`` tells which); ``team_id`` the ticket's team then.
    """

    source: str
    instance: str
    id: str
    ticket_id: str
    reviewer: str
    reviewed_at: datetime
    score: float
    scale_min: float
    scale_max: float
    #: Per-category scores on the same scale (``accuracy``, ``tone``, ``solution``, ``process``...), as
    #: (name, score) pairs in name order (a mapping is accepted and turned into them: records are hashable).
    categories: tuple[tuple[str, float], ...] = ()
    agent_id: str | None = None
    agent_named: bool = False
    team_id: str | None = None
    comment: str | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        _require_utc("reviewed_at", self.reviewed_at)
        _require_utc("updated_at", self.updated_at)
        pairs = self.categories.items() if isinstance(self.categories, Mapping) else self.categories
        object.__setattr__(self, "categories", tuple(sorted((str(k), float(v)) for k, v in pairs)))
        if self.scale_max <= self.scale_min:
            raise ValueError(f"review {self.id}: scale_max must be above scale_min")
        for name, value in (("score", self.score), *self.categories):
            if not self.scale_min <= value <= self.scale_max:
                raise ValueError(f"review {self.id}: {name} {value:g} is outside {self.scale_min:g}..{self.scale_max:g}")

    def category(self, name: str) -> float | None:
        return dict(self.categories).get(name)

    def scaled(self, value: float) -> float:
        """``value`` of this review's scale on 0..100."""
        return (value - self.scale_min) / (self.scale_max - self.scale_min) * 100.0


@dataclass(frozen=True, slots=True)
class AgentReply:
    """One public reply by an agent on a ticket: what makes a day an agent's working day."""

    source: str
    instance: str
    id: str
    ticket_id: str
    agent_id: str
    replied_at: datetime

    def __post_init__(self) -> None:
        _require_utc("replied_at", self.replied_at)


@dataclass(frozen=True, slots=True)
class SlaEvent:
    """One event of a helpdesk's own SLA clock on a ticket (Zendesk's ticket metric events): a
    policy target applied, the clock started, paused or stopped, or the target breached.

    ``metric`` is one of :data:`kpis.sla_outcomes.SLA_METRICS`; ``target`` names one measured
    instance of it (the nth next reply); ``kind`` is ``apply_sla``, ``activate``, ``pause``,
    ``fulfill`` or ``breach``. ``target_minutes`` is set on ``apply_sla`` (``None``: the policy
    no longer measures it); ``deleted``: the helpdesk withdrew the event (ignored).
    """

    source: str
    instance: str
    id: str
    ticket_id: str
    metric: str
    target: int
    kind: str
    at: datetime
    target_minutes: float | None = None
    business_hours: bool | None = None
    policy_id: str | None = None
    deleted: bool = False

    def __post_init__(self) -> None:
        _require_utc("at", self.at)


Record = (Team | Agent | Membership | Ticket | Rating | SurveyAnswer | Account | RetentionSpend | Review | AgentReply
          | SlaEvent)

RECORD_TYPES: tuple[type, ...] = (Team, Agent, Membership, Ticket, Rating, SurveyAnswer, Account, RetentionSpend,
                                  Review, AgentReply, SlaEvent)
