"""The normalized records of a helpdesk, which every helpdesk connector produces and every KPI reads
(the records beside them, from files: ``kpis.imported_records``; any record: ``kpis.record_types``).

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
from dataclasses import dataclass
from datetime import datetime, timezone


def require_utc(name: str, value: datetime | None) -> None:
    """Every record's timestamps are timezone-aware UTC (``kpis.imported_records`` checks with it too)."""
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
            require_utc(name, getattr(self, name))
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
            require_utc(name, getattr(self, name))
        if self.state is RatingState.RECEIVED:
            if self.rated_at is None or self.positive is None or self.score is None:
                raise ValueError(f"received rating {self.id} needs rated_at, positive and score")
            if not 0.0 <= self.score <= 1.0:
                raise ValueError(f"rating {self.id}: score {self.score} is outside 0..1")


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
        require_utc("replied_at", self.replied_at)


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
        require_utc("at", self.at)
