"""Threshold rules and their state machine. Pure: KPI results and previous states in, transitions out.

A rule reads one KPI over a window for one scope (overall, a team, every team, every agent). Per
(rule, scope) the state is ``ok`` or ``breached``: a breach is announced once when it starts and
once when it ends, and nothing while it persists. A KPI whose sample is too small (or that has no
value) changes nothing: it never fires, and never counts as a recovery either. With a hysteresis
margin, a breach ends only once the value is past the threshold by that margin, so a KPI
hovering at the line does not flap.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from kpis.catalogue import KPIS, Kind
from kpis.directory import is_named
from kpis.format import minutes
from kpis.results import MetricValue, Report, ScopeRow
from kpis.store.sent_log import AlertState, fit_scope

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
SCOPES = ("overall", "team", "every-team", "every-agent")
OK, BREACHED = "ok", "breached"
BREACH, RECOVERY = "breach", "recovery"


@dataclass(frozen=True)
class AlertRule:
    id: str
    kpi: str
    scope: str
    operator: str
    threshold: float
    window: str = "7d"
    #: The team of a ``team`` rule; for ``every-agent``, only that team's agents (optional).
    team: str | None = None
    #: Below this n the KPI is not judged; ``None``: the KPI's own insufficient_data flag decides.
    min_sample: int | None = None
    hysteresis: float = 0.0

    @property
    def by(self) -> str:
        """The report scope the rule reads."""
        return {"overall": "overall", "team": "team", "every-team": "team", "every-agent": "agent"}[self.scope]

    @property
    def lower_bound(self) -> bool:
        """True for "must stay above" rules (``<``, ``<=`` fire when the value drops)."""
        return self.operator in ("<", "<=")

    def holds(self, value: float) -> bool:
        return OPERATORS[self.operator](value, self.threshold)

    def recovered(self, value: float) -> bool:
        # The condition, with the threshold moved by the margin towards the healthy side.
        margin = self.hysteresis if self.lower_bound else -self.hysteresis
        return not OPERATORS[self.operator](value, self.threshold + margin)


@dataclass(frozen=True)
class Reading:
    """One rule read on one scope row: its metric and whether it breaches (``None``: cannot judge)."""

    rule: AlertRule
    scope: str
    row: ScopeRow
    metric: MetricValue

    def judgeable(self) -> bool:
        m = self.metric
        if m.value is None:
            return False
        if self.rule.min_sample is not None and m.n is not None:
            return m.n >= self.rule.min_sample
        return not m.insufficient_data

    def breaches(self) -> bool | None:
        return self.rule.holds(self.metric.value) if self.judgeable() else None  # type: ignore[arg-type]


@dataclass(frozen=True)
class Transition:
    """A state change to announce: a breach began, or a breach ended."""

    kind: str  # BREACH | RECOVERY
    reading: Reading
    #: When the new state began (this evaluation).
    at: datetime
    #: For a recovery, when the breach began.
    breached_since: datetime | None = None


def scope_key(row: ScopeRow) -> str:
    """The row's key in the alert states ("team:zendesk:acme:360001"), as the store keeps it."""
    return "overall" if row.scope == "overall" else fit_scope(f"{row.scope}:{row.id}")


def rows_for(rule: AlertRule, report: Report) -> list[ScopeRow]:
    """The rows of ``report`` (computed for ``rule.by``) that ``rule`` watches."""
    if rule.scope == "team" and rule.team is not None:
        return [row for row in report.rows if is_named(rule.team, row.name, row.id)]
    if rule.scope == "every-agent" and rule.team is not None:
        return [row for row in report.rows if is_named(rule.team, row.team)]
    return list(report.rows)


def read(rule: AlertRule, report: Report) -> list[Reading]:
    return [Reading(rule, scope_key(row), row, row.metrics[rule.kpi]) for row in rows_for(rule, report)]


def advance(
    readings: Iterable[Reading], states: Mapping[tuple[str, str], AlertState], now: datetime
) -> tuple[list[AlertState], list[Transition]]:
    """New states for ``readings`` given the stored ``states``, and the transitions to announce.

    Readings that cannot be judged leave their state untouched (and are not returned).
    """
    new_states: list[AlertState] = []
    transitions: list[Transition] = []
    for reading in readings:
        verdict = reading.breaches()
        if verdict is None:
            continue
        value = reading.metric.value
        before = states.get((reading.rule.id, reading.scope))
        if before is None or before.state != BREACHED:
            if verdict:
                new_states.append(AlertState(reading.rule.id, reading.scope, BREACHED, since=now, value=value))
                transitions.append(Transition(BREACH, reading, at=now))
            else:
                since = before.since if before is not None else now
                new_states.append(AlertState(reading.rule.id, reading.scope, OK, since=since, value=value))
        elif value is not None and reading.rule.recovered(value):
            new_states.append(AlertState(reading.rule.id, reading.scope, OK, since=now, value=value))
            transitions.append(Transition(RECOVERY, reading, at=now, breached_since=before.since))
        else:
            new_states.append(replace(before, value=value))
    return new_states, transitions


def rule_text(rule: AlertRule) -> str:
    """"CSAT < 80%" -- the rule's condition as a person reads it."""
    return f"{KPIS[rule.kpi].label} {rule.operator} {threshold_text(rule.kpi, rule.threshold)}"


def threshold_text(key: str, threshold: float) -> str:
    """A threshold in the KPI's own unit: "80%", "4.0h" (times are configured in minutes), "25"."""
    spec = KPIS[key]
    if spec.kind is Kind.TIME:
        return minutes(threshold)
    return f"{threshold:g}%" if spec.unit == "%" else f"{threshold:g}"


def current_breaches(readings: Sequence[Reading]) -> list[Reading]:
    """The readings whose condition holds right now (for the digest's breach list)."""
    return [reading for reading in readings if reading.breaches()]
