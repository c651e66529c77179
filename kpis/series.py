"""Series of a KPI: one engine report per local day (or per week or month), for charts.

Every point is computed by :func:`kpis.engine.compute_report` over its own window, so a chart
shows exactly what ``report --from D --to D`` would print for each day (or week, or month).
Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kpis.dataset import KpiData
from kpis.engine import KpiConfig, compute_report
from kpis.results import MetricValue, Report
from kpis.windows import Window


@dataclass(frozen=True)
class PeriodReports:
    """One report per period; ``days``: the first day of each (the day itself for daily series)."""

    days: tuple[date, ...]
    reports: tuple[Report, ...]

    def series(self, row_id: str, key: str) -> list[MetricValue | None]:
        """The KPI ``key`` of the row ``row_id`` in each period (``None`` where the row is absent)."""
        out: list[MetricValue | None] = []
        for report in self.reports:
            row = next((r for r in report.rows if r.id == row_id), None)
            out.append(None if row is None else row.metrics[key])
        return out


#: Daily series are period series whose periods are single days.
DailyReports = PeriodReports


def period_reports(
    data: KpiData, windows: Sequence[Window], *, now: datetime, by: str = "team", config: KpiConfig | None = None
) -> PeriodReports:
    """Reports of each window in ``windows`` (oldest first); ``data`` must cover them."""
    reports = tuple(compute_report(data, window, now=now, by=by, config=config) for window in windows)
    return PeriodReports(days=tuple(w.first_day for w in windows), reports=reports)


def daily_reports(
    data: KpiData,
    first_day: date,
    last_day: date,
    zone: ZoneInfo,
    *,
    now: datetime,
    by: str = "team",
    config: KpiConfig | None = None,
) -> PeriodReports:
    """Reports of each single local day in ``[first_day, last_day]``; ``data`` must cover them."""
    days = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    return period_reports(data, [Window(day, day + timedelta(days=1), zone) for day in days], now=now, by=by,
                          config=config)


def rolling_reports(
    data: KpiData,
    first_day: date,
    last_day: date,
    zone: ZoneInfo,
    *,
    width: int = 7,
    now: datetime,
    by: str = "team",
    config: KpiConfig | None = None,
) -> PeriodReports:
    """For each local day in ``[first_day, last_day]``, the report of the ``width`` days ending with
    it: a rate over a week's ratings, not one day's handful. ``days``: the day each window ends."""
    ends = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    windows = [Window(end - timedelta(days=width - 1), end + timedelta(days=1), zone) for end in ends]
    return PeriodReports(days=tuple(ends), reports=period_reports(data, windows, now=now, by=by, config=config).reports)
