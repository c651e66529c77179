"""A click still being answered when `serve` stops is owed like a `/kpi` answer: the shutdown
gives it the grace period, then tells the clicker to click again -- exactly one reply, never none.

The answers' pool is held by the test (its one worker waits on an event), so the click is in
flight, deterministically, when the drain begins; nothing waits on a clock but generous bounds.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from kpis.store.alert_states import AlertStates
from notifiers.interactive import action_ids as ids
from notifiers.interactive.buttons import register_buttons
from notifiers.slash.app import build_bolt_app
from notifiers.slash.inflight import RESTARTED, InFlight
from notifiers.slash.server import create_asgi_app
from tests.fakes.asgi_server import ServerThread
from tests.fakes.slack.signing import SIGNING_SECRET
from tests.notifiers.interactive.button_clicks import click_payload, clicked_commands, clock, post_click  # noqa: F401
from tests.notifiers.interactive.test_digest_buttons import BILLING_WEEK
from tests.notifiers.slash.conftest import slack, store, web_client  # noqa: F401 - fixtures


def test_a_click_in_flight_at_shutdown_is_told_to_click_again_once(clicked_commands, store, web_client, slack,  # noqa: F811
                                                                   clock):  # noqa: F811
    held, started = threading.Event(), threading.Event()
    pool = ThreadPoolExecutor(max_workers=1)
    pool.submit(lambda: (started.set(), held.wait(60)))  # the only worker is busy: the click queues
    inflight = InFlight()
    bolt = build_bolt_app(clicked_commands, signing_secret=SIGNING_SECRET, client=web_client)
    register_buttons(bolt, clicked_commands, AlertStates(store), clock=clock, executor=pool, ready_executor=pool,
                     inflight=inflight)
    app = create_asgi_app(bolt, healthy=lambda: True, signing_secret=SIGNING_SECRET)
    with ServerThread(app) as server:
        assert started.wait(30)
        payload = click_payload(ids.DIGEST_AGENTS, BILLING_WEEK.value(), user="U0LENA", channel="C0BILLING",
                                response_url=slack.response_url("lena"))
        assert post_click(server.url, payload).status_code == 200
        deadline = time.monotonic() + 30
        while not inflight.owed and time.monotonic() < deadline:  # the lazy listener has queued it
            time.sleep(0.02)
        inflight.begin_drain()
        inflight.wait_answered(time.monotonic() + 0.2)  # the grace passes: the answer is not ready
        assert inflight.tell_restarted(within=30) == 1
        held.set()  # the answer is computed after all: it must not reach the clicker a second time
        pool.shutdown(wait=True)
        late = post_click(server.url, {**payload, "response_url": slack.response_url("late")})
        assert late.status_code == 200
        assert slack.wait_for_response("late", timeout=30) is not None
    assert [r["text"] for r in slack.responses_to["lena"]] == [RESTARTED]
    assert slack.responses_to["late"][0]["text"] == RESTARTED  # clicked while stopping: told at once
