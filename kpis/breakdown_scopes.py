"""The breakdown scopes (channel, priority, tag): which group each ticket, rating and answer is in.

A ticket is in one channel and one priority; ratings and survey answers follow their ticket. A
ticket with three tags is in each of the three tag groups: for ``tag`` the records are repeated
once per tag of their ticket (records without tags are in no tag group), so that every KPI
function works on tags as on any other grouping. Pure: columns in, columns out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import fields, replace

import numpy as np

from kpis import attached as attached_groups
from kpis.breakdown import OTHER_TAGS
from kpis.channels import CHANNELS
from kpis.compute.common import Grouping, Span, in_span
from kpis.dataset import PRIORITIES, BreakdownFacets, Facets, KpiData
from kpis.errors import ConfigError
from kpis.tag_table import TagTable

BREAKDOWN_SCOPES = ("channel", "priority", "tag")
#: The id of the group of records in none of a scope's groups (no channel, no agent...).
NONE_GROUP = "none"


def breakdown_grouping(
    data: KpiData, by: str, teams: Collection[int] | None, *, fold_below: int = 0, span: Span | None = None,
) -> tuple[KpiData, Grouping, list[tuple[str, str]]]:
    """``(data, grouping, labels)`` for ``by``; ``data`` is repeated per tag for ``tag``.

    ``teams``: only records of these team codes count (``--team``). ``fold_below``: tags on fewer
    than this many tickets created in ``span`` share one "other tags" group (tables).
    """
    f = data.facets
    if f is None:
        raise ConfigError(f"--by {by} needs the store's data (channel, priority and tags were not loaded)")
    if by == "channel":
        labels = [(name, name.capitalize()) for name in CHANNELS]
        return data, narrowed(data, _facet_grouping(data, "channel", len(CHANNELS)), teams), labels
    if by == "priority":
        labels = [(name, name.capitalize()) for name in PRIORITIES]
        return data, narrowed(data, _facet_grouping(data, "priority", len(PRIORITIES)), teams), labels
    if by != "tag":
        raise ConfigError(f"unknown breakdown {by!r}; use one of {', '.join(BREAKDOWN_SCOPES)}")
    table = f.tagsets if isinstance(f.tagsets, TagTable) else TagTable.of(f.tagsets)
    # Group codes: the tags that occur, in name order.
    used = np.flatnonzero(np.bincount(table.codes, minlength=len(table.names)) > 0)
    order = sorted(used.tolist(), key=table.names.__getitem__)
    tags = [table.names[code] for code in order]
    group_of = np.full(len(table.names), -1, dtype=np.int32)
    group_of[order] = np.arange(len(order), dtype=np.int32)
    remap = None
    if fold_below > 0:
        counted = _tickets_per_tag(data, table, span, teams)[order]
        kept = counted >= fold_below
        if not kept.all():
            # Kept tags keep their order; every small tag becomes the one "other tags" code.
            remap = np.where(kept, np.cumsum(kept) - 1, int(kept.sum())).astype(np.int32)
            tags = [tag for code, tag in enumerate(tags) if kept[code]] + [OTHER_TAGS]
    exploded, grouping = _by_tag(data, table, group_of, len(tags), remap)
    tag_group = {table.names[code]: int(group_of[code]) for code in order}
    attached, attached_codes = attached_groups.by_tag(data.attached, tag_group, remap)
    exploded = replace(exploded, attached=attached)
    grouping = replace(grouping, attached=attached_codes)
    labels = [(tag, tag) for tag in tags]
    return exploded, narrowed(exploded, grouping, teams), labels


def _facet_grouping(data: KpiData, name: str, groups: int) -> Grouping:
    f = data.facets
    return Grouping(getattr(f.tickets, name), getattr(f.ratings, name), getattr(f.surveys, name), groups,
                    attached=attached_groups.attached_codes(data.attached, name))


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

    def only(codes: np.ndarray, team: np.ndarray) -> np.ndarray:
        return np.where(np.isin(team, wanted), codes, -1).astype(np.int32)

    return Grouping(only(grouping.tickets, data.tickets.team), only(grouping.ratings, data.ratings.team),
                    only(grouping.surveys, data.surveys.team), grouping.groups,
                    attached=attached_groups.narrowed_codes(data.attached, grouping.attached, teams))


def _tickets_per_tag(data: KpiData, table: TagTable, span: Span | None, teams: Collection[int] | None) -> np.ndarray:
    """Live tickets (created in ``span``, of ``teams``) on each tag code of ``table``."""
    t = data.tickets
    counted = ~t.excluded
    if span is not None:
        counted &= in_span(t.created, span)
    if teams is not None:
        counted &= np.isin(t.team, np.array(sorted(teams), dtype=np.int64))
    tagset = data.facets.tickets.tagset
    return table.per_tag(np.bincount(tagset[counted & (tagset >= 0)], minlength=len(table)))


def _repeat(tagset: np.ndarray, table: TagTable, group_of: np.ndarray, remap: np.ndarray | None = None,
            groups: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Row indexes repeated once per tag of their tag set, and the group of each repetition.

    ``remap``: group code -> folded group code (small tags folded); a row then counts once per group."""
    rows, codes = table.repeated(tagset)
    codes = group_of[codes]
    if remap is None or not len(rows):
        return rows, codes
    codes = remap[codes]
    _, first = np.unique(rows.astype(np.int64) * groups + codes, return_index=True)
    return rows[first], codes[first]


def _by_tag(data: KpiData, table: TagTable, group_of: np.ndarray, groups: int,
            remap: np.ndarray | None) -> tuple[KpiData, Grouping]:
    f = data.facets
    t_rows, t_codes = _repeat(f.tickets.tagset, table, group_of, remap, groups)
    r_rows, r_codes = _repeat(f.ratings.tagset, table, group_of, remap, groups)
    s_rows, s_codes = _repeat(f.surveys.tagset, table, group_of, remap, groups)

    def take(columns, rows: np.ndarray):  # noqa: ANN001, ANN202 - any of the column dataclasses
        values = {}
        for field in fields(columns):
            value = getattr(columns, field.name)
            values[field.name] = [value[i] for i in rows.tolist()] if isinstance(value, list) else value[rows]
        return type(columns)(**values)

    def facets(kind: Facets, rows: np.ndarray) -> Facets:
        return Facets(kind.channel[rows], kind.priority[rows], kind.tagset[rows])

    exploded = replace(
        data, tickets=take(data.tickets, t_rows), ratings=take(data.ratings, r_rows),
        surveys=take(data.surveys, s_rows),
        facets=BreakdownFacets(facets(f.tickets, t_rows), facets(f.ratings, r_rows), facets(f.surveys, s_rows),
                               f.tagsets),
    )
    return exploded, Grouping(t_codes.astype(np.int32), r_codes.astype(np.int32), s_codes.astype(np.int32), groups)
