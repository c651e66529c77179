"""The Bolt listeners of the digests' and alerts' buttons, on the app that answers `/kpi`.

Each click is acknowledged at once (Slack waits 3 seconds:
https://docs.slack.dev/interactivity/handling-user-interaction#acknowledgment_response) and
answered by a Bolt lazy listener, over HTTP (signed requests, checked by Bolt) and Socket Mode
alike, since both serve the same Bolt app.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from slack_bolt import App

from kpis.store.alert_states import AlertStates
from notifiers.interactive import action_ids as ids
from notifiers.interactive.alert_actions import AlertButtons
from notifiers.interactive.clicks import Click
from notifiers.interactive.digest_actions import answer_digest_click
from notifiers.slash.answers import KpiCommands

DIGEST_PATTERN = re.compile("^(" + "|".join(map(re.escape, ids.DIGEST_ACTIONS)) + ")$")
ALERT_PATTERN = re.compile("^(" + "|".join(map(re.escape, ids.ALERT_ACTIONS)) + ")$")


def register_buttons(app: App, commands: KpiCommands, states: AlertStates, *,
                     clock: Callable[[], datetime] | None = None) -> None:
    """Listen for the digests' and alerts' buttons on ``app`` (its client posts the updates)."""
    alerts = AlertButtons(commands, states, app.client, clock)

    def acknowledge(ack) -> None:  # noqa: ANN001 - Bolt injects it by name
        ack()

    def digest_click(body, respond) -> None:  # noqa: ANN001
        answer_digest_click(commands, Click.from_body(body), respond)

    def alert_click(body, respond) -> None:  # noqa: ANN001
        alerts.answer(Click.from_body(body), respond)

    app.action(DIGEST_PATTERN)(ack=acknowledge, lazy=[digest_click])
    app.action(ALERT_PATTERN)(ack=acknowledge, lazy=[alert_click])
