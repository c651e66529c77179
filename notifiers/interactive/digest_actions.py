"""The digest's buttons: "Agents", "By channel", "Why?", "30 days", answered as `/kpi` would.

Each click becomes the `/kpi` words a lead would type for the digest's own team and period
(carried in the button's value, :mod:`.action_ids`), asked of
:class:`~notifiers.slash.answers.KpiCommands`: the same access rules (agent lines only for the
team's leads and the admins; the same denial text as `/kpi`), the same Block Kit answer. A click
on last month's digest answers for last month.

Every answer goes to the clicker alone (ephemeral, through the click's ``response_url``), never
into the digest's thread: what one person asks need not interrupt the channel, five people
clicking "Why?" would otherwise post it five times, and each answer is exactly what its clicker
may see. The click is acknowledged at once; the answer is computed in a Bolt lazy listener
(https://docs.slack.dev/tools/bolt-python/concepts/lazy-listeners).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from notifiers.interactive import action_ids as ids
from notifiers.interactive.action_ids import BadAction, DigestAction
from notifiers.interactive.clicks import Click, reply_privately, tell
from notifiers.mrkdwn import escape
from notifiers.slash.answers import KpiCommands
from notifiers.slash.command import Command

log = logging.getLogger(__name__)

#: "30 days" ends on the last day the digest covers.
TREND_DAYS = 30


def digest_words(action_id: str, action: DigestAction) -> str:
    """The `/kpi` text equivalent to clicking ``action_id`` on the digest ``action`` describes."""
    span = f"{action.first.isoformat()}..{action.last.isoformat()}"
    team = f"team {action.team}"
    if action_id == ids.DIGEST_AGENTS:
        return f"{team} by agent {span}"
    if action_id == ids.DIGEST_CHANNELS:
        return f"{team} by channel {span}"
    if action_id == ids.DIGEST_WHY:
        return f"why {action.why} {team} {span}"
    if action_id == ids.DIGEST_30_DAYS:
        return f"{team} {(action.last - timedelta(days=TREND_DAYS - 1)).isoformat()}..{action.last.isoformat()}"
    raise BadAction(f"unknown digest button {action_id!r}")


def digest_question(click: Click) -> Command:
    """The `/kpi` question a click on a digest button asks, as its clicker; :class:`BadAction` if none."""
    return Command(click.user_id, digest_words(click.action_id, DigestAction.parse(click.value)), click.channel_id)


def answer_digest_click(commands: KpiCommands, click: Click, respond) -> None:  # noqa: ANN001 - Bolt's respond
    try:
        question = digest_question(click)
    except BadAction as error:
        log.info("digest button from %s refused: %s", click.user_id, error)
        tell(respond, f"Sorry, {escape(str(error))}.")
        return
    answer = commands.answer(question)
    if answer.denied:
        log.info("digest button denied: %s (text %r)", answer.denied, question.text)
    reply_privately(respond, answer)
