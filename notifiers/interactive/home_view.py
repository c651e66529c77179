"""The App Home of one Slack user: what their role lets them see, for the period and breakdown they chose.

Every section is a `/kpi` answer (:meth:`KpiCommands.answer`, the same words a user could type),
so the Home applies `/kpi`'s access rules and formatting and adds none of its own: a lead sees
their team(s), an agent their own numbers and their team's, an admin any team or all of them
(a team picker), anyone else what they can ask, and no numbers. A section the rules refuse (an
agent asking for a breakdown by agent) shows `/kpi`'s polite refusal.

The view is checked with slack-sdk's :class:`~slack_sdk.models.views.View` (type ``home``) and
kept within Slack's 100 blocks: https://docs.slack.dev/reference/views/home-tab-views
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    ImageBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from notifiers.chart import Chart
from notifiers.interactive.home_store import HomeState
from notifiers.mrkdwn import shorten
from notifiers.slash.access import Caller, is_admin, leads
from notifiers.slash.answers import KpiCommands
from notifiers.slash.command import Command
from notifiers.slash.grammar import HELP

#: The period picker's choices: `/kpi` period words and their labels.
PERIODS = {"7d": "Last 7 days", "30d": "Last 30 days", "this-month": "This month"}
#: The breakdown picker's choices (`/kpi ... by <dimension>`); agents get no "by agent".
DIMENSIONS = {"channel": "By channel", "priority": "By priority", "agent": "By agent"}
#: The team picker's value for every team at once (admins).
ALL_TEAMS = "*"
PERIOD_ACTION, DIMENSION_ACTION, TEAM_ACTION = "home_period", "home_dimension", "home_team"
#: Slack's limit on a Home view: https://docs.slack.dev/reference/views/home-tab-views
MAX_HOME_BLOCKS = 100
#: The themes are the week's, whatever the period picked.
THEMES_PERIOD = "7d"


@dataclass(frozen=True)
class HomeRole:
    kind: str  # admin | lead | agent | stranger
    #: The teams the picker offers (admins: every team; leads: theirs), or the agent's team.
    teams: tuple[str, ...] = ()

    @property
    def dimensions(self) -> dict[str, str]:
        return DIMENSIONS if self.kind in ("admin", "lead") else {k: v for k, v in DIMENSIONS.items() if k != "agent"}


def role_of(commands: KpiCommands, caller: Caller) -> HomeRole:
    if is_admin(commands.policy, caller):
        return HomeRole("admin", tuple(commands.team_names))
    led = leads(commands.policy, caller)
    if led:
        return HomeRole("lead", tuple(led))
    if caller.agent_id is not None:
        return HomeRole("agent", (caller.agent_team,) if caller.agent_team else ())
    return HomeRole("stranger")


@dataclass(frozen=True)
class HomePage:
    """A Home before its chart is placed: the chart comes from a file uploaded apart."""

    user_id: str
    top: tuple[Block, ...]
    rest: tuple[Block, ...]
    #: The chart freshly drawn (only when asked for), and what it shows.
    chart: Chart | None = None
    chart_title: str | None = None

    def view(self, chart_file_id: str | None) -> View:
        """The view, with the chart file's image when there is one; validated by slack-sdk."""
        image: list[Block] = []
        if chart_file_id and self.chart_title:
            image = [ImageBlock(slack_file={"id": chart_file_id}, alt_text=shorten(self.chart_title, 2000),
                                title=PlainTextObject(text=shorten(self.chart_title, 2000)))]
        blocks = _within_limit([*self.top, *image, *self.rest])
        view = View(type="home", callback_id="kpi_home", blocks=blocks)
        view.validate_json()
        return view


