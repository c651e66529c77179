"""`serve --socket-mode`: `/kpi` over Slack's Socket Mode, against a local fake of its protocol."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from notifiers.slash.app import WORKING
from notifiers.slash.inflight import RESTARTED
from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.signing import command_fields
from tests.fakes.slack.socket_mode import APP_TOKEN, FakeSocketMode
from tests.helpdesk_kpis.server.serving import ENDPOINT_CONFIG, read_until, serve_env, serving, wait_for
from tests.notifiers.slash import conftest as desk

CONFIG = ENDPOINT_CONFIG


def socket_env(tmp_path, slack, token=APP_TOKEN):
    env = serve_env(tmp_path, slack)
    env.pop("SLACK_SIGNING_SECRET")  # Socket Mode payloads are not signed: no secret needed
    env["SLACK_APP_TOKEN"] = token
    return env


def ask(socket: FakeSocketMode, text: str) -> dict:
    ack = socket.send_command(command_fields(text, user_id="U0OTTO", channel_id="C0BILLING"))
    return ack["payload"]


def test_kpi_is_answered_over_socket_mode_and_survives_a_disconnect_and_a_dropped_connection(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack, FakeSocketMode() as socket:
        slack.socket_mode = socket
        slack.users.update(desk.SLACK_USERS)
        with serving(tmp_path, socket_env(tmp_path, slack), "--role", "endpoint", "--socket-mode") as (url, process):
            assert socket.wait_connected(1)
            assert "Billing" in ask(socket, "team billing csat")["text"]
            health = requests.get(url + "/healthz", timeout=10).json()
            assert health == {"status": "ok", "role": "endpoint", "store": "ok", "socket_mode": "connected",
                              "connectors": {}}

            socket.disconnect("refresh_requested")  # Slack moves the app to a new connection
            assert socket.wait_connected(2)
            assert "Billing" in ask(socket, "team billing csat")["text"]

            socket.drop()  # the network cuts the connection without a word
            assert socket.wait_connected(3, timeout=60)
            assert "Billing" in ask(socket, "team billing frt")["text"]
            assert requests.post(url + "/slack/events", data=b"x", timeout=5).status_code == 404  # nothing listens for Slack
        assert process.returncode == 0
    # Every connection came from a URL the app asked apps.connections.open for, with the app token.
    assert len(slack.method_calls("apps.connections.open")) >= 3


def test_two_socket_mode_endpoints_each_answer_what_slack_sends_to_their_connection(tmp_path):
    # The firewalled shape scaled out: Slack sends each envelope to one of the app's connections.
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack, FakeSocketMode() as socket:
        slack.socket_mode = socket
        slack.users.update(desk.SLACK_USERS)
        env = socket_env(tmp_path, slack)
        with serving(tmp_path, env, "--role", "endpoint", "--socket-mode") as (_url, first), \
                serving(tmp_path, env, "--role", "endpoint", "--socket-mode") as (_url2, second):
            assert socket.wait_connected(2, live=2)
            answers = [ask(socket, "team billing csat")["text"] for _ in range(12)]
        assert (first.returncode, second.returncode) == (0, 0)
    assert all("Billing" in answer for answer in answers)
    assert len(socket.sent_on) == 2, socket.sent_on  # each process answered some of the twelve


#: A grace long enough for the held answer to finish once released; the bound is for busy machines.
GRACE_SECONDS = 10
EXIT_SECONDS = GRACE_SECONDS + 20


def test_sigterm_with_an_answer_in_flight_acknowledges_it_and_posts_the_answer_before_exiting(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG + f"\n[server]\nshutdown_grace_seconds = {GRACE_SECONDS}\n")
    with FakeSlack() as slack, FakeSocketMode() as socket:
        slack.socket_mode = socket
        slack.users.update(desk.SLACK_USERS)
        with serving(tmp_path, socket_env(tmp_path, slack), "--role", "endpoint", "--socket-mode") as (_url, process):
            assert socket.wait_connected(1)
            # Who asks (users.info) is held unanswered: the answer is in flight, deterministically.
            slack.hold("users.info")
            fields = command_fields("team billing csat", user_id="U0LENA", channel_id="C0BILLING",
                                    response_url=slack.response_url("late"))
            with ThreadPoolExecutor(max_workers=1) as sender:
                acked = sender.submit(socket.send_command, fields)
                wait_for(lambda: slack.method_calls("users.info"), "the answer to start")
                # The answer cannot finish while users.info is held, so the acknowledgement is
                # "Working on it…" whenever the inline wait ends; wait for it before the signal
                # so that a busy machine cannot let the release come first.
                ack = acked.result(timeout=EXIT_SECONDS)
                signalled = time.monotonic()
                process.send_signal(signal.SIGTERM)
                read_until(process.stdout, f"stopping within {GRACE_SECONDS}s")
                slack.release()  # the drain has begun: now the answer can finish
                _out, err = process.communicate(timeout=EXIT_SECONDS + 10)
                took = time.monotonic() - signalled
            posted = slack.wait_for_responses(1)

    assert process.returncode == 0, err
    assert took < EXIT_SECONDS, f"{took:.1f}s"
    assert ack["payload"]["text"] == WORKING  # acknowledged before the connection closed
    assert len(slack.responses_to["late"]) == 1, posted  # exactly one message: the answer itself
    answer = slack.responses_to["late"][0]["text"]
    assert answer != RESTARTED
    assert "Billing" in answer
    assert "Traceback" not in err


def run_serve(tmp_path, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "helpdesk_kpis.cli", "serve", "--role", "endpoint", "--socket-mode", "--port", "0"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_a_refused_app_token_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack, FakeSocketMode() as socket:
        slack.socket_mode = socket
        done = run_serve(tmp_path, socket_env(tmp_path, slack, token="xapp-1-A0FAKE-1-revoked"))
    assert done.returncode == 2
    assert "SLACK_APP_TOKEN was refused by Slack (apps.connections.open: invalid_auth)" in done.stderr
    assert "Traceback" not in done.stderr
    assert "revoked" not in done.stderr + done.stdout  # never the token itself


def test_a_missing_or_bot_token_in_place_of_the_app_token_is_named(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack:
        env = socket_env(tmp_path, slack)
        env.pop("SLACK_APP_TOKEN")
        missing = run_serve(tmp_path, env)
        bot = run_serve(tmp_path, socket_env(tmp_path, slack, token="xoxb-test-token"))
    assert missing.returncode == 2
    assert "Socket Mode needs SLACK_APP_TOKEN" in missing.stderr
    assert bot.returncode == 2
    assert "SLACK_APP_TOKEN is not an app-level token (it starts with xapp-)" in bot.stderr
    assert "Traceback" not in missing.stderr + bot.stderr


def test_a_refused_websocket_is_one_line_and_exit_1(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack:
        with FakeSocketMode() as socket:
            slack.socket_mode = socket
        # Stopped: apps.connections.open still hands out its URL, where nothing answers any more.
        done = run_serve(tmp_path, socket_env(tmp_path, slack))
    assert done.returncode == 1
    assert "Slack's Socket Mode connection could not be opened" in done.stderr
    assert "Traceback" not in done.stderr
