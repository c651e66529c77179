"""`serve --role`: an endpoint-only process needs no connector configuration and runs no jobs."""

from __future__ import annotations

import subprocess
import sys

import requests

from tests.fakes.slack.api import FakeSlack
from tests.helpdesk_kpis.server.serving import ENDPOINT_CONFIG, ask, serve_env, serving
from tests.notifiers.slash import conftest as desk

CONFIG = ENDPOINT_CONFIG


def test_endpoint_role_answers_without_connectors_and_schedules_nothing(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        with serving(tmp_path, serve_env(tmp_path, slack), "--role", "endpoint") as (url, process):
            answer = ask(url, slack, "team billing csat")
            assert answer.status_code == 200
            assert "Billing" in answer.json()["text"]
        out = process.stdout.read()
        assert process.returncode == 0
        assert "role endpoint" in out
        assert "scheduled:" not in out  # no sync, no digest in this process


def test_unknown_role_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    env = serve_env(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "helpdesk_kpis.cli", "serve", "--role", "leader"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert "unknown role 'leader'; use one of: all, endpoint, scheduler" in done.stderr
    assert "Traceback" not in done.stderr


def test_scheduler_role_runs_jobs_and_answers_healthz_but_not_slack(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text("[connectors.sample.tiny]\ntickets = 20\ndays = 3\n")
    with serving(tmp_path, serve_env(tmp_path), "--role", "scheduler") as (url, process):
        health = requests.get(url + "/healthz", timeout=5)
        assert health.status_code == 200
        body = health.json()
        assert (body["status"], body["role"], body["store"]) == ("ok", "scheduler", "ok")
        assert isinstance(body["leader"], bool)
        assert requests.post(url + "/slack/events", data=b"x", timeout=5).status_code == 404
    out = process.stdout.read()
    assert "scheduled: sync every 15 min" in out
