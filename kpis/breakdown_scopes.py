"""The breakdown scopes (channel, priority, tag): which group each ticket, rating and answer is in.

A ticket is in one channel and one priority; ratings and survey answers follow their ticket. A
ticket with three tags is in each of the three tag groups: for ``tag`` each kind of record gets
its (record, tag) memberships (records without tags are in no tag group), and every KPI function
filters them by its population (:mod:`kpis.stats`) as it groups any other scope's codes: the
records' columns are not repeated per tag. Pure: columns in, groupings out.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from kpis import attached as attached_groups
from kpis import stats
from kpis.breakdown import OTHER_TAGS
from kpis.channels import CHANNELS
from kpis.compute.common import Grouping, Span, in_span
from kpis.dataset import PRIORITIES, KpiData
from kpis.errors import ConfigError
from kpis.tag_table import TagTable, folded, memberships

BREAKDOWN_SCOPES = ("channel", "priority", "tag")
#: The id of the group of records in none of a scope's groups (no channel, no agent...).
NONE_GROUP = "none"


def breakdown_grouping(
    data: KpiData, by: str, teams: Collection[int] | None, *, fold_below: int = 0, span: Span | None = None,
    attached: bool = True,
) -> tuple[Grouping, list[tuple[str, str]]]:
    """``(grouping, labels)`` for ``by`` (for ``tag``, of memberships: see the module's doc).

    ``teams``: only records of these team codes count (``--team``). ``fold_below``: tags on fewer
    than this many tickets created in ``span`` share one "other tags" group (tables).
    ``attached``: the attached sets' groups too (only the quality KPIs need them).
    """
    f = data.facets
    if f is None:
        raise ConfigError(f"--by {by} needs the store's data (channel, priority and tags were not loaded)")
    if by == "channel":
        labels = [(name, name.capitalize()) for name in CHANNELS]
        return narrowed(data, _facet_grouping(data, "channel", len(CHANNELS), attached), teams), labels
    if by == "priority":
        labels = [(name, name.capitalize()) for name in PRIORITIES]
        return narrowed(data, _facet_grouping(data, "priority", len(PRIORITIES), attached), teams), labels
    if by != "tag":
        raise ConfigError(f"unknown breakdown {by!r}; use one of {', '.join(BREAKDOWN_SCOPES)}")
    table = f.tagsets if isinstance(f.tagsets, TagTable) else TagTable.of(f.tagsets)
    # Group codes: the tags that occur, in name order.
    used = np.flatnonzero(np.bincount(table.codes, minlength=len(table.names)) > 0)
    order = sorted(used.tolist(), key=table.names.__getitem__)
    tags = [table.names[code] for code in order]
    group_of = np.full(len(table.names), -1, dtype=np.int32)
    group_of[order] = np.arange(len(order), dtype=np.int32)
    kinds = [memberships(kind.tagset, table, group_of, len(tags)) for kind in (f.tickets, f.ratings, f.surveys)]
    remap = None
    if fold_below > 0:
        kept = _tickets_per_tag(data, kinds[0], span, teams) >= fold_below
        if not kept.all():
            # Kept tags keep their order; every small tag becomes the one "other tags" code.
            remap = np.where(kept, np.cumsum(kept) - 1, int(kept.sum())).astype(np.int32)
            tags = [tag for code, tag in enumerate(tags) if kept[code]] + [OTHER_TAGS]
            kinds = [folded(population, remap, len(tags)) for population in kinds]
    tag_group = {table.names[code]: int(group_of[code]) for code in order}
    groups_of_attached = attached_groups.tag_memberships(data.attached, tag_group, remap, len(tags)) if attached else {}
    grouping = Grouping(*kinds, len(tags), attached=groups_of_attached)
    labels = [(tag, tag) for tag in tags]
    return narrowed(data, grouping, teams), labels


def _facet_grouping(data: KpiData, name: str, groups: int, attached: bool) -> Grouping:
    f = data.facets
    return Grouping(getattr(f.tickets, name), getattr(f.ratings, name), getattr(f.surveys, name), groups,
                    attached=attached_groups.attached_codes(data.attached, name) if attached else {})


def with_none_group(grouping: Grouping) -> Grouping:
    """The records in no group (-1) as one more group, the last."""
    g = grouping.groups

    def filled(codes: np.ndarray) -> np.ndarray:
        return np.where(codes < 0, g, codes).astype(np.int32)

    return Grouping(filled(grouping.tickets), filled(grouping.ratings), filled(grouping.surveys), g + 1,
                    attached=attached_groups.with_none(grouping.attached, g))


def narrowed(data: KpiData, grouping: Grouping, teams: Collection[int] | None) -> Grouping:
    """Only the records of ``teams`` keep their group (the others: -1, counted nowhere)."""
    if teams is None:
        return grouping
    wanted = np.array(sorted(teams), dtype=np.int64)

    def only(codes: np.ndarray | stats.Population, team: np.ndarray) -> np.ndarray | stats.Population:
        if isinstance(codes, stats.Population):
            return codes.within(np.isin(team, wanted))
        return np.where(np.isin(team, wanted), codes, -1).astype(np.int32)

    return Grouping(only(grouping.tickets, data.tickets.team), only(grouping.ratings, data.ratings.team),
                    only(grouping.surveys, data.surveys.team), grouping.groups,
                    attached=attached_groups.narrowed_codes(data.attached, grouping.attached, teams))


def _tickets_per_tag(data: KpiData, tagged: stats.Population, span: Span | None,
                     teams: Collection[int] | None) -> np.ndarray:
    """Live tickets (created in ``span``, of ``teams``) in each group of the tickets' memberships ``tagged``."""
    t = data.tickets
    counted = ~t.excluded
    if span is not None:
        counted &= in_span(t.created, span)
    if teams is not None:
        counted &= np.isin(t.team, np.array(sorted(teams), dtype=np.int64))
    return stats.count(tagged, counted, tagged.groups)
