"""Daily series of a KPI: one engine report per local day, for charts.

Every point is computed by :func:`kpis.engine.compute_report` over a one-day window, so a chart
shows exactly what ``report --from D --to D`` would print for each day. Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kpis.dataset import KpiData
from kpis.engine import KpiConfig, compute_report
from kpis.results import MetricValue, Report
from kpis.windows import Window


@dataclass(frozen=True)
class DailyReports:
    """One report per day from ``first_day`` to ``last_day`` (both inclusive)."""

    days: tuple[date, ...]
    reports: tuple[Report, ...]

    def series(self, row_id: str, key: str) -> list[MetricValue | None]:
        """The KPI ``key`` of the row ``row_id`` on each day (``None`` where the row is absent)."""
        out: list[MetricValue | None] = []
        for report in self.reports:
            row = next((r for r in report.rows if r.id == row_id), None)
            out.append(None if row is None else row.metrics[key])
        return out


def daily_reports(
    data: KpiData,
    first_day: date,
    last_day: date,
    zone: ZoneInfo,
    *,
    now: datetime,
    by: str = "team",
    config: KpiConfig | None = None,
) -> DailyReports:
    """Reports of each single local day in ``[first_day, last_day]``; ``data`` must cover them."""
    days = tuple(first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1))
    reports = tuple(
        compute_report(data, Window(day, day + timedelta(days=1), zone), now=now, by=by, config=config) for day in days
    )
    return DailyReports(days=days, reports=reports)
