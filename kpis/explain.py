"""Explain a KPI's change between a window and its previous one by the groups of one dimension.

The groups' figures come from the KPI engine (the same computation as ``report``); the split
into effects is :mod:`kpis.compute.decompose`. Every record is in exactly one group of a team,
agent, channel or priority dimension (records in none form the "none" group), so for rates,
means and counts the effects add up to the change. A ticket is in each of its tags: the tag
dimension's effects overlap and are flagged as not additive, as are medians and p90s.
Pure: columns in, a frozen :class:`Explanation` out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from kpis.breakdown_scopes import NONE_GROUP
from kpis.catalogue import KPIS, Kind, KpiSpec, resolve
from kpis.compute.common import TicketPopulations
from kpis.compute.decompose import Contribution, Decomposition, GroupSample, count_change, counterfactual, shift_share
from kpis.compute.selection import selection
from kpis.compute.speed import time_measure
from kpis.dataset import KpiData
from kpis.engine import KpiConfig, overall_grouping, scope_grouping, window_kpis, window_span
from kpis.errors import ConfigError
from kpis.results import rounded as _round
from kpis.stats import proportions_differ
from kpis.windows import Window

DIMENSIONS = ("team", "agent", "channel", "priority", "tag")
#: Not sums of ticket groups: a list, a weighted composite of other KPIs, figures of customer accounts.
NOT_DECOMPOSABLE = {
    "low_rated": "it is a list of ratings, not a number",
    "customer_success_score": "it is a weighted mix of other KPIs (explain csat, fcr or sla instead)",
    "churn_rate": "it counts customer accounts, which have no team, agent, channel or tag",
    "customer_retention_cost": "it counts customer accounts, which have no team, agent, channel or tag",
    "clv": "it counts customer accounts, which have no team, agent, channel or tag",
}


@dataclass(frozen=True)
class Explanation:
    kpi: str
    dimension: str
    window: Window
    previous_window: Window
    decomposition: Decomposition
    names: dict[str, str]
    #: Why there is nothing to explain (no value in one of the windows), else None.
    nothing: str | None = None

    @property
    def spec(self) -> KpiSpec:
        return KPIS[self.kpi]

    @property
    def beyond_noise(self) -> bool:
        """The overall change is more than noise: for rates, the two-proportion test at 95% on the
        whole population (each record is in one group of an additive dimension); other KPIs have no
        test here and never count as beyond noise."""
        d = self.decomposition
        if self.spec.kind is not Kind.RATE or not d.additive or d.value is None or d.previous is None:
            return False
        n1, n0 = sum(c.n for c in d.contributions), sum(c.previous_n for c in d.contributions)
        return n1 > 0 and n0 > 0 and proportions_differ(d.value / 100, n1, d.previous / 100, n0)

    def top(self, count: int, *, named: bool = False) -> tuple[Contribution, ...]:
        """The ``count`` largest contributions that carry an effect (``named``: not the "none" group)."""
        return tuple(c for c in self.decomposition.contributions
                     if c.effect != 0 and not (named and c.id == NONE_GROUP))[:count]

    def as_json(self) -> dict:
        d = self.decomposition
        rate = self.spec.kind is Kind.RATE
        out = {
            "kpi": self.kpi, "window": {**self.window.as_json(), "timezone": self.window.zone.key},
            "previous_window": self.previous_window.as_json(), "value": _round(d.value),
            "previous": _round(d.previous), "change": _round(d.change), "dimension": self.dimension,
            "additive": d.additive, "contributions": [self._contribution(c, rate) for c in d.contributions],
        }
        if self.nothing is not None:
            out["nothing_to_explain"] = self.nothing
        return out

    def _contribution(self, c: Contribution, rate: bool) -> dict:
        return {
            "id": c.id, "name": self.names.get(c.id, c.id), "value": _round(c.value), "previous": _round(c.previous),
            "n": c.n, "previous_n": c.previous_n, "effect": _round(c.effect), "rate_effect": _round(c.rate_effect),
            "mix_effect": _round(c.mix_effect),
            # Decided for rates only (two-proportion test); null where no test applies.
            "significant": c.significant if rate else None, "insufficient_data": c.insufficient_data,
        }


def best_explanation(explanations: list[Explanation]) -> Explanation | None:
    """The dimension that explains most of the change: the one whose largest group effect is the
    largest (an earlier dimension wins a tie; additive dimensions before the others); None when no
    group moved."""
    best, size = None, 0.0
    # Additive dimensions first: overlapping tags or a median's counterfactual only when nothing else moved.
    for e in sorted(explanations, key=lambda e: not e.decomposition.additive):
        top = e.top(1, named=True)  # "no priority" holding everything explains nothing
        same_kind = best is None or best.decomposition.additive == e.decomposition.additive
        if top and abs(top[0].effect) > size and same_kind:
            best, size = e, abs(top[0].effect)
    return best


def decomposable(name: str) -> KpiSpec:
    """The KPI named ``name`` if its change can be split by groups; else a usage error saying why."""
    spec = resolve(name)
    if spec is None:
        raise ConfigError(f"unknown KPI {name!r}; keys are listed in docs/kpis.md (e.g. csat, frt, fcr, backlog)")
    if spec.key in NOT_DECOMPOSABLE:
        raise ConfigError(f"{spec.key} cannot be decomposed: {NOT_DECOMPOSABLE[spec.key]}")
    return spec


def explain_change(
    data: KpiData, window: Window, *, now: datetime, kpi: str, by: str, team: str | None = None,
    config: KpiConfig | None = None,
) -> Explanation:
    spec = decomposable(kpi)
    if by not in DIMENSIONS:
        raise ConfigError(f"unknown dimension {by!r}; use one of {', '.join(DIMENSIONS)}")
    config = config or KpiConfig()
    wanted = selection([spec.key], config.success_weights)  # one KPI explained: only it is computed
    grouping, labels = scope_grouping(data, by, team, attached=wanted.attached)
    previous_window = window.previous()
    names = dict(labels)
    ids = [row_id for row_id, _ in labels]
    if spec.kind is Kind.TIME and time_measure(spec.key)[2] is not None:
        decomposition = _counterfactual(data, grouping, window, now, spec.key, ids)
    else:
        now_raw = window_kpis(data, grouping, window, now, config, wanted)[spec.key]
        before_raw = window_kpis(data, grouping, previous_window, now, config, wanted)[spec.key]
        current, previous = _samples(now_raw, ids, spec), _samples(before_raw, ids, spec)
        overall = None
        if by == "tag":
            # Overlapping groups: the figure and the shares are the whole population's.
            whole = overall_grouping(data, team, attached=wanted.attached)
            overall = [window_kpis(data, whole, w, now, config, wanted)[spec.key] for w in (window, previous_window)]
        if spec.kind is Kind.COUNT:
            decomposition = count_change(current, previous, config.min_sample)
        else:
            totals = None if overall is None else tuple(0 if raw.n is None else int(raw.n[0]) for raw in overall)
            decomposition = shift_share(current, previous, config.min_sample, totals)
        if overall is not None:
            value, before = (None if np.isnan(raw.value[0]) else float(raw.value[0]) for raw in overall)
            decomposition = replace(decomposition, value=value, previous=before, additive=False,
                                    change=None if value is None or before is None else value - before)
    decomposition = _thin_flagged(decomposition, config.min_sample)
    nothing = None
    if decomposition.previous is None:
        nothing = f"no {spec.label} in the previous window ({previous_window.label()})"
    elif decomposition.value is None:
        nothing = f"no {spec.label} in {window.label()}"
    if nothing is not None:
        decomposition = replace(decomposition, contributions=())
    return Explanation(spec.key, by, window, previous_window, decomposition, names, nothing)


def _samples(raw, ids: list[str], spec: KpiSpec) -> dict[str, GroupSample]:  # noqa: ANN001 - a Raw
    out = {}
    for code, gid in enumerate(ids):
        value = float(raw.value[code])
        if spec.kind is Kind.COUNT:
            out[gid] = GroupSample(value, int(value))
        else:
            n = int(raw.n[code]) if raw.n is not None else 0
            if n > 0 and not np.isnan(value):
                out[gid] = GroupSample(value, n)
    return out


def _counterfactual(data: KpiData, grouping, window: Window, now: datetime, key: str,  # noqa: ANN001
                    ids: list[str]) -> Decomposition:
    column, population, quantile = time_measure(key)
    values = getattr(data.tickets, column)

    def per_group(w: Window) -> dict[str, list[float]]:
        pop = getattr(TicketPopulations.of(data.tickets, grouping, window_span(w, now)), population)
        v = values[pop.rows]
        measured = ~np.isnan(v)
        out: dict[str, list[float]] = {}
        for code, value in zip(pop.codes[measured].tolist(), v[measured].tolist()):
            out.setdefault(ids[code], []).append(value)
        return out

    return counterfactual(per_group(window), per_group(window.previous()),
                          lambda xs: float(np.quantile(np.asarray(xs, dtype=np.float64), quantile)))


def _thin_flagged(d: Decomposition, min_sample: int) -> Decomposition:
    rows = tuple(replace(c, insufficient_data=c.n < min_sample or c.previous_n < min_sample,
                         significant=c.significant and not (c.n < min_sample or c.previous_n < min_sample))
                 for c in d.contributions)
    return replace(d, contributions=rows)


