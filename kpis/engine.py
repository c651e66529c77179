"""The KPI engine: columnar data + a window + a scope in, a frozen :class:`Report` out.

Pure: no I/O and no clock reads (``now`` is passed in). Every consumer -- report, digest, alerts,
slash command -- calls :func:`compute_report`; nothing else computes a KPI.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np

from kpis import stats
from kpis.attached import attached_codes
from kpis.breakdown_scopes import BREAKDOWN_SCOPES, NONE_GROUP, breakdown_grouping, narrowed, with_none_group
from kpis.catalogue import KPIS, Kind
from kpis.compute.business import business_kpis
from kpis.compute.common import Grouping, Raw, Span, TicketPopulations
from kpis.compute.flow import flow_kpis
from kpis.compute.quality import quality_kpis
from kpis.compute.satisfaction import low_rated, satisfaction_kpis
from kpis.compute.selection import EVERY, LOW_RATED, SUCCESS_SCORE, Selection, selection
from kpis.compute.sla import sla_kpis
from kpis.compute.speed import speed_kpis
from kpis.dataset import PRIORITIES, KpiData
from kpis.directory import closest, display_names
from kpis.errors import ConfigError
from kpis.results import MetricValue, Report, ScopeRow
from kpis.windows import Window, local_midnight

SCOPES = ("overall", "team", "agent", *BREAKDOWN_SCOPES)
DEFAULT_SUCCESS_WEIGHTS = {"csat": 0.5, "fcr_rate": 0.25, "first_reply_sla_rate": 0.25}


@dataclass(frozen=True)
class KpiConfig:
    min_sample: int = 10
    #: First-reply target in minutes per priority name; others use ``default_sla_minutes``.
    sla_minutes: dict[str, float] = field(default_factory=dict)
    default_sla_minutes: float = 24 * 60.0
    success_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SUCCESS_WEIGHTS))
    #: Expected customer lifetime for ``clv``; ``None``: 1 / monthly churn.
    lifetime_months: float | None = None


def compute_report(
    data: KpiData,
    window: Window,
    *,
    now: datetime,
    by: str = "team",
    team: str | None = None,
    config: KpiConfig | None = None,
    fold_small_tags: bool = False,
    kpis: Collection[str] | None = None,
) -> Report:
    """Every KPI of ``window`` and its previous window, for each row of the ``by`` scope.

    ``by`` channel, priority or tag: one row per group with anything counted in either window;
    ``team`` narrows them to that team's records. ``fold_small_tags``: tags on fewer than
    ``min_sample`` tickets created in the window share one "other tags" row (tables). ``kpis``:
    only these are needed (a table's, an answer's); the rows hold them and SLA achievement
    (:mod:`kpis.compute.selection`), with the same figures as every KPI's report."""
    if by not in SCOPES:
        raise ConfigError(f"unknown scope {by!r}; use one of {', '.join(SCOPES)}")
    config = config or KpiConfig()
    wanted = selection(kpis, config.success_weights)
    if by == "overall" and team is not None:
        # The overall view of one team is that team's row.
        by = "team"
    team_filter = _find_teams(data, team) if team is not None else None
    if by in BREAKDOWN_SCOPES:
        fold = config.min_sample if fold_small_tags else 0
        grouping, labels = breakdown_grouping(data, by, team_filter, fold_below=fold, span=window_span(window, now),
                                              attached=wanted.attached)
    else:
        grouping, labels = _grouping(data, by, attached=wanted.attached)
    agent_team = _agent_teams(data) if by == "agent" else None
    if by == "agent" and team_filter is not None:
        # A team's agents: only their groups are computed (an agent's figures are their own rows'
        # alone); the other agents' rows count for no group rather than for rows dropped at the end.
        grouping, labels, agent_team = _agents_of(grouping, labels, agent_team, team_filter)
    previous = window.previous()
    current_raw = window_kpis(data, grouping, window, now, config, wanted)
    previous_raw = window_kpis(data, grouping, previous, now, config, wanted)
    lists = wanted.wants_key(LOW_RATED)
    low = low_rated(data.ratings, grouping, window_span(window, now)) if lists else None
    low_items = _low_rated_items(data, low) if lists else None
    # Each KPI's figures for every group at once; a row picks its group's.
    columns = {key: _metrics(key, current_raw[key], previous_raw[key], config) for key in wanted.shown(current_raw)}

    team_labels = display_names(data.directory.team_ids, data.directory.team_names)
    rows = []
    for code, (row_id, name) in enumerate(labels):
        team_name = None
        if by == "team" and team_filter is not None and code not in team_filter:
            continue
        if by == "agent":
            team_code = agent_team[code]
            team_name = team_labels[team_code] if team_code >= 0 else None
            if team_filter is not None and team_code not in team_filter:
                continue
            if not _active(current_raw, previous_raw, code):
                continue
        if by in BREAKDOWN_SCOPES and not _active(current_raw, previous_raw, code):
            continue
        metrics = {key: column[code] for key, column in columns.items()}
        if lists:
            metrics[LOW_RATED] = MetricValue(LOW_RATED, None, n=len(low[code]),
                                             items=tuple(low_items[i] for i in low[code]))
        rows.append(ScopeRow(scope=by, id=row_id, name=name, team=team_name, metrics=metrics))
    return Report(window=window, previous_window=previous, rows=tuple(rows))


