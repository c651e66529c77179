"""The "Support KPIs" modal: a form for anything `/kpi` can ask, and its answer as `/kpi` words.

Pure: the form is a slack-sdk ``View``; a submission's ``view.state.values`` is read into a
:class:`Question`, checked field by field (Slack shows each error under its block, from the
``response_action: errors`` acknowledgement:
https://docs.slack.dev/surfaces/modals#displaying_errors), and turned into the words a user would
type after `/kpi`, so the answer is `/kpi`'s own, with its access rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from kpis.catalogue import KPIS
from notifiers.mrkdwn import shorten
from notifiers.slash.parsed import MAX_DAYS

#: The view's callback_id: its view_submission reaches :mod:`notifiers.interactive.shortcut_app`.
ASK_CALLBACK = "support_kpis_ask"
TITLE = "Support KPIs"
ALL_TEAMS = "*all*"
NO_DIMENSION = "none"
CUSTOM = "custom"
#: value -> (label, `/kpi` words).
PERIODS: dict[str, tuple[str, str]] = {
    "7d": ("Last 7 days", "7d"),
    "30d": ("Last 30 days", "30d"),
    "this-week": ("This week", "this week"),
    "this-month": ("This month", "this month"),
    "last-month": ("Last month", "last month"),
    CUSTOM: ("Custom range (the two dates below)", ""),
}
DIMENSIONS = {NO_DIMENSION: "None", "agent": "By agent", "channel": "By channel", "priority": "By priority",
              "tag": "By tag"}
#: Slack's limit on a select's options (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element).
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75


@dataclass(frozen=True)
class Question:
    """What the form says; ``None`` where it was left empty."""

    team: str | None = None
    agent: str | None = None
    period: str = "7d"
    start: date | None = None
    end: date | None = None
    kpis: tuple[str, ...] = ()
    dimension: str = NO_DIMENSION


def ask_view(team_names: Sequence[str]) -> View:
    teams = [_option(ALL_TEAMS, "All teams")] + [_option(name, name) for name in team_names[:MAX_OPTIONS - 1]]
    kpis = [_option(key, spec.label) for key, spec in list(KPIS.items())[:MAX_OPTIONS]]
    periods = [_option(value, label) for value, (label, _) in PERIODS.items()]
    dimensions = [_option(value, label) for value, label in DIMENSIONS.items()]
    blocks = [
        InputBlock(block_id="team", label="Team", optional=True,
                   hint="Empty: your own team. An agent, when chosen, is asked about instead.",
                   element=StaticSelectElement(action_id="team", placeholder="Your team", options=teams)),
        InputBlock(block_id="agent", label="Agent", optional=True,
                   hint="Agent numbers are for their team's leads and the admins; your own are always yours.",
                   element=UserSelectElement(action_id="agent", placeholder="Someone in Slack")),
        InputBlock(block_id="period", label="Period",
                   element=StaticSelectElement(action_id="period", options=periods, initial_option=periods[0])),
        InputBlock(block_id="start", label="From (custom range)", optional=True,
                   element=DatePickerElement(action_id="start")),
        InputBlock(block_id="end", label="To (custom range, included)", optional=True,
                   element=DatePickerElement(action_id="end")),
        InputBlock(block_id="kpis", label="KPIs", optional=True, hint="Empty: the headline KPIs.",
                   element=StaticMultiSelectElement(action_id="kpis", placeholder="Headline KPIs", options=kpis)),
        InputBlock(block_id="dimension", label="Broken down", optional=True,
                   element=StaticSelectElement(action_id="dimension", options=dimensions,
                                               initial_option=dimensions[0])),
        ContextBlock(elements=[MarkdownTextObject(
            text="The answer shows here, only to you: the same as `/kpi`, with the same rules on who sees what.")]),
    ]
    return View(type="modal", callback_id=ASK_CALLBACK, title=TITLE, submit="Ask", close="Cancel", blocks=blocks)


def read_question(values: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> Question:
    """``view.state.values`` of a submission: block_id -> action_id -> the element's state."""

    def field(block: str) -> Mapping[str, Any]:
        return values.get(block, {}).get(block, {})

    def selected(block: str) -> str | None:
        option = field(block).get("selected_option")
        return option.get("value") if isinstance(option, Mapping) else None

    def day(block: str) -> date | None:
        text = field(block).get("selected_date")
        return date.fromisoformat(text) if isinstance(text, str) and text else None

    kpis = tuple(o["value"] for o in field("kpis").get("selected_options") or () if o.get("value") in KPIS)
    return Question(
        team=selected("team"),
        agent=field("agent").get("selected_user") or None,
        period=selected("period") or "7d",
        start=day("start"),
        end=day("end"),
        kpis=kpis,
        dimension=selected("dimension") or NO_DIMENSION,
    )


def problems(question: Question) -> dict[str, str]:
    """block_id -> what is wrong there; empty when the question can be asked."""
    errors: dict[str, str] = {}
    if question.period == CUSTOM:
        if question.start is None:
            errors["start"] = "Pick the first day of the range."
        if question.end is None:
            errors["end"] = "Pick the last day of the range."
        if question.start and question.end:
            if question.end < question.start:
                errors["end"] = f"The range ends before it starts ({question.start}): pick a later day."
            elif (question.end - question.start).days + 1 > MAX_DAYS:
                errors["end"] = f"Ranges go up to {MAX_DAYS} days: pick an earlier day."
    elif question.start or question.end:
        errors["period"] = "Dates are for a custom range: choose “Custom range”, or clear the dates."
    if question.agent and question.dimension != NO_DIMENSION:
        errors["dimension"] = "Breakdowns look at a team or all teams, not one agent: choose None, or clear the agent."
    if question.dimension != NO_DIMENSION and "low_rated" in question.kpis:
        errors["kpis"] = "The low-rated list has no breakdown: remove it, or choose None below."
    return errors


def kpi_words(question: Question) -> str:
    """The `/kpi` words asking the same: target, KPIs, period, breakdown."""
    if question.agent:
        target = f"agent <@{question.agent}>"
    elif question.team == ALL_TEAMS:
        target = "all"
    elif question.team:
        target = f"team {question.team}"
    else:
        target = ""
    if question.period == CUSTOM and question.start and question.end:
        period = f"{question.start}..{question.end}"
    else:
        period = PERIODS.get(question.period, PERIODS["7d"])[1]
    by = f"by {question.dimension}" if question.dimension != NO_DIMENSION else ""
    return " ".join(part for part in (target, *question.kpis, period, by) if part)


def _option(value: str, label: str) -> Option:
    return Option(value=value, text=PlainTextObject(text=shorten(label, MAX_OPTION_TEXT)))
