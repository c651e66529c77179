"""The `report --themes` wiring: a window's rating comments from the store, grouped into themes,
shown as a table or as JSON (contract: docs/themes.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.table import Table
from rich.text import Text

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs.report import choose_window
from helpdesk_kpis.jobs.teams import helpdesk_team_ids
from helpdesk_kpis.settings.models import FileConfig
from kpis.query import load_directory
from kpis.rated_comments import load_rated_comments
from kpis.store import Store
from kpis.themes.report import CommentThemes, comment_themes
from kpis.windows import Window

#: Agents and tags named per theme in the table (JSON lists them all).
TABLE_NAMES = 2


@dataclass(frozen=True)
class ThemesReport:
    window: Window
    previous_window: Window
    themes: CommentThemes
    team: str | None = None
    low_only: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"window": self.window.as_json(), "previous_window": self.previous_window.as_json(),
                "team": self.team, "low_only": self.low_only, **self.themes.as_json()}


def window_themes(
    store: Store, config: FileConfig, window: Window, *, team: str | None = None, low_only: bool = False
) -> ThemesReport:
    """The themes of ``window`` (one team's, or everyone's), counted against the window before."""
    team_ids = set(helpdesk_team_ids(load_directory(store), config, team)) if team is not None else None
    previous = window.previous()
    comments = load_rated_comments(store, previous.start, window.end, team_ids=team_ids)
    start = window.start
    current = [c for c in comments if c.rated_at >= start]
    earlier = [c for c in comments if c.rated_at < start]
    return ThemesReport(window, previous, comment_themes(current, earlier, low_only=low_only), team, low_only)


def build_themes_report(
    ctx: AppContext, *, period: str, first: str | None, last: str | None, team: str | None, low_only: bool,
    now: datetime,
) -> ThemesReport:
    config = ctx.settings().config
    window = choose_window(period, first, last, now=now, zone=config.reporting.zone)
    return window_themes(ctx.store(), config, window, team=team, low_only=low_only)


def themes_table(report: ThemesReport) -> Table:
    """One row per theme; customer text goes in as ``Text`` so that "[b]" in a comment is no markup."""
    t = report.themes
    which = "low-rated comments" if report.low_only else "comments"
    title = f"Themes in {which}, {report.window.label()}" + (f", {report.team}" if report.team else "")
    caption = (f"{t.comments:,} {which}: {t.comments - t.uncategorised - t.other_languages:,} in themes, "
               f"{t.uncategorised:,} uncategorised, {t.other_languages:,} in other languages; "
               f"Before: the same themes in {report.previous_window.label()}")
    table = Table(title=title, caption=caption, title_justify="left", caption_justify="left", padding=(0, 1))
    for name, justify in (("Theme", "left"), ("Lang", "left"), ("Now", "right"), ("Before", "right"),
                          ("Low", "right"), ("CSAT", "right"), ("Agents", "left"), ("Tags", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for theme in t.themes:
        agents = ", ".join(f"{name} {count}" for _, name, count in theme.agents[:TABLE_NAMES])
        tags = ", ".join(f"{tag} {count}" for tag, count in theme.tags[:TABLE_NAMES])
        table.add_row(Text(theme.label), theme.language, f"{theme.count:,}", f"{theme.previous_count:,}",
                      f"{theme.low_rated:,}", f"{theme.csat:.0f}%", Text(agents), Text(tags))
    return table


def empty_line(report: ThemesReport) -> str | None:
    """What to say instead of a table with no themes; None when there are themes."""
    t = report.themes
    if t.themes:
        return None
    if not t.comments:
        return f"No rating comments in {report.window.label()}; run `helpdesk-kpis sync` first?"
    return (f"Too few comments to find themes in {report.window.label()}: {t.comments:,} comments, "
            f"{t.uncategorised:,} without content or in a language with under 10, "
            f"{t.other_languages:,} in other languages.")
