"""The weekly "Quality" block of the leads' overall digest: review coverage, QA score, and the two
agents whose scorecard moved most.

Once a week: in the digest reporting on a Sunday (posted on Monday morning), over that ISO week
(Monday to Sunday), against the week before. Only in the leads' digest: scorecards are agent-level
detail, which team channels never show. Nothing when the helpdesk has no reviews and no scorecard moved.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kpis.dataset import KpiData
from kpis.engine import KpiConfig, compute_report
from kpis.format import change_text, value_text
from kpis.scorecard import TREND_WINDOWS, ScorecardConfig, most_moved, scorecards
from kpis.windows import Window
from notifiers.mrkdwn import escape

SUNDAY = 6
#: Days of data the block reads before its day: the four weeks of the scorecards' trend.
DAYS_NEEDED = 7 * TREND_WINDOWS


def is_quality_day(day: date) -> bool:
    return day.weekday() == SUNDAY


def quality_lines(data: KpiData, day: date, zone: ZoneInfo, *, now: datetime, config: KpiConfig,
                  scorecard: ScorecardConfig) -> list[str]:
    """mrkdwn lines of the block for the week ending with ``day`` (names escaped); [] when there is nothing."""
    week = Window(day - timedelta(days=6), day + timedelta(days=1), zone)
    overall = compute_report(data, week, now=now, by="overall", config=config).rows[0].metrics
    coverage, qa = overall["review_coverage"], overall["qa_score"]
    windows = [week]
    while len(windows) < TREND_WINDOWS:
        windows.insert(0, windows[0].previous())
    cards = scorecards([compute_report(data, w, now=now, by="agent", config=config) for w in windows], scorecard)
    moved = most_moved(cards)
    if not qa.n and not moved:
        return []
    lines = [f"*Quality this week* · review coverage {value_text(coverage)} ({change_text(coverage)}) · "
             f"QA score {value_text(qa)} (n={qa.n or 0}, {change_text(qa)})"]
    for card in moved:
        team = f" ({escape(card.team)})" if card.team else ""
        before = card.trend[-2]
        lines.append(f"• scorecard of *{escape(card.name)}*{team}: {before:.0f} → {card.score:.0f} "
                     f"({card.moved:+.0f})")
    return lines
