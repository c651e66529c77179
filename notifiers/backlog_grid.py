"""Backlog by priority and age, as a small fixed-width grid (digest message, `/kpi backlog`).

The rows are the ``priority`` scope's rows; each carries its backlog split by age.
"""

from __future__ import annotations

from collections.abc import Sequence

from kpis.catalogue import BACKLOG_AGES
from kpis.results import ScopeRow
from notifiers.mrkdwn import escape


def backlog_grid(rows: Sequence[ScopeRow]) -> str | None:
    """"*Backlog by priority and age*" and a code block; None when nothing is open."""
    counted = [(row.name, row.metrics["backlog"].splits.get("by_age", {})) for row in rows if "backlog" in row.metrics]
    counted = [(name, ages) for name, ages in counted if sum(ages.values())]
    if not counted:
        return None
    width = max(len(name) for name, _ in counted)
    head = " " * width + "".join(f"{age:>6}" for age in BACKLOG_AGES)
    lines = [name.ljust(width) + "".join(f"{ages.get(age, 0):>6,}" for age in BACKLOG_AGES) for name, ages in counted]
    # Inside a code block mrkdwn is not interpreted, but &, < and > still need escaping.
    return "*Backlog by priority and age*\n```" + escape("\n".join([head, *lines])) + "```"
