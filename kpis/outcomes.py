"""Support and churn: how the accounts whose support went badly fared against the rest.

Pure: accounts with their support history in (:class:`AccountSupport`, built by
:mod:`kpis.outcome_query`), a window and the clock reading passed in, a frozen :class:`Outcomes`
out. An association, never a cause: the groups differ in more than their support.

- **Cohort**: the accounts that were customers at the window's start (started before it, not yet
  ended), as for ``churn_rate``; an account **churned in the window** when it ended within it.
- **Support exposure** of an account: the live tickets of its helpdesk organisation created from
  its start until the window's start (before any churn the window counts), the ratings received
  on them and the NPS answers about them given before the window's start. Support comes first,
  churn after: every account is measured over the same stretch of time, so that an account that
  stayed longer has not simply had more chances of a bad rating.
- **Groups**, over the cohort accounts with at least one exposure ticket: at least one bad rating
  (scored below the middle of its scale, as ``low_rated``) or none; the account's CSAT (share of
  positive ratings) in the bands of ``csat``; first reply within target on every settled ticket
  or missed at least once (the rule of ``first_reply_sla_rate``); the group of its latest NPS answer.
- **Lifetime value** of an account: monthly revenue x months from its start to the earlier of its
  churn and the window's end (the revenue it brought so far).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from kpis import stats
from kpis.catalogue import SATISFACTION_BANDS
from kpis.compute.business import DAY, MONTH_DAYS
from kpis.engine import KpiConfig


@dataclass(frozen=True, slots=True)
class SupportTicket:
    """One ticket of an account's organisation; times are UTC epoch seconds (an account has many)."""

    created: int
    priority: str | None = None
    first_reply_minutes: float | None = None
    solved: int | None = None
    #: Received ratings: (rated, score 0..1, positive).
    ratings: tuple[tuple[int, float, bool], ...] = ()
    #: NPS answers about the ticket: (answered, 0..10).
    nps: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True, slots=True)
class AccountSupport:
    id: str  # source:instance:id
    started_at: datetime
    ended_at: datetime | None = None
    monthly_revenue: float | None = None
    name: str | None = None
    #: The account names a helpdesk organisation (it lives in a helpdesk's namespace).
    linked: bool = True
    #: The helpdesk has at least one ticket of that organisation, of any date.
    known: bool = True
    tickets: tuple[SupportTicket, ...] = ()


@dataclass(frozen=True)
class GroupOutcome:
    key: str
    label: str
    accounts: int
    churned: int
    churn_rate: float | None  # percent
    ci_low: float | None
    ci_high: float | None
    ltv_n: int  # accounts with a monthly revenue
    ltv_mean: float | None
    ltv_low: float | None
    ltv_high: float | None
    insufficient_data: bool

    def as_json(self) -> dict[str, Any]:
        return {"group": self.key, "label": self.label, "n": self.accounts, "churned": self.churned,
                "churn_rate": {"value": self.churn_rate, "ci_low": self.ci_low, "ci_high": self.ci_high},
                "lifetime_value": {"value": self.ltv_mean, "n": self.ltv_n, "ci_low": self.ltv_low,
                                   "ci_high": self.ltv_high},
                "insufficient_data": self.insufficient_data}


@dataclass(frozen=True)
class Difference:
    """Churn of ``group`` minus churn of ``reference``, in percentage points, Newcombe's interval."""

    group: str
    reference: str
    value: float | None
    ci_low: float | None
    ci_high: float | None

    @property
    def significant(self) -> bool:
        return self.ci_low is not None and self.ci_high is not None and (self.ci_low > 0 or self.ci_high < 0)

    def as_json(self) -> dict[str, Any]:
        return {"group": self.group, "reference": self.reference, "value": self.value, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "significant": self.significant}


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    groups: tuple[GroupOutcome, ...]
    differences: tuple[Difference, ...]
    #: Cohort accounts with support but nothing to place them by (no rating, no NPS answer...).
    left_out: int

    def group(self, key: str) -> GroupOutcome:
        return next(g for g in self.groups if g.key == key)

    def as_json(self) -> dict[str, Any]:
        return {"dimension": self.key, "label": self.label, "left_out": self.left_out,
                "groups": [g.as_json() for g in self.groups], "differences": [d.as_json() for d in self.differences]}


