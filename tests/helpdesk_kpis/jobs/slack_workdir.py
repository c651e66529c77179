"""A working directory for running the CLI against the fake Slack: its store, token and clock."""

from __future__ import annotations

from datetime import datetime

from helpdesk_kpis.jobs import slack_runs
from tests.fakes.slack.api import TOKEN, FakeSlack


def use_fake_slack(tmp_path, monkeypatch, fake: FakeSlack, now: datetime) -> str:  # noqa: ANN001 - pytest's
    """Run commands in ``tmp_path`` with a SQLite store there, ``fake`` as Slack and ``now`` as the clock;
    the store's URL."""
    monkeypatch.chdir(tmp_path)
    for name in ("HELPDESK_KPIS_CONFIG", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite:///{tmp_path / 'kpis.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_API_URL", fake.base_url)
    monkeypatch.setattr("helpdesk_kpis.cli._now", lambda: now)
    monkeypatch.setattr(slack_runs, "clock", lambda: now)
    return url
