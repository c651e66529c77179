"""`serve` as a user runs it: its own process on a free port, up when /healthz answers, stopped by SIGINT."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.fakes.slack.api import TOKEN, FakeSlack
from tests.fakes.slack.signing import SIGNING_SECRET, command_body, signed_headers

#: Generous: starting Python, the store and the scheduler on a machine whose cores are busy.
START_SECONDS = 30
#: How many free ports serve may lose to another server before a test gives up.
PORT_ATTEMPTS = 3
STOP_SECONDS = 30
#: Generous: for something a test triggered to show (a request in flight, a line of serve's output).
SETTLE_SECONDS = 30


#: One team and its lead, and no [connectors...] section at all: an endpoint process only reads the store.
#: The tests read their answers inline, a first read of the store included: a generous inline wait.
ENDPOINT_CONFIG = """
[[teams]]
name = "Billing"
channel = "C0BILLING"
sources = ["zendesk:acme:1"]
leads = ["U0LENA"]

[slash]
inline_seconds = 2.0
"""


def ask(url: str, slack: FakeSlack, text: str, *, secret: str = SIGNING_SECRET) -> requests.Response:
    """``/kpi text`` from Otto in Billing's channel, signed with ``secret``, over HTTP."""
    body = command_body(text, user_id="U0OTTO", channel_id="C0BILLING", response_url=slack.response_url())
    return requests.post(url + "/slack/events", data=body, headers=signed_headers(body, secret=secret), timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_env(tmp_path: Path, slack: FakeSlack | None = None) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'kpis.db'}"}
    if slack is not None:
        env.update(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=slack.base_url)
    env.pop("HELPDESK_KPIS_CONFIG", None)
    return env


@contextmanager
def serving(
    tmp_path: Path, env: dict[str, str], *options: str, global_options: tuple[str, ...] = ()
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``serve *options`` on a free port; yields its URL and process once its /healthz answers.

    The port is free when chosen, not when serve binds it a few seconds later: another server
    (a fake in this or another test process) may take it meanwhile. Then serve exits saying it
    cannot listen, and the other server answers our URL -- so only a `/healthz` report of serve's
    own (it names its ``role``) from a process still running counts, and a lost port is chosen again.
    """
    for _attempt in range(PORT_ATTEMPTS):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "helpdesk_kpis.cli", *global_options, "serve", *options,
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            if _came_up(url, process):
                yield url, process
                return
        finally:
            interrupt(process)
    pytest.fail(f"serve lost its port to another server {PORT_ATTEMPTS} times in a row")


def _came_up(url: str, process: subprocess.Popen) -> bool:
    """True once serve answers; False when it exited because another server holds its port."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            answer = requests.get(url + "/healthz", timeout=1)
            if process.poll() is None and "role" in _json(answer):
                return True
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            out, err = process.communicate(timeout=5)
            if process.returncode not in (None, 0) and "cannot listen on" in err:
                return False
            pytest.fail(f"serve did not come up (exit {process.returncode}):\n{out}\n{err}")
        time.sleep(0.1)


def _json(answer: requests.Response) -> dict:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def interrupt(process: subprocess.Popen) -> None:
    """Ctrl-C, as a person stops serve; killed only when it does not stop in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + SETTLE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def read_until(stream, text: str) -> list[str]:  # noqa: ANN001
    """Lines of ``stream`` up to the one containing ``text`` (read in a thread: bounded); the rest
    is left to ``communicate``."""
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        for line in stream:
            lines.append(line)
            if text in line:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    assert found.wait(SETTLE_SECONDS), f"no {text!r} in: {lines}"
    return lines
