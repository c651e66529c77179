"""What the digest says drove each headline KPI's move, and its channel and priority breakdowns.

A line appears under a KPI only when its move is beyond noise (``Explanation.beyond_noise``),
naming the groups of the dimension that explains most of it. Agent groups follow `/kpi`'s
rule: a team digest goes to that team's channel, which already gets the per-agent lines in its
thread; the leads' digest (every team) names no agent, since a lead sees only their own team's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kpis.catalogue import KPIS, Kind
from kpis.dataset import KpiData
from kpis.engine import KpiConfig, compute_report
from kpis.explain import DIMENSIONS, NOT_DECOMPOSABLE, best_explanation, explain_change
from kpis.results import ScopeRow
from kpis.windows import Window
from notifiers.why_lines import digest_line

#: The thread's breakdowns beside the per-agent (per-team) lines.
THREAD_BREAKDOWNS = ("channel", "priority")


def driver_lines(data: KpiData, window: Window, *, now: datetime, config: KpiConfig, team: str | None,
                 keys: Sequence[str]) -> list[str]:
    dims = [d for d in DIMENSIONS if d != ("team" if team is not None else "agent")]
    lines = []
    for key in keys:
        if key in NOT_DECOMPOSABLE or KPIS[key].kind is Kind.LIST:
            continue
        first = explain_change(data, window, now=now, kpi=key, by=dims[0], team=team, config=config)
        if not first.beyond_noise:
            continue
        found = [first] + [explain_change(data, window, now=now, kpi=key, by=dim, team=team, config=config)
                           for dim in dims[1:]]
        best = best_explanation(found)
        line = digest_line(best, KPIS[key].label) if best is not None else None
        if line is not None:
            lines.append(line)
    return lines


def thread_breakdowns(data: KpiData, window: Window, *, now: datetime, config: KpiConfig,
                      team: str | None) -> tuple[tuple[str, tuple[ScopeRow, ...]], ...]:
    return tuple((by, compute_report(data, window, now=now, by=by, team=team, config=config).rows)
                 for by in THREAD_BREAKDOWNS)
