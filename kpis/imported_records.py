"""The records beside a helpdesk's own, which today's connectors import from files (and the sample
connector makes up): survey answers (NPS, CES), customer accounts, money spent keeping them, and
conversation reviews (QA). Identified and validated like the helpdesk's records (``kpis.records``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from kpis.records import SurveyKind, require_utc


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
        require_utc("answered_at", self.answered_at)
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
        require_utc("started_at", self.started_at)
        require_utc("ended_at", self.ended_at)
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
        require_utc("spent_at", self.spent_at)
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
        require_utc("reviewed_at", self.reviewed_at)
        require_utc("updated_at", self.updated_at)
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
