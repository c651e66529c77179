"""SIGTERM / SIGINT stop `serve` within ``[server] shutdown_grace_seconds``: a real process, real
signed requests over HTTP, Slack's Web API the local fake.

The fake Slack holds ``users.info`` unanswered, so every `/kpi agent ...` answer is stuck looking
up who Bob is: the requests are in flight, deterministically, when the signal comes.
"""

from __future__ import annotations

import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from notifiers.slash.app import WORKING
from notifiers.slash.inflight import RESTARTED
from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.signing import command_body, signed_headers
from tests.helpdesk_kpis.server.serving import read_until, serve_env, serving, wait_for
from tests.notifiers.slash import conftest as desk

CONFIG = """
[[teams]]
name = "Billing"
channel = "C0BILLING"
sources = ["zendesk:acme:1"]
leads = ["U0LENA"]

[server]
shutdown_grace_seconds = {grace}

[slash]
load_processes = {load_processes}
"""
BURST = 32
#: Generous bounds for a machine whose two cores are busy; the behaviour is in what is asserted.
EXIT_SECONDS = 20


def _ask(url: str, slack: FakeSlack, name: str):  # noqa: ANN202 - a Response, or the connection error
    body = command_body("agent <@U0BOB|bob> csat", user_id="U0LENA", channel_id="D0DIRECT",
                        response_url=slack.response_url(name))
    try:
        return requests.post(url + "/slack/events", data=body, headers=signed_headers(body), timeout=30)
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as refused:
        # Asked after the server stopped listening, or an answer cut by a second signal's exit at once: fine.
        return refused


# With a worker process reading the store (load_processes = 1), as without: every caller told
# "working on it" gets exactly one message.
@pytest.mark.parametrize("load_processes", [0, 1])
def test_sigterm_with_a_burst_in_flight_exits_0_in_time_and_tells_the_unanswered_to_ask_again(tmp_path,
                                                                                               load_processes):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG.format(grace=2, load_processes=load_processes))
    with FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        slack.hold("users.info")
        with serving(tmp_path, serve_env(tmp_path, slack), "--role", "endpoint") as (url, process):
            with ThreadPoolExecutor(max_workers=BURST) as senders:
                sent = [senders.submit(_ask, url, slack, str(i)) for i in range(BURST)]
                # The 4 answer workers are all stuck on users.info: the burst is in flight.
                wait_for(lambda: len(slack.method_calls("users.info")) >= 4, "the answers to start")
                signalled = time.monotonic()
                process.send_signal(signal.SIGTERM)
                # Read both pipes while waiting: serve logs every failed lookup, enough to fill one.
                out, err = process.communicate(timeout=EXIT_SECONDS + 10)
                code = process.returncode
                took = time.monotonic() - signalled
                answers = [future.result() for future in sent]
        slack.release()

    assert code == 0, err
    assert took < EXIT_SECONDS, f"{took:.1f}s"  # grace 2 s; the bound is for busy machines
    replies = [a for a in answers if isinstance(a, requests.Response)]
    assert [r.status_code for r in replies if r.status_code != 200] == []  # never a 500
    working = [
        str(i) for i, a in enumerate(answers) if isinstance(a, requests.Response) and a.json()["text"] == WORKING
    ]
    assert working, "some requests were acknowledged as in progress"
    for name in working:  # exactly one message each: the answer, or "ask again"
        assert len(slack.responses_to[name]) == 1, (name, slack.responses_to[name])
    told = [name for name in working if slack.responses_to[name][0]["text"] == RESTARTED]
    # users.info never answers (the lookup gives up after 3 s, past the 2 s grace): the answers
    # asked for after the signal cannot be ready; only one begun well before it could be.
    assert told and len(told) >= len(working) - 4
    assert f"{len(told)} answers not ready in time" in out
    assert "Traceback" not in err


def test_a_second_signal_exits_at_once(tmp_path):
    # A grace far longer than the bound: exiting within it is the second signal's doing.
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG.format(grace=120, load_processes=0))
    with FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        slack.hold("users.info")
        with serving(tmp_path, serve_env(tmp_path, slack), "--role", "endpoint") as (url, process):
            with ThreadPoolExecutor(max_workers=4) as senders:
                sent = [senders.submit(_ask, url, slack, str(i)) for i in range(4)]
                wait_for(lambda: len(slack.method_calls("users.info")) >= 4, "the answers to start")
                process.send_signal(signal.SIGTERM)
                read_until(process.stdout, "stopping within 120s")
                signalled = time.monotonic()
                process.send_signal(signal.SIGINT)
                _out, err = process.communicate(timeout=EXIT_SECONDS + 10)
                code = process.returncode
                took = time.monotonic() - signalled
                for future in sent:
                    future.result()
        slack.release()

    assert code == 128 + signal.SIGINT
    assert took < EXIT_SECONDS
    assert "SIGINT again: exiting now" in err
