"""The alert's buttons: "Acknowledge", "Snooze 24 h", "Snooze 7 d", "Show tickets".

- **Acknowledge** records who and when (:class:`~kpis.store.alert_states.AlertStates`, one record
  per alert however many click) and updates the alert with ``chat.update`` to say so; a later
  click is told who acknowledged it first.
- **Snooze** keeps the rule quiet for the alert's scope until then: the alerts job skips it
  (:func:`notifiers.alerts.plan_alerts`); the message says until when, in the reporting zone.
- **Show tickets** lists, to the clicker alone, the low ratings behind a satisfaction alert, or
  the backlog behind any other, for the alert's own window, through `/kpi` (its access rules:
  low-rated lists name agents, so only the team's leads and the admins see them).

Acknowledging and snoozing act on the team's alerts, so they are for the team's leads and the
admins (an overall alert's, for the admins); anyone else is told so, privately, and nothing is
stored. The message updates keep what the alert said and add one line per action.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject

from kpis.catalogue import KPIS
from kpis.store.alert_states import AlertStates
from notifiers.blockkit import to_dicts, validate_message
from notifiers.interactive import action_ids as ids
from notifiers.interactive.action_ids import AlertAction, BadAction
from notifiers.interactive.button_blocks import alert_buttons
from notifiers.interactive.clicks import Click, reply_privately, tell
from notifiers.mrkdwn import escape
from notifiers.slash.agents import AgentIndex
from notifiers.slash.answers import KpiCommands
from notifiers.slash.command import Command
from notifiers.slash.parsed import Period
from notifiers.when import moment_text

log = logging.getLogger(__name__)

SNOOZES = {ids.ALERT_SNOOZE_DAY: timedelta(hours=24), ids.ALERT_SNOOZE_WEEK: timedelta(days=7)}


class AlertButtons:
    def __init__(self, commands: KpiCommands, states: AlertStates, client: WebClient,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.commands = commands
        self.states = states
        self.client = client
        self.clock = clock or commands.clock

    def answer(self, click: Click, respond) -> None:  # noqa: ANN001 - Bolt's respond
        try:
            action = AlertAction.parse(click.value)
            if click.action_id == ids.ALERT_TICKETS:
                self._tickets(click, action, respond)
            elif click.action_id == ids.ALERT_ACKNOWLEDGE:
                self._acknowledge(click, action, respond)
            elif click.action_id in SNOOZES:
                self._snooze(click, action, respond, SNOOZES[click.action_id])
            else:
                raise BadAction(f"unknown alert button {click.action_id!r}")
        except BadAction as error:
            log.info("alert button from %s refused: %s", click.user_id, error)
            tell(respond, f"Sorry, {escape(str(error))}.")

    def is_quick(self, click: Click) -> bool:
        """Whether the answer reads nothing new from the store (acknowledging, snoozing, the
        tickets of a window whose KPIs are loaded), so it never waits behind one that does."""
        if click.action_id != ids.ALERT_TICKETS:
            return True
        try:
            action = AlertAction.parse(click.value)
        except BadAction:
            return True  # answered with one line
        window = Period(None, action.first, action.last).window(now=self.clock(), zone=self.commands.zone)
        return self.commands.snapshots.has(window)

    # -- acknowledge and snooze ----------------------------------------------------------------

    def _may_act(self, click: Click, action: AlertAction, respond) -> bool:  # noqa: ANN001
        if self.commands.leads_or_admin(click.user_id, action.team):
            return True
        whose = f"{escape(action.team)}'s leads" if action.team else "the admins"
        log.info("alert button denied: user %s on rule %s for %s", click.user_id, action.rule_id, action.scope)
        tell(respond, f"Sorry, acknowledging and snoozing this alert is for {whose}"
                      f"{' and the admins' if action.team else ''}. `/kpi breaches` lists what is in breach.")
        return False

    def _acknowledge(self, click: Click, action: AlertAction, respond) -> None:  # noqa: ANN001
        if not self._may_act(click, action, respond):
            return
        done = self.states.acknowledge(action.alert_id, action.rule_id, action.scope, click.user_id, self.clock())
        who = f"<@{done.user_id}> at {moment_text(done.at, self.commands.zone)}"
        if not done.new:
            tell(respond, f"This alert was already acknowledged by {who}.")
            return
        line = f":ballot_box_with_check: Acknowledged by {who}"
        self._update(click, action, line, acknowledged=True, respond=respond)

    def _snooze(self, click: Click, action: AlertAction, respond, length: timedelta) -> None:  # noqa: ANN001
        if not self._may_act(click, action, respond):
            return
        now = self.clock()
        snooze = self.states.snooze(action.rule_id, action.scope, now + length, click.user_id, now)
        until = moment_text(snooze.until, self.commands.zone)
        if not snooze.new:
            tell(respond, f"This rule is already snoozed for this scope until {until} (by <@{snooze.user_id}>).")
            return
        line = (f":zzz: Snoozed by <@{click.user_id}> until {until}: rule `{escape(action.rule_id)}` stays quiet"
                " for this scope until then")
        acknowledged = self.states.acknowledgement(action.alert_id) is not None
        self._update(click, action, line, acknowledged=acknowledged, respond=respond)

    def _update(self, click: Click, action: AlertAction, line: str, *, acknowledged: bool, respond) -> None:  # noqa: ANN001
        """The clicked alert with ``line`` added above its buttons (``chat.update``)."""
        blocks = _without_buttons(click.message.get("blocks") or [])
        blocks += [ContextBlock(elements=[MarkdownTextObject(text=line)]), alert_buttons(action, acknowledged=acknowledged)]
        payload = {"text": str(click.message.get("text") or line), "blocks": to_dicts(blocks)}
        validate_message(payload)
        if click.channel_id is None or click.message_ts is None:
            tell(respond, line + ".")  # an alert outside a message (nothing to update): say it to the clicker
            return
        try:
            self.client.chat_update(channel=click.channel_id, ts=click.message_ts, **payload)
        except (SlackApiError, SlackClientError, OSError) as error:
            code = error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
            log.warning("updating the alert message after a button failed: %s", code)
            tell(respond, f"{line} (recorded; the message could not be updated: {escape(str(code))}).")

    # -- show tickets --------------------------------------------------------------------------

    def _tickets(self, click: Click, action: AlertAction, respond) -> None:  # noqa: ANN001
        words = self._ticket_words(action)
        if words.startswith("?"):
            tell(respond, words[1:])
            return
        answer = self.commands.answer(Command(click.user_id, words, click.channel_id))
        if answer.denied:
            log.info("alert button denied: %s (text %r)", answer.denied, words)
        reply_privately(respond, answer)

    def _ticket_words(self, action: AlertAction) -> str:
        """The `/kpi` words listing what is behind the alert; ``"?message"`` when there are none."""
        span = f"{action.first.isoformat()}..{action.last.isoformat()}"
        what = "low-csat" if KPIS[action.kpi].explained_by_low_ratings else "backlog"
        if action.agent is not None:
            window = Period(None, action.first, action.last).window(now=self.clock(), zone=self.commands.zone)
            email = AgentIndex(self.commands.snapshots.snapshot(window).directory).email_of(action.agent)
            if email is None:
                return "?That agent has no email in the helpdesk, so `/kpi` cannot name them; ask `/kpi breaches`."
            return f"{what} agent {email} {span}"
        if action.team is not None:
            return f"{what} team {action.team} {span}"
        if what == "low-csat":
            return "?Low ratings are listed per team: `/kpi low-csat TEAM` (`/kpi teams` lists them)."
        return f"all backlog {span}"


def _without_buttons(blocks: Sequence[dict[str, Any]]) -> list[Block]:
    """The message's blocks as Slack sent them, parsed with slack-sdk's models, minus the alert's buttons."""
    kept = [b for b in blocks if isinstance(b, dict) and b.get("block_id") != ids.ALERT_BLOCK]
    return [block for block in Block.parse_all(kept) if block is not None]