def scope_grouping(data: KpiData, by: str, team: str | None, attached: bool = True) -> tuple[Grouping, list[tuple[str, str]]]:
    """``(grouping, labels)`` of a scope with only ``team``'s records in a group (for explaining a
    change, where every record must count in the team's figure once); ungrouped records keep -1.
    ``attached``: the attached sets' groups too (only the quality KPIs need them)."""
    if by not in SCOPES or by == "overall":
        raise ConfigError(f"unknown dimension {by!r}; use one of {', '.join(SCOPES[1:])}")
    team_filter = _find_teams(data, team) if team is not None else None
    if by == "tag":  # records without tags are in no tag group, and a ticket is in each of its tags
        return breakdown_grouping(data, by, team_filter, attached=attached)
    if by in BREAKDOWN_SCOPES:
        grouping, labels = breakdown_grouping(data, by, None, attached=attached)
    else:
        grouping, labels = _grouping(data, by, attached)
    # Records in none of the groups (no channel, unassigned) are a group too, so that the groups
    # together are the whole population.
    grouping = with_none_group(grouping)
    labels = [*labels, (NONE_GROUP, f"No {by}")]
    return narrowed(data, grouping, team_filter), labels


def overall_grouping(data: KpiData, team: str | None, attached: bool = True) -> Grouping:
    """One group holding every record (of ``team`` only, when given)."""
    grouping, _ = _grouping(data, "overall", attached)
    return narrowed(data, grouping, _find_teams(data, team) if team is not None else None)


def window_kpis(data: KpiData, grouping: Grouping, window: Window, now: datetime, config: KpiConfig,
                wanted: Selection = EVERY) -> dict[str, Raw]:
    """Every KPI (``wanted``: those and the ones always computed) of one window for each group of ``grouping``."""
    targets = np.array([config.sla_minutes.get(p, config.default_sla_minutes) for p in PRIORITIES]
                       + [config.default_sla_minutes])
    # priority -1 (none) indexes the last entry: the default target.
    return _window_raw(data, grouping, window, now, config, targets[data.tickets.priority], wanted)


def window_span(window: Window, now: datetime) -> Span:
    """A window as epoch seconds with the run's clock reading."""
    return Span(start=int(window.start.timestamp()), end=int(window.end.timestamp()), now=int(now.timestamp()))


