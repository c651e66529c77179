"""The answer to `/kpi scorecard`: one agent's scorecard, or a team's agents', with the trend.

Privacy follows `/kpi` (:mod:`notifiers.slash.access`): a scorecard is agent-level detail, for the
agent themself, their team's leads and the admins, and never posted to a channel. Its trend goes
as a PNG in a direct message to the asker (files are visible to everyone in the channel they are
shared in); the answer carries it in block characters too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kpis.catalogue import KPIS
from kpis.format import sparkline
from kpis.scorecard import TREND_WINDOWS, Scorecard, ScorecardConfig, scorecards
from notifiers.mrkdwn import escape
from notifiers.scorecard_chart import scorecard_chart
from notifiers.slash import answer_blocks as blocks
from notifiers.slash.access import AgentDetail, Caller, leads
from notifiers.slash.agents import AgentIndex
from notifiers.slash.answer_blocks import Answer
from notifiers.slash.parsed import Scope, ScorecardQuery

if TYPE_CHECKING:
    from notifiers.slash.answers import KpiCommands

WHAT = "scorecards"
PRIVATE_NOTE = "only you can see this: scorecards are never posted to a channel"


def scorecard_answer(commands: KpiCommands, query: ScorecardQuery, caller: Caller,
                     config: ScorecardConfig) -> Answer:
    windows = [query.period.window(now=commands.clock(), zone=commands.zone)]
    while len(windows) < TREND_WINDOWS:
        windows.insert(0, windows[0].previous())
    snapshots = [commands.snapshots.snapshot(w) for w in windows]
    caller, agents = commands.identified(caller, snapshots[-1])
    asked = _asked(commands, query, caller, agents)
    if isinstance(asked, Answer):
        return asked
    agent_id, team = asked
    decision = commands.decide_for(caller, AgentDetail(agent_id, team, what=WHAT), query)
    if isinstance(decision, Answer):
        return decision
    cards = scorecards([s.report("agent") for s in snapshots], config)
    if agent_id is not None:
        cards = [card for card in cards if card.agent_id == agent_id]
        who = agents.name_of(agent_id)
    else:
        cards = [card for card in cards if card.team is not None and card.team.lower() == team.lower()]
        who = team
    title = f"Scorecard · {who} · {query.period.text()}"
    if not cards:
        return blocks.message(f"No scorecard for {escape(who)} in {windows[-1].label()}: no tickets or ratings.")
    lines = [_card_line(card, detailed=agent_id is not None) for card in cards]
    lines.append(f"_trend: the last {len(windows)} windows of {query.period.text()}, oldest first; "
                 "* some parts left out (too little data), weights renormalised"
                 + (f"; {PRIVATE_NOTE}" if query.public else "") + "_")
    answer = blocks.list_answer(title, lines, public=False, empty="")
    chart = scorecard_chart(title, cards, windows, filename="scorecard.png")
    return Answer(answer.text, answer.blocks, public=False, chart=chart)


def _asked(commands: KpiCommands, query: ScorecardQuery, caller: Caller,
           agents: AgentIndex) -> tuple[str | None, str | None] | Answer:
    """(agent id, team) asked about: one agent (and their team), or a team's agents (agent None)."""
    target = query.target
    if target is None:
        led = leads(commands.policy, caller)
        if led:
            return None, led[0]
        target_scope = Scope.ME
    else:
        target_scope = target.scope
    if target_scope is Scope.TEAM:
        return None, target.team
    if target_scope in (Scope.ME, Scope.OWN_TEAM) or (target.user_id is not None and target.user_id == caller.user_id):
        if caller.agent_id is None:
            return blocks.message("I couldn't match you to a helpdesk agent, so I can't show your scorecard; "
                                  "ask for one by name (`/kpi scorecard @ann`) or a team (`/kpi scorecard team billing`).")
        return caller.agent_id, caller.agent_team
    if target.user_id is not None:
        agent_id = commands.agent_of(target.user_id, agents)
        if agent_id is None:
            return blocks.message(f"I couldn't find <@{target.user_id}> among the helpdesk agents (matched by email).")
    else:
        found = agents.find(target.agent or "")
        if found.startswith("?"):
            return blocks.message(found[1:])
        agent_id = found
    return agent_id, commands.configured(agents.team_of(agent_id))


def _card_line(card: Scorecard, *, detailed: bool) -> str:
    score = "–" if card.score is None else f"{card.score:.0f}"
    moved = "" if card.moved is None else f" ({card.moved:+.0f})"
    team = f" ({escape(card.team)})" if card.team else ""
    line = (f"*{escape(card.name)}*{team} · score *{score}*{'*' if card.partial else ''}{moved} · "
            f"`{sparkline(card.trend)}`")
    if not detailed:
        return line
    parts = []
    for c in card.components:
        label = KPIS[c.key].short_label or KPIS[c.key].label
        value = "–" if c.value is None else f"{c.value:.0f}%"
        median = "" if c.team_median is None else f", team {c.team_median:.0f}%"
        left = " _left out: too little data_" if c.left_out else f" ×{c.used_weight:.2f}"
        parts.append(f"{label} {value} (n={c.n or 0}{median}){left}")
    return line + "\n" + "\n".join(f"• {part}" for part in parts)
