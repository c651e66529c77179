"""The Bolt listeners of the digests' and alerts' buttons, on the app that answers `/kpi`.

Each click is acknowledged at once (Slack waits 3 seconds:
https://docs.slack.dev/interactivity/handling-user-interaction#acknowledgment_response) and
answered by a Bolt lazy listener, over HTTP (signed requests, checked by Bolt) and Socket Mode
alike, since both serve the same Bolt app. The lazy listener hands the answer to the `/kpi`
answers' pools, as `/kpi` does (notifiers.slash.app): those whose KPIs are loaded (and the
acknowledgements and snoozes) to ``ready_executor``, those that read the store first (and every
"Why?", which may read the tickets' tags) to ``executor``; so a click that takes milliseconds
never waits behind one reading a new period, nor for one of the few threads Bolt runs its lazy
listeners on (five by default).
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
from notifiers.interactive.clicks import Click
from notifiers.interactive.digest_actions import answer_digest_click, digest_question
from notifiers.slash.answers import KpiCommands

DIGEST_PATTERN = re.compile("^(" + "|".join(map(re.escape, ids.DIGEST_ACTIONS)) + ")$")
ALERT_PATTERN = re.compile("^(" + "|".join(map(re.escape, ids.ALERT_ACTIONS)) + ")$")


def register_buttons(app: App, commands: KpiCommands, states: AlertStates, *,
                     clock: Callable[[], datetime] | None = None, executor: Executor | None = None,
                     ready_executor: Executor | None = None) -> None:
    """Listen for the digests' and alerts' buttons on ``app`` (its client posts the updates)."""
    alerts = AlertButtons(commands, states, app.client, clock)
    pool = executor or ThreadPoolExecutor(max_workers=4, thread_name_prefix="kpi-button")
    ready_pool = ready_executor or ThreadPoolExecutor(max_workers=8, thread_name_prefix="kpi-button-ready")

    def acknowledge(ack) -> None:  # noqa: ANN001 - Bolt injects it by name
        ack()

    def digest_click(body, respond) -> None:  # noqa: ANN001
        click = Click.from_body(body)
        (ready_pool if _digest_is_quick(commands, click) else pool).submit(answer_digest_click, commands, click, respond)

    def alert_click(body, respond) -> None:  # noqa: ANN001
        click = Click.from_body(body)
        (ready_pool if alerts.is_quick(click) else pool).submit(alerts.answer, click, respond)

    app.action(DIGEST_PATTERN)(ack=acknowledge, lazy=[digest_click])
    app.action(ALERT_PATTERN)(ack=acknowledge, lazy=[alert_click])


def _digest_is_quick(commands: KpiCommands, click: Click) -> bool:
    if click.action_id == ids.DIGEST_WHY:
        return False
    try:
        return commands.is_ready(digest_question(click))
    except BadAction:
        return True  # answered with one line
