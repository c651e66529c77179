"""The Bolt listeners of the shortcuts and their modals: "Support KPIs" (global) and "Explain this" (message).

Every listener acknowledges at once; the Web API calls and the answers run in Bolt lazy listeners
(https://docs.slack.dev/tools/bolt-python/concepts/lazy-listeners), over HTTP and Socket Mode
alike. A modal opens with the interaction's ``trigger_id``, which Slack honours once and for
3 seconds (https://docs.slack.dev/surfaces/modals#opening): the form opens first, the answer
follows in the same modal through ``views.update`` (the submission itself is acknowledged with
``response_action: update`` and a "working" view, since Slack waits 3 seconds for that ack and an
answer may take longer). Answers are `/kpi`'s: the form becomes `/kpi` words and
:meth:`KpiCommands.answer` applies its access rules, so no other team's agent numbers show here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from notifiers.interactive import modal_ask
from notifiers.interactive.modal_answer import ASK_AGAIN, answer_view, working_view
from notifiers.interactive.shortcut_digest import (
    NOT_A_DIGEST,
    PICK_KPI,
    DigestRef,
    NotExplained,
    digest_of,
    explain_view,
    explain_working_view,
    not_explained_view,
)
from notifiers.interactive.shortcut_digest import (
    TITLE as EXPLAIN_TITLE,
)
from notifiers.slash.answers import KpiCommands
from notifiers.slash.command import Command

log = logging.getLogger(__name__)

#: The shortcuts' callback_ids, as the app manifests declare them.
SUPPORT_KPIS = "support_kpis"
EXPLAIN_DIGEST = "explain_digest"


def register_shortcuts(app: App, commands: KpiCommands) -> None:
    """The global shortcut, the message shortcut, and the actions and submissions of their modals."""

    def just_ack(ack: Callable[..., None]) -> None:
        ack()

    def open_form(body: Mapping[str, Any], client: WebClient) -> None:
        _call("opening the Support KPIs form", lambda: client.views_open(
            trigger_id=body["trigger_id"], view=modal_ask.ask_view(commands.team_names)))

    def check_form(ack: Callable[..., None], view: Mapping[str, Any]) -> None:
        errors = modal_ask.problems(modal_ask.read_question(view["state"]["values"]))
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack(response_action="update", view=working_view(modal_ask.TITLE))

    def answer_form(body: Mapping[str, Any], view: Mapping[str, Any], client: WebClient) -> None:
        question = modal_ask.read_question(view["state"]["values"])
        if modal_ask.problems(question):
            return  # told in the form already
        words = modal_ask.kpi_words(question)
        answer = commands.answer(Command(user_id=body["user"]["id"], text=words))
        _call("showing the Support KPIs answer", lambda: client.views_update(
            view_id=view["id"], view=answer_view(modal_ask.TITLE, answer, words, ask_again=True)))

    def form_again(body: Mapping[str, Any], client: WebClient) -> None:
        _call("reopening the Support KPIs form", lambda: client.views_update(
            view_id=body["view"]["id"], view=modal_ask.ask_view(commands.team_names)))

    def explain(body: Mapping[str, Any], client: WebClient) -> None:
        opened = _call("opening Explain this", lambda: client.views_open(
            trigger_id=body["trigger_id"], view=working_view(EXPLAIN_TITLE)))
        if opened is None:
            return
        view_id = opened["view"]["id"]
        channel_id = (body.get("channel") or {}).get("id")
        message = body.get("message") or {}
        found = digest_of(message, channel_id)
        if found is None:  # the payload left the metadata out: read the message with it
            found = digest_of(_with_metadata(client, channel_id, message.get("ts")), channel_id)
        if found is None:
            found = NotExplained(NOT_A_DIGEST)
        if isinstance(found, NotExplained):
            _call("showing Explain this", lambda: client.views_update(view_id=view_id, view=not_explained_view(found)))
            return
        _explain_into(client, view_id, found, found.kpis[0], body["user"]["id"])

    def pick_kpi(body: Mapping[str, Any], client: WebClient) -> None:
        view = body["view"]
        ref = DigestRef.from_private_metadata(view.get("private_metadata") or "")
        key = ((body.get("actions") or [{}])[0].get("selected_option") or {}).get("value")
        if ref is None or key not in ref.kpis:
            return
        _call("showing Explain this", lambda: client.views_update(view_id=view["id"],
                                                                 view=explain_working_view(ref, key)))
        _explain_into(client, view["id"], ref, key, body["user"]["id"])

    def _explain_into(client: WebClient, view_id: str, ref: DigestRef, key: str, user_id: str) -> None:
        answer = commands.answer(Command(user_id=user_id, text=ref.why_words(key), channel_id=ref.channel_id))
        _call("showing Explain this", lambda: client.views_update(view_id=view_id,
                                                                 view=explain_view(ref, key, answer)))

    app.global_shortcut(SUPPORT_KPIS)(ack=just_ack, lazy=[open_form])
    app.view_submission(modal_ask.ASK_CALLBACK)(ack=check_form, lazy=[answer_form])
    app.block_action(ASK_AGAIN)(ack=just_ack, lazy=[form_again])
    app.message_shortcut(EXPLAIN_DIGEST)(ack=just_ack, lazy=[explain])
    app.block_action(PICK_KPI)(ack=just_ack, lazy=[pick_kpi])


def _with_metadata(client: WebClient, channel_id: str | None, ts: str | None) -> dict[str, Any] | None:
    """The message at ``ts`` with its metadata, from the channel's history (channels:history or
    groups:history, which the app has to find its own digests after a crash):
    https://docs.slack.dev/reference/methods/conversations.history"""
    if not channel_id or not ts:
        return None
    found = _call("reading the message's metadata", lambda: client.conversations_history(
        channel=channel_id, oldest=ts, latest=ts, inclusive=True, limit=1, include_all_metadata=True))
    if found is None:
        return None
    return next((m for m in found.get("messages") or () if m.get("ts") == ts), {})


def _call(what: str, call: Callable[[], Any]) -> Any:
    """A Web API call whose failure only the log can hear of (the user sees the modal as it was)."""
    try:
        return call()
    except SlackApiError as error:
        log.warning("%s failed: %s", what, error.response.get("error"))
    except Exception as error:  # noqa: BLE001 - a lazy listener has no one else to tell
        log.warning("%s failed: %s", what, type(error).__name__)
    return None

