"""Which group each row of the attached sets (reviews, reviewed tickets, replies) counts for.

The same rules as for tickets: by team and agent the row's own team and agent, by channel and
priority its ticket's, by tag once per tag of its ticket (a membership per tag, as for tickets).
Pure: columns in, codes out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

from kpis import stats
from kpis.dataset import AttachedColumns
from kpis.tag_table import RowTags, folded, memberships

#: Per attached set: each row's group (-1: none), or for tags each (row, group) membership.
Codes = dict[str, "np.ndarray | stats.Population"]


def attached_codes(attached: Mapping[str, AttachedColumns], by: str) -> Codes:
    """Each set's group codes for ``by`` overall, team, agent, channel or priority."""
    if by == "overall":
        return {name: np.zeros(len(a), dtype=np.int32) for name, a in attached.items()}
    return {name: getattr(a, by).astype(np.int32) for name, a in attached.items()}


def with_none(codes: Codes, groups: int) -> Codes:
    """Rows in no group (-1) as the group after the last."""
    return {name: np.where(c < 0, groups, c).astype(np.int32) for name, c in codes.items()}


def narrowed_codes(attached: Mapping[str, AttachedColumns], codes: Codes, teams: Collection[int] | None) -> Codes:
    """Only the rows of ``teams`` keep their group (tag memberships: only those rows' entries)."""
    if teams is None:
        return codes
    wanted = np.array(sorted(teams), dtype=np.int64)
    out: Codes = {}
    for name, c in codes.items():
        mine = np.isin(attached[name].team, wanted)
        out[name] = c.within(mine) if isinstance(c, stats.Population) else np.where(mine, c, -1).astype(np.int32)
    return out


def tag_memberships(attached: Mapping[str, AttachedColumns], group_of_tag: Mapping[str, int],
                    remap: np.ndarray | None, groups: int) -> Codes:
    """Each set's rows once in each tag group of their ticket (``group_of_tag``: tag -> group, before
    ``remap`` folds small tags into one; a row is then in the folded group once), in row order, as
    the tickets' tag memberships are (:class:`kpis.stats.Population`)."""
    out: Codes = {}
    for name, a in attached.items():
        tags = a.tags if isinstance(a.tags, RowTags) else RowTags.of(a.tags)
        group_of = np.array([group_of_tag.get(tag, -1) for tag in tags.table.names], dtype=np.int32)
        population = memberships(tags.tagset, tags.table, group_of, groups)
        out[name] = population if remap is None else folded(population, remap, groups)
    return out
