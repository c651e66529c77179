"""The App Home's Bolt listeners: the tab opened, and its pickers.

- ``app_home_opened`` (https://docs.slack.dev/reference/events/app_home_opened): Slack sends it each
  time a user opens one of the app's tabs; for the Home tab (``tab: home``) their opening is
  remembered and their Home published;
- the pickers (period, breakdown, team) are ``block_actions``: the choice is remembered and the
  Home published again with it.

Every listener acknowledges at once; the rest runs in a Bolt lazy listener
(https://docs.slack.dev/tools/bolt-python/concepts/lazy-listeners), and the publish itself in the
publish queue (:mod:`.home_publish`). The same listeners serve HTTP and Socket Mode.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt import App

from notifiers.interactive.home_publish import HomePublisher
from notifiers.interactive.home_view import DIMENSION_ACTION, DIMENSIONS, PERIOD_ACTION, PERIODS, TEAM_ACTION

#: Picker -> the choice it sets, and the values it may take (None: checked against the user's role
#: when the view is built).
_PICKERS = {PERIOD_ACTION: ("period", PERIODS), DIMENSION_ACTION: ("dimension", DIMENSIONS), TEAM_ACTION: ("team", None)}
MAX_TEAM_NAME = 255


def register_home(app: App, publisher: HomePublisher) -> None:
    """The App Home's listeners on ``app`` (HTTP or Socket Mode alike)."""

    def acknowledge(ack) -> None:  # noqa: ANN001 - Bolt injects it by name
        ack()

    def opened(event: Mapping[str, Any]) -> None:
        user_id = event.get("user")
        if event.get("tab") != "home" or not isinstance(user_id, str):
            return  # the Messages tab, or a payload that names nobody
        publisher.states.opened(user_id, publisher.clock())
        publisher.request(user_id, with_chart=True)

    def picked(body: Mapping[str, Any]) -> None:
        user_id = (body.get("user") or {}).get("id")
        actions = body.get("actions") or []
        if not isinstance(user_id, str) or not actions:
            return
        action = actions[0]
        field, allowed = _PICKERS[action.get("action_id")]
        value = (action.get("selected_option") or {}).get("value")
        if not isinstance(value, str) or (allowed is not None and value not in allowed) or len(value) > MAX_TEAM_NAME:
            return  # not one of the picker's own values: nothing to remember
        if publisher.states.get(user_id) is None:  # picked on a Home this store never saw opened
            publisher.states.opened(user_id, publisher.clock())
        publisher.states.choose(user_id, **{field: value})
        publisher.request(user_id, with_chart=True)

    app.event("app_home_opened")(ack=acknowledge, lazy=[opened])
    for action_id in _PICKERS:
        app.action(action_id)(ack=acknowledge, lazy=[picked])