@dataclass(frozen=True)
class AccountCounts:
    """How many accounts there are, and why those outside the groups are outside them."""

    accounts: int  # every account in the store
    cohort: int  # customers at the window's start
    churned: int  # of the cohort, ended in the window
    no_churn_date: int  # of the cohort, still customers (no end date)
    not_linked: int  # of the cohort, naming no helpdesk organisation
    unknown_organisation: int  # of the cohort, linked to an organisation no ticket names
    without_support: int  # of the cohort, known organisation but no ticket in its exposure
    with_support: int  # of the cohort, at least one exposure ticket: the groups' population
    organisations_without_account: int = 0  # named on tickets, no account lives there

    def as_json(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class Outcomes:
    start: datetime
    end: datetime
    counts: AccountCounts
    dimensions: tuple[Dimension, ...]

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)

    def as_json(self) -> dict[str, Any]:
        return {"accounts": self.counts.as_json(), "dimensions": [d.as_json() for d in self.dimensions]}


@dataclass(frozen=True)
class _Exposure:
    account: AccountSupport
    churned: bool
    tickets: tuple[SupportTicket, ...]
    ratings: tuple[tuple[float, bool], ...]  # (score, positive)
    nps: float | None  # latest answer
    sla: tuple[bool, ...]  # per settled ticket: met
    lifetime_value: float | None


Classifier = Callable[[_Exposure], "str | None"]

#: (key, label, [(group key, group label)], reference group, classifier); the first group of each
#: is compared with the reference.
_DIMENSIONS: tuple[tuple[str, str, tuple[tuple[str, str], ...], str, Classifier], ...] = (
    ("bad_rating", "Bad ratings", (("bad", "Any bad rating"), ("none", "No bad rating")), "none",
     lambda e: "bad" if any(score < 0.5 for score, _ in e.ratings) else "none"),
    ("csat_bucket", "Account CSAT",
     (("excellent", "CSAT 85%+"), ("acceptable", "CSAT 70-85%"), ("action", "CSAT < 70%")),
     "excellent",
     lambda e: SATISFACTION_BANDS.of(100 * sum(p for _, p in e.ratings) / len(e.ratings)) if e.ratings else None),
    ("first_reply_sla", "First reply SLA",
     (("missed", "Missed once+"), ("met", "Always met")), "met",
     lambda e: None if not e.sla else "met" if all(e.sla) else "missed"),
    ("nps_group", "NPS (latest)",
     (("promoter", "Promoters"), ("passive", "Passives"), ("detractor", "Detractors")),
     "promoter",
     lambda e: None if e.nps is None else "promoter" if e.nps >= 9 else "passive" if e.nps >= 7 else "detractor"),
)