def _window_raw(data: KpiData, grouping: Grouping, window: Window, now: datetime, config: KpiConfig,
                sla_minutes: np.ndarray, wanted: Selection) -> dict[str, Raw]:
    span = window_span(window, now)
    populations = TicketPopulations.of(data.tickets, grouping, span)
    raw = flow_kpis(data.tickets, grouping, span, populations)
    raw.update(speed_kpis(data.tickets, span, populations, sla_minutes, wanted))
    raw.update(sla_kpis(data.tickets, grouping, span))
    raw.update(satisfaction_kpis(data.ratings, data.surveys, grouping, span))
    if wanted.attached:
        raw.update(quality_kpis(data.tickets, data.attached, grouping, span, populations, _day_edges(window)))
    if wanted.wants_key(SUCCESS_SCORE):
        raw[SUCCESS_SCORE] = _success_score(raw, config)
    raw.update(business_kpis(data.accounts, data.spend, span, grouping.groups, overall=grouping.overall,
                             lifetime_months=config.lifetime_months))
    return raw


def _day_edges(window: Window) -> np.ndarray:
    """The window's local midnights, first to last (its days' bounds), as epoch seconds."""
    return np.array([local_midnight(window.first_day + timedelta(days=i), window.zone).timestamp()
                     for i in range(window.days + 1)], dtype=np.int64)


def _success_score(raw: dict[str, Raw], config: KpiConfig) -> Raw:
    weights = config.success_weights
    total_weight = sum(weights.values())
    value = sum(raw[key].value * weight for key, weight in weights.items()) / total_weight  # NaN if any is NaN
    n = np.minimum.reduce([raw[key].n for key in weights]) if weights else None
    return Raw(value=value, n=n)


def _grouping(data: KpiData, by: str, attached: bool = True) -> tuple[Grouping, list[tuple[str, str]]]:
    """``attached``: the attached sets' groups too (only the quality KPIs need them)."""
    t, r, s, d = data.tickets, data.ratings, data.surveys, data.directory
    attached = attached_codes(data.attached, by) if attached else {}
    if by == "overall":
        zeros = [np.zeros(len(a.team), dtype=np.int32) for a in (t, r, s)]
        return Grouping(*zeros, groups=1, overall=True, attached=attached), [("overall", "Overall")]
    if by == "team":
        names = display_names(d.team_ids, d.team_names)
        return Grouping(t.team, r.team, s.team, len(d.team_ids), attached=attached), list(zip(d.team_ids, names))
    names = display_names(d.agent_ids, d.agent_names)
    return Grouping(t.agent, r.agent, s.agent, len(d.agent_ids), attached=attached), list(zip(d.agent_ids, names))


def _find_teams(data: KpiData, team: str) -> set[int]:
    """Every team whose name, shown name or id is ``team`` (case-insensitive)."""
    d = data.directory
    found = set(d.team_codes(team))
    if found:
        return found
    close = closest(team, d.team_names, cutoff=0.5)
    hint = f"; did you mean {close!r}?" if close else f"; teams: {', '.join(sorted(set(d.team_names))) or 'none synced yet'}"
    raise ConfigError(f"no team named {team!r}{hint}")


def _agent_teams(data: KpiData) -> np.ndarray:
    """Each agent's team: the one most of their tickets are in, else their first membership."""
    d, t = data.directory, data.tickets
    result = np.array([teams[0] if teams else -1 for teams in d.agent_teams], dtype=np.int64)
    both = (t.agent >= 0) & (t.team >= 0)
    if both.any() and len(d.team_ids):
        pairs = t.agent[both].astype(np.int64) * len(d.team_ids) + t.team[both]
        counts = np.bincount(pairs, minlength=len(d.agent_ids) * len(d.team_ids)).reshape(len(d.agent_ids), -1)
        has = counts.sum(axis=1) > 0
        result[has] = counts[has].argmax(axis=1)
    return result


