"""The answer to `/kpi comments`: what a team's rating comments say (their themes), or the comments
of one theme, newest first, a page at a time.

Privacy follows `/kpi` (:mod:`notifiers.slash.access`): themes and comments are team-level (anyone
in an allowed channel); the agents a theme comes from are agent-level detail, shown only to the
team's leads and the admins, and never posted to a channel. Every text from customers, agents or
the command is escaped (:func:`notifiers.mrkdwn.escape`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kpis.themes.report import CommentThemes, RatedComment, ThemeSummary
from kpis.windows import Window
from notifiers.mrkdwn import escape, link, shorten
from notifiers.slash import answer_blocks as blocks
from notifiers.slash.access import AgentDetail, Allowed, Caller, TeamNumbers, decide
from notifiers.slash.answer_blocks import Answer
from notifiers.slash.parsed import CommentsQuery, Scope

if TYPE_CHECKING:
    from notifiers.slash.answers import KpiCommands

#: The themes of a window: (window, team name or None for everyone, low ratings only).
ThemeSource = Callable[[Window, "str | None", bool], CommentThemes]
PAGE = 10
THEMES_LISTED = 10
COMMENT_CHARS = 300


def comments_answer(commands: KpiCommands, query: CommentsQuery, caller: Caller, team: str | None) -> Answer:
    """``team``: the team asked about (already resolved from ``query``); ``None`` for every team."""
    if commands.themes is None:
        return blocks.message("Comment themes aren't available on this server.")
    team_numbers = commands.decide_for(caller, TeamNumbers(team), query)
    if isinstance(team_numbers, Answer):
        return team_numbers
    # Agent names: the team's leads and the admins only (every team's: the admins).
    show_agents = isinstance(decide(commands.policy, caller, AgentDetail(None, team)), Allowed)
    public, note = commands.publicity(query, team_numbers)
    if public:
        show_agents = False  # agent names never go to a channel
    window = query.period.window(now=commands.clock(), zone=commands.zone)
    themes = commands.themes(window, team, query.low)
    who = team or "All teams"
    which = "low-rating comments" if query.low else "comments"
    if query.phrase is not None:
        return _phrase_answer(themes, query, who, which, show_agents, public)
    title = f"What customers said · {who} · {query.period.text()}" + (" · low ratings" if query.low else "")
    lines = [_summary_line(themes, which, window)]
    lines += [_theme_line(t, show_agents) for t in themes.themes[:THEMES_LISTED]]
    if themes.themes:
        lines.append(f'_One theme\'s comments:_ `/kpi comments "{escape(themes.themes[0].label)}"`')
    if note or (not show_agents and themes.themes):
        lines.append("_" + (note or "agent names are shown to the team's leads and the admins") + "_")
    return blocks.list_answer(title, lines, public=public, empty="")


def _summary_line(themes: CommentThemes, which: str, window: Window) -> str:
    if not themes.comments:
        return f"No {which} in {window.label()}."
    line = (f"{themes.comments:,} {which} in {window.label()}: {themes.uncategorised:,} without a theme, "
            f"{themes.other_languages:,} in other languages")
    if not themes.themes:
        line += ". Too few comments to find themes in (10 with content per language are needed)."
    return line


def _theme_line(theme: ThemeSummary, show_agents: bool) -> str:
    change = "as before" if theme.count == theme.previous_count else f"{theme.previous_count:,} before"
    parts = [f"• *{escape(shorten(theme.label, 80))}* ({theme.language}): {theme.count:,}, {change}",
             f"{theme.low_rated:,} low", f"CSAT {theme.csat:.0f}%"]
    if theme.tags:
        parts.append("tags " + ", ".join(f"{escape(tag)} {count}" for tag, count in theme.tags[:3]))
    if show_agents and theme.agents:
        parts.append("agents " + ", ".join(f"{escape(name)} {count}" for _, name, count in theme.agents[:3]))
    return " · ".join(parts)


def _phrase_answer(themes: CommentThemes, query: CommentsQuery, who: str, which: str, show_agents: bool,
                   public: bool) -> Answer:
    phrase = query.phrase or ""
    theme = themes.named(phrase)
    if theme is not None:
        found, heading = theme.comments, f"“{shorten(theme.label, 60)}”"
    else:
        # No theme of that name: the comments that say it, newest first.
        key = phrase.lower()
        everything = sorted((c for t in themes.themes for c in t.comments), key=lambda c: (c.rated_at, c.id),
                            reverse=True)
        found, heading = tuple(c for c in everything if key in c.text.lower()), f"containing “{shorten(phrase, 60)}”"
    pages = max(1, -(-len(found) // PAGE))
    page = min(query.page, pages)
    shown = found[(page - 1) * PAGE: page * PAGE]
    title = f"{who}: {which} {heading} · {query.period.text()}"
    lines = [f"{len(found):,} comments, newest first · page {page} of {pages}"]
    lines += [_comment_line(c, show_agents) for c in shown]
    if page < pages:
        lines.append(f'_Next:_ `/kpi comments "{escape(phrase)}" page {page + 1}`')
    empty = f"No theme or comment matches “{escape(phrase)}”."
    return blocks.list_answer(title, lines if found else [], public=public, empty=empty)


def _comment_line(comment: RatedComment, show_agents: bool) -> str:
    ticket = f"#{comment.ticket_id}" if comment.ticket_id else "a ticket"
    parts = [f"• {link(comment.url, ticket)}", comment.rated_at.date().isoformat()]
    if comment.score_raw:
        parts.append(f"rated {escape(comment.score_raw)}")
    if show_agents and comment.agent_name:
        parts.append(escape(comment.agent_name))
    return " · ".join(parts) + f"\n> {escape(shorten(comment.text, COMMENT_CHARS))}"


def asked_team(commands: KpiCommands, query: CommentsQuery, own_team: Callable[[], str | None]) -> str | None | Answer:
    """The team a comments question is about; ``None``: every team; an Answer when it is unclear."""
    if query.target.scope is Scope.ALL:
        return None
    if query.target.scope is Scope.TEAM:
        return query.target.team
    team = own_team()
    if team is None:
        example = commands.team_names[0] if commands.team_names else "billing"
        return blocks.message(f"I don't know which team is yours. Ask for one by name, e.g. `/kpi comments team "
                              f"{escape(example)}` (`/kpi teams` lists them).")
    return team
