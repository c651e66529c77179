"""After each sync the scheduler queues the App Home refresh of those who opened it in the last day."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from rich.console import Console

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.server import scheduler as serve
from notifiers.interactive.home_store import HomeStates
from tests.fakes.slack.api import TOKEN, FakeSlack
from tests.notifiers.slash import conftest as desk

CONFIG = """
[connectors.sample.tiny]
tickets = 50
days = 3

[[teams]]
name = "Billing"
channel = "C0BILLING"
sources = ["sample:tiny:360001"]
leads = ["U0LENA"]

[slash]
admins = ["U0ADA"]
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HELPDESK_KPIS_CONFIG", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpis.db'}")
    with FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("SLACK_API_URL", slack.base_url)
        yield slack


def test_a_sync_refreshes_the_homes_opened_in_the_last_day_only(project):
    slack = project
    ctx = AppContext()
    now = datetime.now(timezone.utc)
    states = HomeStates(ctx.store())
    states.opened("U0LENA", now - timedelta(hours=3))
    states.opened("U0ADA", now - timedelta(hours=25))  # yesterday's visit: not refreshed
    states.choose("U0LENA", period="30d")

    job = serve.build_scheduler(ctx, console=Console(quiet=True), scheduler=BackgroundScheduler()).get_job("sync")
    job.func(*job.args)  # what the scheduler runs every sync_every_minutes
    refresh = job.args[3].__self__
    assert refresh.publisher is not None and refresh.publisher.wait_idle(60)

    assert [p["user_id"] for p in slack.method_calls("views.publish")] == ["U0LENA"]
    assert "Billing · 30d" in str(slack.home_view("U0LENA")["blocks"])  # with her choice
    assert not slack.method_calls("files.getUploadURLExternal")  # a refresh uploads no chart


def test_without_a_slack_token_a_sync_refreshes_nothing(project, monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    ctx = AppContext()
    HomeStates(ctx.store()).opened("U0LENA", datetime.now(timezone.utc))
    job = serve.build_scheduler(ctx, console=Console(quiet=True), scheduler=BackgroundScheduler()).get_job("sync")
    job.func(*job.args)
    assert job.args[3].__self__.publisher is None
