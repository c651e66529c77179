"""`/kpi why csat [team|all] [period] [by channel]` and `/kpi csat by channel`.

``why`` explains a KPI's change against the previous window by the groups of one dimension
(``kpis.explain``): the top groups of the dimension that explains most of it, or of the one
asked with ``by``. ``KPI by DIMENSION`` lists the KPI's breakdown. Access: agent-level lines
(``by agent``, and agent groups in ``why``) only for the team's leads and the admins; everyone
else who may see the team's numbers gets the other dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from kpis.catalogue import HEADLINE, KPIS
from kpis.errors import ConfigError
from kpis.explain import DIMENSIONS, Explanation, best_explanation
from notifiers.backlog_grid import backlog_grid
from notifiers.fitting import Lines
from notifiers.kpi_blocks import compact_line
from notifiers.mrkdwn import escape
from notifiers.slash import answer_blocks as blocks
from notifiers.slash.access import AgentDetail, Allowed, Caller, TeamNumbers, decide
from notifiers.slash.parsed import Period, Scope, Target, Usage
from notifiers.why_lines import headline, why_lines

if TYPE_CHECKING:
    from notifiers.slash.answers import KpiCommands

#: Groups listed in a `why` answer.
TOP_GROUPS = 5
DEFAULT_WHY_KPI = "csat"


@dataclass(frozen=True)
class WhyQuery:
    target: Target
    key: str = DEFAULT_WHY_KPI
    period: Period = Period()
    by: str | None = None
    public: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)


@dataclass(frozen=True)
class BreakdownQuery:
    target: Target
    keys: tuple[str, ...]
    by: str
    period: Period = Period()
    public: bool = False


def dimension_after(tokens: list[str], i: int) -> str | Usage:
    """The dimension named after ``by`` at ``i``."""
    word = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
    if word.endswith("s") and word[:-1] in DIMENSIONS:
        word = word[:-1]  # "by channels", "by tags"
    if word not in DIMENSIONS:
        return Usage(f"`by` takes one of {', '.join(DIMENSIONS)}.", "For example `/kpi why csat by channel`.")
    return word


def finish(target: Target, keys: list[str], period: Period, by: str | None, why: bool,
           public: bool) -> WhyQuery | BreakdownQuery | Usage:
    """The query of a command with `why` or `by` (the grammar's other words already read)."""
    if target.scope in (Scope.AGENT, Scope.ME):
        return Usage("`why` and `by` look at a team or all teams, not one agent.",
                     "Try `/kpi why csat` or `/kpi why csat all`.")
    if why:
        if len(keys) > 1:
            return Usage("`why` explains one KPI at a time.", f"Try `/kpi why {keys[0]}`.")
        return WhyQuery(target, keys[0] if keys else DEFAULT_WHY_KPI, period, by, public)
    if "low_rated" in keys:
        return Usage("The low-rated list has no breakdown.", "Try `/kpi csat by channel`.")
    return BreakdownQuery(target, tuple(keys) or HEADLINE, by or "channel", period, public)


def answer(commands: KpiCommands, query: WhyQuery | BreakdownQuery, caller: Caller) -> blocks.Answer:
    window = query.period.window(now=commands.clock(), zone=commands.zone)
    snapshot = commands.snapshots.snapshot(window)
    caller, agents = commands.identified(caller, snapshot)
    team = None
    if query.target.scope is Scope.OWN_TEAM:
        team = commands.own_team(caller, agents)
        if team is None:
            return blocks.message("I don't know which team is yours. Ask for one by name, "
                                  "e.g. `/kpi why csat team billing`.")
    elif query.target.scope is Scope.TEAM:
        team = query.target.team
    decision = commands.decide_for(caller, TeamNumbers(team), query)
    if isinstance(decision, blocks.Answer):
        return decision
    agent_access = decide(commands.policy, caller, AgentDetail(None, team, what="agent-level lines"))
    agent_ok = isinstance(agent_access, Allowed)
    if query.by == "agent" and not agent_ok:
        return blocks.message(agent_access.message)
    public, note = commands.publicity(query, decision)
    if isinstance(query, BreakdownQuery):
        return _breakdown(snapshot, query, team, public, note)
    # Without `by`: every dimension the caller may see (one team's "by team" says nothing).
    dims = [query.by] if query.by else [d for d in DIMENSIONS
                                        if (d != "agent" or agent_ok) and (d != "team" or team is None)]
    try:
        found = [snapshot.explanation(query.key, dim, team) for dim in dims]
    except ConfigError:
        return _no_numbers(team, window.label())
    best = best_explanation(found) or found[0]
    others = [d for d in dims if d != best.dimension] if not query.by else []
    return _why_answer(best, team, query, others, public, note)


def _why_answer(e: Explanation, team: str | None, query: WhyQuery, others: list[str], public: bool,
                note: str | None) -> blocks.Answer:
    where = escape(team) if team else "All teams"
    title = f"Why {e.spec.label} moved · {team or 'All teams'} · {query.period.text()}"
    if e.nothing is not None:
        return blocks.message(f"{where}: nothing to explain, {e.nothing}.", public=public)
    summary = f"*{headline(e)}*, by {e.dimension}"
    lines = why_lines(e, TOP_GROUPS) or ["_No group moved._"]
    overlap = "_Effects overlap or are medians: they need not add up to the change._"
    extra = [] if e.decomposition.additive else [overlap]
    if others:
        extra.append("Other views: " + ", ".join(f"`/kpi why {e.kpi} by {d}`" for d in others))
    body = [SectionBlock(text=MarkdownTextObject(text=text)) for text in (summary, "\n".join(lines))]
    context = [ContextBlock(elements=[MarkdownTextObject(text=" · ".join(extra))])] if extra else []
    heading = blocks.heading(title, e.window, e.previous_window, note)
    return blocks.fitted(f"{escape(title)}: {headline(e)}", [*heading, *body, *context], public=public)


def _breakdown(snapshot, query: BreakdownQuery, team: str | None, public: bool,  # noqa: ANN001 - a Snapshot
               note: str | None) -> blocks.Answer:
    try:
        report = snapshot.breakdown(query.by, team, query.keys)
    except ConfigError:
        return _no_numbers(team, snapshot.window.label())
    lines = [compact_line(row, query.keys) for row in report.rows] or [f"_No {query.by} has data in this window._"]
    labels = ", ".join(KPIS[k].label for k in query.keys[:3])
    title = f"{labels} by {query.by} · {team or 'All teams'} · {query.period.text()}"
    heading = blocks.heading(title, report.window, report.previous_window, note)
    return blocks.fitted(f"{escape(title)}: {len(report.rows)} rows", [*heading, Lines(lines, noun=f"more {query.by} rows")],
                         public=public)


def _no_numbers(team: str | None, days: str) -> blocks.Answer:
    return blocks.message(f"No numbers for {escape(team or 'all teams')} in {days} yet.")


def with_backlog_grid(answer_: blocks.Answer, snapshot, keys: tuple[str, ...],  # noqa: ANN001 - a Snapshot
                      team: str | None) -> blocks.Answer:
    """`/kpi backlog` alone: the answer plus the team's backlog by priority and age."""
    if tuple(keys) != ("backlog",):
        return answer_
    grid = backlog_grid(snapshot.breakdown("priority", team, keys).rows)
    if grid is None:
        return answer_
    return replace(answer_, blocks=(*answer_.blocks, SectionBlock(text=MarkdownTextObject(text=grid))))