def support_outcomes(
    accounts: Sequence[AccountSupport], start: datetime, end: datetime, *, now: datetime, config: KpiConfig,
    organisations_without_account: int = 0,
) -> Outcomes:
    """Churn and lifetime value of the accounts that were customers at ``start``, by the support
    they received, over the window ``[start, end)``. ``organisations_without_account`` (helpdesk
    organisations no account names) is only reported."""
    cohort = [a for a in accounts if a.started_at < start and (a.ended_at is None or a.ended_at >= start)]
    exposures = [_exposure(a, start, end, now, config) for a in cohort if a.linked and a.known]
    supported = [e for e in exposures if e.tickets]
    counts = AccountCounts(
        accounts=len(accounts), cohort=len(cohort),
        churned=sum(1 for a in cohort if a.ended_at is not None and a.ended_at < end),
        no_churn_date=sum(1 for a in cohort if a.ended_at is None),
        not_linked=sum(1 for a in cohort if not a.linked),
        unknown_organisation=sum(1 for a in cohort if a.linked and not a.known),
        without_support=len(exposures) - len(supported), with_support=len(supported),
        organisations_without_account=organisations_without_account,
    )
    dimensions = []
    for key, label, groups, reference, classify in _DIMENSIONS:
        placed: dict[str, list[_Exposure]] = {g: [] for g, _ in groups}
        for e in supported:
            group = classify(e)
            if group is not None:
                placed[group].append(e)
        outcomes = tuple(_group(g, text, placed[g], config.min_sample) for g, text in groups)
        base = placed[reference]
        differences = tuple(_difference(g, reference, placed[g], base) for g, _ in groups if g != reference)
        left_out = len(supported) - sum(len(members) for members in placed.values())
        dimensions.append(Dimension(key, label, outcomes, differences, left_out))
    return Outcomes(start, end, counts, tuple(dimensions))


def _exposure(a: AccountSupport, start: datetime, end: datetime, now: datetime, config: KpiConfig) -> _Exposure:
    churned = a.ended_at is not None and a.ended_at < end
    began, cut = int(a.started_at.timestamp()), int(start.timestamp())
    tickets = tuple(t for t in a.tickets if began <= t.created < cut)
    ratings = tuple((score, positive) for t in tickets for rated, score, positive in t.ratings if rated < cut)
    answers = sorted((at, value) for t in tickets for at, value in t.nps if at < cut)
    settled_by = min(cut, int(now.timestamp()))
    sla = tuple(met for t in tickets if (met := _reply_met(t, settled_by, config)) is not None)
    value = None
    if a.monthly_revenue is not None:
        lived_until = a.ended_at if churned else end
        months = (lived_until - a.started_at).total_seconds() / DAY / MONTH_DAYS
        value = a.monthly_revenue * months
    return _Exposure(a, churned, tickets, ratings, answers[-1][1] if answers else None, sla, value)


def _reply_met(t: SupportTicket, settled_by: int, config: KpiConfig) -> bool | None:
    """Whether the first reply came within its priority's target; ``None`` while not settled, as in
    ``first_reply_sla_rate``: unreplied, unsolved tickets miss once the target has passed, tickets
    solved without a public reply are left out."""
    target = config.sla_minutes.get(t.priority or "", config.default_sla_minutes)
    if t.first_reply_minutes is not None:
        return t.first_reply_minutes <= target
    overdue = settled_by - t.created >= target * 60
    return False if t.solved is None and overdue else None


def _group(key: str, label: str, members: list[_Exposure], min_sample: int) -> GroupOutcome:
    n, churned = len(members), sum(e.churned for e in members)
    interval = stats.wilson(churned, n)
    values = np.array([e.lifetime_value for e in members if e.lifetime_value is not None], dtype=np.float64)
    ltv_n = len(values)
    mean = float(values.mean()) if ltv_n else None
    low = high = None
    if ltv_n >= 2:
        lows, highs = stats.t_interval(np.array([mean]), np.array([values.std(ddof=1)]), np.array([ltv_n]))
        low, high = max(float(lows[0]), 0.0), float(highs[0])  # no account brings negative revenue
    return GroupOutcome(key, label, n, churned, churned / n * 100 if n else None,
                        interval[0] if interval else None, interval[1] if interval else None,
                        ltv_n, mean, low, high, n < min_sample)


def _difference(group: str, reference: str, members: list[_Exposure], base: list[_Exposure]) -> Difference:
    k1, n1 = sum(e.churned for e in members), len(members)
    k0, n0 = sum(e.churned for e in base), len(base)
    interval = stats.newcombe_difference(k1, n1, k0, n0)
    if interval is None:
        return Difference(group, reference, None, None, None)
    return Difference(group, reference, (k1 / n1 - k0 / n0) * 100, *interval)
