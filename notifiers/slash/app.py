"""The Bolt app of the `/kpi` command: acknowledge within Slack's 3 seconds, answer when ready.

Slack waits 3 seconds for the HTTP answer to a slash command
(https://docs.slack.dev/interactivity/implementing-slash-commands#responding_basic_receipt).
The command's listener starts computing the answer and waits up to ``inline_seconds``: when the
answer is ready by then it *is* the acknowledgement (one round trip). Otherwise it acknowledges
with a short "working on it" line, and a Bolt lazy listener posts the answer to ``response_url``
when it is ready (https://docs.slack.dev/tools/bolt-python/concepts/lazy-listeners).
The wait is short by default (``[slash] inline_seconds``, 0.1 s): an answer whose KPIs are loaded
takes milliseconds and still comes inline, while one that must read the store first (0.3 to 0.5 s
of a core on a million tickets, more when many ask at once) never holds the acknowledgement up. Both ask the
same :class:`~notifiers.slash.answers.KpiCommands`, whose snapshot cache computes each window's
KPIs once, however many ask.

``process_before_response=True`` runs the acknowledging function in the request's own thread
before the HTTP response is sent, so the lazy listener knows whether the answer already went out.
Requests are verified by Bolt (slack-sdk's ``SignatureVerifier``: HMAC-SHA256 of
``v0:timestamp:body``, 5-minute window), then checked against replays (:mod:`.replay`).
"""

from __future__ import annotations

import logging
from concurrent.futures import FIRST_COMPLETED, Executor, ThreadPoolExecutor, wait

from slack_bolt import App
from slack_sdk import WebClient

from notifiers.slash.answer_blocks import Answer
from notifiers.slash.answers import KpiCommands
from notifiers.slash.command import Command
from notifiers.slash.inflight import RESTARTED, InFlight
from notifiers.slash.private_files import send_privately
from notifiers.slash.replay import ReplayGuard

log = logging.getLogger(__name__)

WORKING = "Working on it… the answer will appear here in a moment."
#: Context key handing the lazy listener the answer the acknowledgement did not carry.
_LATER = "kpi_answer_later"


def build_bolt_app(
    commands: KpiCommands,
    *,
    signing_secret: str,
    client: WebClient,
    command: str = "/kpi",
    inline_seconds: float = 0.1,
    executor: Executor | None = None,
    ready_executor: Executor | None = None,
    replay_guard: ReplayGuard | None = None,
    verify_token: bool = True,
    signed_requests: bool = True,
    inflight: InFlight | None = None,
) -> App:
    """The Bolt app; ``verify_token`` calls ``auth.test`` now (Bolt's own check of the bot token).

    ``signed_requests=False`` for Socket Mode, whose payloads carry no signature (Bolt skips the
    check for them anyway; saying so keeps an empty signing secret from looking like a mistake).
    ``inflight`` tracks the answers owed through ``response_url`` (the shutdown drains it).
    ``executor`` computes the answers that must read the store first; ``ready_executor`` those
    whose KPIs are loaded already (:meth:`KpiCommands.is_ready`): a burst of questions about new
    days then never holds up the answers that take milliseconds.
    """
    app = App(
        name="helpdesk-kpis",
        logger=_bolt_logger(),
        signing_secret=signing_secret,
        client=client,
        process_before_response=True,
        token_verification_enabled=verify_token,
        request_verification_enabled=signed_requests,
    )
    app.use(replay_guard or ReplayGuard())
    pool = executor or ThreadPoolExecutor(max_workers=4, thread_name_prefix="kpi-answer")
    ready_pool = ready_executor or ThreadPoolExecutor(max_workers=8, thread_name_prefix="kpi-ready")
    owed_answers = inflight or InFlight()

    def acknowledge(ack, body, context) -> None:  # noqa: ANN001 - Bolt injects these by name
        if owed_answers.is_draining:  # stopping: take no new work
            ack(text=RESTARTED, response_type="ephemeral")
            return
        request = Command.from_payload(body)
        pending = (ready_pool if commands.is_ready(request) else pool).submit(commands.answer, request)
        # A shutdown ends the wait at once: the answer then goes through response_url.
        wait([pending, owed_answers.draining], timeout=inline_seconds, return_when=FIRST_COMPLETED)
        if not pending.done():
            owed = context[_LATER] = owed_answers.owe(body.get("response_url") or "")
            # Already settled: the shutdown told the owed callers to ask again before this one was owed.
            ack(text=RESTARTED if owed.claimed else WORKING, response_type="ephemeral")
            return
        answer = pending.result()
        _log(answer, request)
        ack(**answer.payload())
        if answer.chart is not None:  # after the acknowledgement, never delaying it
            pool.submit(send_privately, client, request.user_id, answer.chart)

    def answer_later(body, context, respond) -> None:  # noqa: ANN001
        owed = context.get(_LATER)
        if owed is None or owed.claimed:  # answered inline, or told to ask again
            return
        request = Command.from_payload(body)
        answer = commands.answer(request)  # the same computation, shared through the snapshot cache
        _log(answer, request)
        if not owed_answers.claim(owed):
            return
        try:
            respond(**answer.payload(), replace_original=False)
        except Exception as error:  # noqa: BLE001 - a failed delivery is logged; there is no one else to tell
            log.warning("posting the /kpi answer to response_url failed: %s", type(error).__name__)
            return
        finally:
            owed_answers.delivered(owed)
        if answer.chart is not None:
            send_privately(client, request.user_id, answer.chart)

    app.command(command)(ack=acknowledge, lazy=[answer_later])
    return app


class _QuietTokenNotice(logging.Filter):
    """Bolt notes on every start that SLACK_BOT_TOKEN (read from the environment by Bolt itself)
    is unused because a client was given: true, and only confusing in an admin's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("notifiers.slash.bolt")
    if not any(isinstance(f, _QuietTokenNotice) for f in logger.filters):
        logger.addFilter(_QuietTokenNotice())
    return logger


def _log(answer: Answer, request: Command) -> None:
    if answer.denied:
        log.info("/kpi denied: %s (text %r)", answer.denied, request.text)
