"""The digest's "What customers said" section: the top themes among the window's low ratings,
each with its count and the change against the window before ("refund not processed: 57, up
from 12"), and its newest comment. It stands in for the list of newest low ratings when there
are more of them than the list shows; small teams keep the list."""

from __future__ import annotations

from kpis.themes.report import CommentThemes, ThemeSummary
from kpis.windows import Window
from notifiers.fitting import fit_lines
from notifiers.mrkdwn import escape, shorten
from notifiers.when import span_text

TOP_THEMES = 3
QUOTE_CHARS = 160


def shows_themes(themes: CommentThemes | None, low_ratings: int, list_limit: int) -> bool:
    """Themes replace the list when the list cannot show every low rating and themes were found
    (``low_rated = 0`` leaves low ratings out of the digest, themes too)."""
    return themes is not None and bool(themes.themes) and 0 < list_limit < low_ratings


def change_words(count: int, previous: int) -> str:
    """"up from 12", "down from 20", "as before" (the count of the window before)."""
    if count == previous:
        return "as before"
    return f"{'up' if count > previous else 'down'} from {previous:,}"


def theme_line(theme: ThemeSummary) -> str:
    line = f"• *{escape(shorten(theme.label, 80))}*: {theme.count:,}, {change_words(theme.count, theme.previous_count)}"
    if theme.comments:
        line += f"\n> {escape(shorten(theme.comments[0].text, QUOTE_CHARS))}"
    return line


def themes_text(themes: CommentThemes, window: Window, limit: int, team: str | None = None) -> str:
    head = (f"*What customers said* · themes of {themes.comments:,} low-rating comments in {span_text(window)}, "
            f"against the {window.days} days before\n")
    lines = [theme_line(t) for t in themes.themes[:TOP_THEMES]]
    text = fit_lines(lines, limit, head=head, noun="more themes")
    rest = len(themes.themes) - TOP_THEMES
    command = escape(f"/kpi comments {team or 'all'} low")
    tail = f"\n_{rest} more theme{'s' if rest != 1 else ''}:_ `{command}`" if rest > 0 else ""
    return text + tail if len(text) + len(tail) <= limit else text
