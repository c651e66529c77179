"""The Bolt listeners of the digests' and alerts' buttons, on the app that answers `/kpi`.

Each click is acknowledged at once (Slack waits 3 seconds:
https://docs.slack.dev/interactivity/handling-user-interaction#acknowledgment_response) and
answered by a Bolt lazy listener, over HTTP (signed requests, checked by Bolt) and Socket Mode
alike, since both serve the same Bolt app. The lazy listener hands the answer to the `/kpi`
answers' pools, as `/kpi` does (notifiers.slash.app): those whose KPIs are loaded (and the
acknowledgements and snoozes) to ``ready_executor``, those that read the store first (and every
"Why?", which may read the tickets' tags) to ``executor``; so a click that takes milliseconds
never waits behind one reading a new period, nor for one of the few threads Bolt runs its lazy
listeners on (five by default). A click whose answer is still being computed is owed, as a
`/kpi` answer is (notifiers.slash.inflight): a shutdown gives it the grace period, then tells the
clicker to click again, so no click is left unanswered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import datetime

from slack_bolt import App

from kpis.store.alert_states import AlertStates
from notifiers.interactive import action_ids as ids
from notifiers.interactive.action_ids import BadAction
from notifiers.interactive.alert_actions import AlertButtons
from notifiers.interactive.clicks import Click, tell
from notifiers.interactive.digest_actions import answer_digest_click, digest_question
from notifiers.slash.answers import KpiCommands
from notifiers.slash.inflight import RESTARTED, InFlight

DIGEST_PATTERN = re.compile("^(" + "|".join(map(re.escape, ids.DIGEST_ACTIONS)) + ")$")
ALERT_PATTERN = re.compile("^(" + "|".join(map(re.escape, ids.ALERT_ACTIONS)) + ")$")


def register_buttons(app: App, commands: KpiCommands, states: AlertStates, *,
                     clock: Callable[[], datetime] | None = None, executor: Executor | None = None,
                     ready_executor: Executor | None = None, inflight: InFlight | None = None) -> None:
    """Listen for the digests' and alerts' buttons on ``app`` (its client posts the updates);
    ``inflight``: the answers owed through response_url that a shutdown drains."""
    alerts = AlertButtons(commands, states, app.client, clock)
    pool = executor or ThreadPoolExecutor(max_workers=4, thread_name_prefix="kpi-button")
    ready_pool = ready_executor or ThreadPoolExecutor(max_workers=8, thread_name_prefix="kpi-button-ready")
    owed_answers = inflight or InFlight()

    def acknowledge(ack) -> None:  # noqa: ANN001 - Bolt injects it by name
        ack()

    def answer_on(chosen: Executor, task: Callable, body, respond) -> None:  # noqa: ANN001
        if owed_answers.is_draining:  # stopping: take no new work
            tell(respond, RESTARTED)
            return
        owed = owed_answers.owe(body.get("response_url") or "")
        mine = []

        def respond_once(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            # The first reply claims the click (a shutdown may have told it to click again already).
            if mine or owed_answers.claim(owed):
                mine.append(True)
                try:
                    return respond(*args, **kwargs)
                finally:
                    owed_answers.delivered(owed)  # a shutdown waits for a reply under way, no longer
            return None

        def run() -> None:
            try:
                task(Click.from_body(body), respond_once)
            finally:
                # Answered without a reply (the alert itself updated), or failed: owed no more.
                if not mine and owed_answers.claim(owed):
                    owed_answers.delivered(owed)

        chosen.submit(run)

    def digest_click(body, respond) -> None:  # noqa: ANN001
        quick = _digest_is_quick(commands, Click.from_body(body))
        answer_on(ready_pool if quick else pool, lambda click, reply: answer_digest_click(commands, click, reply),
                  body, respond)

    def alert_click(body, respond) -> None:  # noqa: ANN001
        answer_on(ready_pool if alerts.is_quick(Click.from_body(body)) else pool, alerts.answer, body, respond)

    app.action(DIGEST_PATTERN)(ack=acknowledge, lazy=[digest_click])
    app.action(ALERT_PATTERN)(ack=acknowledge, lazy=[alert_click])


def _digest_is_quick(commands: KpiCommands, click: Click) -> bool:
    if click.action_id == ids.DIGEST_WHY:
        return False
    try:
        return commands.is_ready(digest_question(click))
    except BadAction:
        return True  # answered with one line
