"""Which group each row of the attached sets (reviews, reviewed tickets, replies) counts for.

The same rules as for tickets: by team and agent the row's own team and agent, by channel and
priority its ticket's, by tag once per tag of its ticket. Pure: columns in, codes out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

from kpis.dataset import AttachedColumns

Codes = dict[str, np.ndarray]


def attached_codes(attached: Mapping[str, AttachedColumns], by: str) -> Codes:
    """Each set's group codes for ``by`` overall, team, agent, channel or priority."""
    if by == "overall":
        return {name: np.zeros(len(a), dtype=np.int32) for name, a in attached.items()}
    return {name: getattr(a, by).astype(np.int32) for name, a in attached.items()}


def with_none(codes: Codes, groups: int) -> Codes:
    """Rows in no group (-1) as the group after the last."""
    return {name: np.where(c < 0, groups, c).astype(np.int32) for name, c in codes.items()}


def narrowed_codes(attached: Mapping[str, AttachedColumns], codes: Codes, teams: Collection[int] | None) -> Codes:
    """Only the rows of ``teams`` keep their group."""
    if teams is None:
        return codes
    wanted = np.array(sorted(teams), dtype=np.int64)
    return {name: np.where(np.isin(attached[name].team, wanted), c, -1).astype(np.int32) for name, c in codes.items()}


def by_tag(attached: Mapping[str, AttachedColumns], group_of_tag: Mapping[str, int],
           remap: np.ndarray | None) -> tuple[dict[str, AttachedColumns], Codes]:
    """Each set's rows repeated once per tag of their ticket (``group_of_tag``: tag -> group, before
    ``remap`` folds small tags into one; a row then counts once in the folded group)."""
    exploded, codes = {}, {}
    for name, a in attached.items():
        pairs = {(row, group if remap is None else int(remap[group]))
                 for row, tags in enumerate(a.tags) for tag in tags if (group := group_of_tag.get(tag)) is not None}
        ordered = sorted(pairs)
        rows = np.array([row for row, _ in ordered], dtype=np.int64)
        exploded[name] = a.take(rows)
        codes[name] = np.array([group for _, group in ordered], dtype=np.int32)
    return exploded, codes