def home_page(commands: KpiCommands, state: HomeState, *, now: datetime, with_chart: bool) -> HomePage:
    """``state``'s Home as of ``now``; ``with_chart``: draw the chart (else the last upload is reused)."""
    caller = commands.caller_for(state.user_id)
    role = role_of(commands, caller)
    if role.kind == "stranger":
        return HomePage(state.user_id, tuple(_stranger()), ())
    period = state.period if state.period in PERIODS else "7d"
    dimension = state.dimension if state.dimension in role.dimensions else "channel"
    team = _team(role, state.team)
    top: list[Block] = [
        HeaderBlock(text=PlainTextObject(text="Support KPIs")),
        _pickers(role, period, dimension, team),
        ContextBlock(elements=[MarkdownTextObject(text=_updated(now, commands) + " · the same numbers as `/kpi`")]),
    ]
    ask = _asker(commands, state.user_id)
    words = period
    if role.kind == "agent":
        sections = [ask(f"me {words}")]
        if team is not None:  # no breaches: `/kpi breaches` shows an agent those in the KPI channels only
            sections += [ask(f"team {team} {words}"), ask(f"team {team} {words} by {dimension}"),
                         *_themes(commands, ask, f"team {team}")]
        chart_words = f"scorecard me {words}"
    elif team == ALL_TEAMS or team is None:
        sections = [ask(f"all {words}"), ask(f"all {words} by {dimension}"), ask("breaches"),
                    *_themes(commands, ask, "all")]
        chart_words = None  # a scorecard is one team's (or one agent's)
    else:
        sections = [ask(f"team {team} {words}"), ask(f"team {team} {words} by {dimension}"),
                    ask(f"breaches team {team}"), *_themes(commands, ask, f"team {team}")]
        chart_words = f"scorecard team {team} {words}"
    rest: list[Block] = []
    for section in sections:
        rest += [DividerBlock(), *section]
    chart = chart_title = None
    if chart_words is not None:
        chart_title = f"Scorecard trend · {'you' if role.kind == 'agent' else team} · {PERIODS[period]}"
        if with_chart:
            chart = commands.answer(Command(state.user_id, chart_words)).chart
    return HomePage(state.user_id, tuple(top), tuple(rest), chart, chart_title)


def _asker(commands: KpiCommands, user_id: str):  # noqa: ANN202 - text -> the answer's blocks
    def ask(text: str) -> tuple[Block, ...]:
        return commands.answer(Command(user_id, text)).blocks

    return ask


def _themes(commands: KpiCommands, ask, who: str) -> list[tuple[Block, ...]]:  # noqa: ANN001
    """The week's comment themes, where this server computes themes at all."""
    return [ask(f"comments {who} {THEMES_PERIOD}")] if commands.themes is not None else []


def _team(role: HomeRole, chosen: str | None) -> str | None:
    if role.kind == "admin" and chosen == ALL_TEAMS:
        return ALL_TEAMS
    if chosen is not None and any(chosen.lower() == t.lower() for t in role.teams):
        return next(t for t in role.teams if chosen.lower() == t.lower())
    if role.kind == "admin":
        return ALL_TEAMS
    return role.teams[0] if role.teams else None


def _pickers(role: HomeRole, period: str, dimension: str, team: str | None) -> ActionsBlock:
    elements = [_select(PERIOD_ACTION, "Period", PERIODS, period), _select(DIMENSION_ACTION, "Breakdown",
                                                                           role.dimensions, dimension)]
    if role.kind == "admin" or len(role.teams) > 1:
        teams = ({ALL_TEAMS: "All teams"} if role.kind == "admin" else {}) | {t: t for t in role.teams}
        elements.insert(0, _select(TEAM_ACTION, "Team", dict(list(teams.items())[:100]), team or ALL_TEAMS))
    return ActionsBlock(block_id="home_pickers", elements=elements)


def _select(action_id: str, placeholder: str, choices: dict[str, str], chosen: str) -> StaticSelectElement:
    options = [Option(value=value, label=shorten(label, 75)) for value, label in choices.items()]
    initial = next((o for o in options if o.value == chosen), options[0])
    return StaticSelectElement(action_id=action_id, placeholder=placeholder, options=options, initial_option=initial)


def _updated(now: datetime, commands: KpiCommands) -> str:
    return f"Updated {now.astimezone(commands.zone):%Y-%m-%d %H:%M} ({commands.zone.key})"


def _stranger() -> list[Block]:
    return [
        HeaderBlock(text=PlainTextObject(text="Support KPIs")),
        SectionBlock(text=MarkdownTextObject(text=(
            "This page shows support KPIs to team leads, agents and admins. You aren't one of them here "
            "(your Slack email matches no helpdesk agent, and you lead no team), so there are no numbers for you. "
            "An admin can add you as a lead, or map you to your agent in `[slash.users]`."))),
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text="*What you can ask with `/kpi`*\n" + HELP)),
    ]


def _within_limit(blocks: Sequence[Block]) -> list[Block]:
    """At most Slack's 100 blocks: the last sections give way, saying where the rest is."""
    if len(blocks) <= MAX_HOME_BLOCKS:
        return list(blocks)
    note = ContextBlock(elements=[MarkdownTextObject(text="_More with `/kpi`: the Home shows what fits._")])
    return [*blocks[:MAX_HOME_BLOCKS - 1], note]
