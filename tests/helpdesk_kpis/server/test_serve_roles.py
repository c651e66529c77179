"""`serve --role`: an endpoint-only process needs no connector configuration and runs no jobs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.fakes.slack.api import TOKEN, FakeSlack
from tests.fakes.slack.signing import SIGNING_SECRET, command_body, signed_headers
from tests.helpdesk_kpis.server.test_serve_slash import _free_port
from tests.notifiers.slash import conftest as desk

# No [connectors...] section at all: an endpoint process only reads the store.
CONFIG = """
[[teams]]
name = "Billing"
channel = "C0BILLING"
sources = ["zendesk:acme:1"]
leads = ["U0LENA"]
"""


def _env(tmp_path, slack: FakeSlack) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kpis.db'}",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url,
    }
    env.pop("HELPDESK_KPIS_CONFIG", None)
    return env


def test_endpoint_role_answers_without_connectors_and_schedules_nothing(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "helpdesk_kpis.cli", "serve", "--role", "endpoint",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp_path, env=_env(tmp_path, slack), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    out, err = process.communicate(timeout=5)
                    pytest.fail(f"serve did not come up (exit {process.returncode}):\n{out}\n{err}")
                time.sleep(0.1)
            body = command_body("team billing csat", user_id="U0OTTO", channel_id="C0BILLING",
                                response_url=slack.response_url())
            answer = requests.post(url + "/slack/events", data=body, headers=signed_headers(body), timeout=10)
            assert answer.status_code == 200
            assert "Billing" in answer.json()["text"]
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        out = process.stdout.read()
        assert process.returncode == 0
        assert "role endpoint" in out
        assert "scheduled:" not in out  # no sync, no digest in this process


def test_unknown_role_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'kpis.db'}"}
    env.pop("HELPDESK_KPIS_CONFIG", None)
    done = subprocess.run(
        [sys.executable, "-m", "helpdesk_kpis.cli", "serve", "--role", "leader"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert "unknown role 'leader'; use one of: all, endpoint, scheduler" in done.stderr
    assert "Traceback" not in done.stderr


def test_scheduler_role_runs_jobs_and_answers_healthz_but_not_slack(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text("[connectors.sample.tiny]\ntickets = 20\ndays = 3\n")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'kpis.db'}"}
    env.pop("HELPDESK_KPIS_CONFIG", None)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "helpdesk_kpis.cli", "serve", "--role", "scheduler", "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = requests.get(url + "/healthz", timeout=1)
                break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                out, err = process.communicate(timeout=5)
                pytest.fail(f"serve did not come up (exit {process.returncode}):\n{out}\n{err}")
            time.sleep(0.1)
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "role": "scheduler", "store": "ok"}
        assert requests.post(url + "/slack/events", data=b"x", timeout=5).status_code == 404
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    out = process.stdout.read()
    assert "scheduled: sync every 15 min" in out
