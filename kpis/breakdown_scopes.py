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

from kpis.breakdown import OTHER_TAGS
from kpis.channels import CHANNELS
from kpis.compute.common import Grouping, Span, in_span
from kpis.dataset import PRIORITIES, BreakdownFacets, Facets, KpiData
from kpis.errors import ConfigError

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
        return data, narrowed(data, _facet_grouping(f, "channel", len(CHANNELS)), teams), labels
    if by == "priority":
        labels = [(name, name.capitalize()) for name in PRIORITIES]
        return data, narrowed(data, _facet_grouping(f, "priority", len(PRIORITIES)), teams), labels
    if by != "tag":
        raise ConfigError(f"unknown breakdown {by!r}; use one of {', '.join(BREAKDOWN_SCOPES)}")
    tags = sorted({tag for tagset in f.tagsets for tag in tagset})
    code_of = {tag: code for code, tag in enumerate(tags)}
    members = [[code_of[tag] for tag in tagset] for tagset in f.tagsets]
    remap = None
    if fold_below > 0:
        counted = _tickets_per_tag(data, members, len(tags), span, teams)
        kept = counted >= fold_below
        if not kept.all():
            # Kept tags keep their order; every small tag becomes the one "other tags" code.
            remap = np.where(kept, np.cumsum(kept) - 1, int(kept.sum())).astype(np.int32)
            tags = [tag for code, tag in enumerate(tags) if kept[code]] + [OTHER_TAGS]
    exploded, grouping = _by_tag(data, members, len(tags), remap)
    labels = [(tag, tag) for tag in tags]
    return exploded, narrowed(exploded, grouping, teams), labels


def _facet_grouping(f: BreakdownFacets, name: str, groups: int) -> Grouping:
    return Grouping(getattr(f.tickets, name), getattr(f.ratings, name), getattr(f.surveys, name), groups)


def with_none_group(grouping: Grouping) -> Grouping:
    """The records in no group (-1) as one more group, the last."""
    g = grouping.groups

    def filled(codes: np.ndarray) -> np.ndarray:
        return np.where(codes < 0, g, codes).astype(np.int32)

    return Grouping(filled(grouping.tickets), filled(grouping.ratings), filled(grouping.surveys), g + 1)


def narrowed(data: KpiData, grouping: Grouping, teams: Collection[int] | None) -> Grouping:
    """Only the records of ``teams`` keep their group (the others: -1, counted nowhere)."""
    if teams is None:
        return grouping
    wanted = np.array(sorted(teams), dtype=np.int64)

    def only(codes: np.ndarray, team: np.ndarray) -> np.ndarray:
        return np.where(np.isin(team, wanted), codes, -1).astype(np.int32)

    return Grouping(only(grouping.tickets, data.tickets.team), only(grouping.ratings, data.ratings.team),
                    only(grouping.surveys, data.surveys.team), grouping.groups)


def _tickets_per_tag(data: KpiData, members: list[list[int]], groups: int, span: Span | None,
                     teams: Collection[int] | None) -> np.ndarray:
    t = data.tickets
    counted = ~t.excluded
    if span is not None:
        counted &= in_span(t.created, span)
    if teams is not None:
        counted &= np.isin(t.team, np.array(sorted(teams), dtype=np.int64))
    per_set = np.bincount(data.facets.tickets.tagset[counted & (data.facets.tickets.tagset >= 0)],
                          minlength=len(members))
    counts = np.zeros(groups, dtype=np.int64)
    for tagset, n in enumerate(per_set.tolist()):
        for code in members[tagset]:
            counts[code] += n
    return counts


def _repeat(tagset: np.ndarray, members: list[list[int]], remap: np.ndarray | None = None,
            groups: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Row indexes repeated once per tag of their tag set, and the tag of each repetition.

    ``remap``: tag code -> group code (small tags folded); a row then counts once per group."""
    rows, codes = _repeat_all(tagset, members)
    if remap is None or not len(rows):
        return rows, codes
    codes = remap[codes]
    _, first = np.unique(rows.astype(np.int64) * groups + codes, return_index=True)
    return rows[first], codes[first]


def _repeat_all(tagset: np.ndarray, members: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    sizes = np.array([len(m) for m in members] + [0], dtype=np.int64)  # -1 (no tags) indexes the 0
    starts = np.concatenate([[0], np.cumsum(sizes[:-1])]).astype(np.int64)
    flat = np.array([code for m in members for code in m], dtype=np.int32)
    lengths = sizes[tagset]
    rows = np.repeat(np.arange(len(tagset)), lengths)
    first_out = np.cumsum(lengths) - lengths  # where each row's repetitions start
    position = np.arange(len(rows)) - np.repeat(first_out, lengths)
    return rows, flat[starts[tagset[rows]] + position] if len(rows) else np.zeros(0, np.int32)


def _by_tag(data: KpiData, members: list[list[int]], groups: int,
            remap: np.ndarray | None) -> tuple[KpiData, Grouping]:
    f = data.facets
    t_rows, t_codes = _repeat(f.tickets.tagset, members, remap, groups)
    r_rows, r_codes = _repeat(f.ratings.tagset, members, remap, groups)
    s_rows, s_codes = _repeat(f.surveys.tagset, members, remap, groups)

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