def _agents_of(grouping: Grouping, labels: list[tuple[str, str]], agent_team: np.ndarray,
               teams: set[int]) -> tuple[Grouping, list[tuple[str, str]], np.ndarray]:
    """The agent grouping with only the agents whose team is in ``teams`` (renumbered in order)."""
    kept = np.flatnonzero(np.isin(agent_team, sorted(teams)))
    code = np.full(len(labels) + 1, -1, dtype=np.int32)  # the last entry: a row of no agent (-1)
    code[kept] = np.arange(len(kept), dtype=np.int32)

    def narrowed_codes(codes: np.ndarray) -> np.ndarray:
        return code[codes]

    narrowed_grouping = replace(
        grouping, tickets=narrowed_codes(grouping.tickets), ratings=narrowed_codes(grouping.ratings),
        surveys=narrowed_codes(grouping.surveys), groups=len(kept),
        attached={name: narrowed_codes(c) for name, c in grouping.attached.items()})
    return narrowed_grouping, [labels[i] for i in kept.tolist()], agent_team[kept]


def _active(current: dict[str, Raw], previous: dict[str, Raw], code: int) -> bool:
    """An agent appears when anything was counted for them in either window (or they hold backlog)."""
    for raw in (current, previous):
        for key in ("tickets_created", "tickets_solved", "backlog", "csat_responses"):
            if raw[key].value[code] > 0:
                return True
    return False


def _metrics(key: str, current: Raw, previous: Raw, config: KpiConfig) -> list[MetricValue]:
    """``key``'s figures in each group: value, previous, change, n, interval, band, thin flag."""
    spec = KPIS[key]
    values, befores = _numbers(current.value), _numbers(previous.value)
    if spec.kind is Kind.COUNT:
        splits = {name: {bucket: [int(x) for x in a.tolist()] for bucket, a in split.items()}
                  for name, split in current.splits.items()}
        return [MetricValue(key, value, before, stats.percent_change(value, before),
                            splits={name: {bucket: counts[code] for bucket, counts in split.items()}
                                    for name, split in splits.items()})
                for code, (value, before) in enumerate(zip(values, befores))]
    change = stats.percent_change if spec.relative_change else stats.point_change
    groups = len(values)
    ns = [None] * groups if current.n is None else [int(x) for x in current.n.tolist()]
    lows, highs = [None] * groups, [None] * groups
    if current.interval is not None:
        lows, highs = (_numbers(bound) for bound in current.interval)
    elif spec.kind is Kind.RATE and current.k is not None and current.n is not None:
        # Wilson where it is defined: some trials, no more successes than trials.
        defined = ((current.n > 0) & (current.k <= current.n)).tolist()
        wilson_low, wilson_high = stats.wilson_bounds(current.k, current.n)
        lows = [low if ok else None for low, ok in zip(wilson_low.tolist(), defined)]
        highs = [high if ok else None for high, ok in zip(wilson_high.tolist(), defined)]
    out = []
    for value, before, n, low, high in zip(values, befores, ns, lows, highs):
        if low is None or high is None:
            low = high = None
        out.append(MetricValue(key, value, before, change(value, before), n=n, ci_low=low, ci_high=high,
                               band=spec.band(value), insufficient_data=n is None or n < config.min_sample))
    return out


def _low_rated_items(data: KpiData, groups: Sequence[Sequence[int]]) -> dict[int, dict]:
    """The ``low_rated`` entry of each rating in ``groups``, made once however many groups hold it
    (a rating is in each of its ticket's tags)."""
    d, r = data.directory, data.ratings
    rows = np.array(sorted({i for group in groups for i in group}), dtype=np.int64)
    # ISO 8601 UTC text, as ``datetime.isoformat`` writes it, in one pass.
    texts = np.datetime_as_string(r.rated[rows].astype("datetime64[s]"), unit="s").tolist()
    items = {}
    for i, text, agent in zip(rows.tolist(), texts, r.agent[rows].tolist()):
        items[i] = {**r.details[i], "rated_at": f"{text}+00:00",
                    "agent": d.agent_names[agent] if agent >= 0 else None,
                    "agent_id": d.agent_ids[agent] if agent >= 0 else None}
    return items


def _numbers(values: np.ndarray) -> list[float | None]:
    """Each value as a float, None where NaN (nothing measured)."""
    return [None if math.isnan(x) else x for x in np.asarray(values, dtype=np.float64).tolist()]
