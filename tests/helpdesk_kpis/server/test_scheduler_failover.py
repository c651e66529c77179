"""Two `serve --role scheduler` processes on one store (SQLite file, PostgreSQL): one runs the jobs,
the other stands by; kill -9 the first and the second takes over, posting nothing twice."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.fakes.slack.api import FakeSlack
from tests.helpdesk_kpis.server.serving import STOP_SECONDS, free_port, interrupt, serve_env

# A breach every evaluation finds (no CSAT reaches 101%): the first scheduler posts it once; the
# one that takes over finds it already announced in the store.
CONFIG = """
[connectors.sample.demo]
tickets = 300
days = 20

[digest]
leads_channel = "#support-leads"

[schedule]
failover_seconds = 3

[[alerts]]
id = "csat-ceiling"
kpi = "csat"
operator = "<"
threshold = 101
"""

#: Generous bounds for busy CI cores; every wait ends as soon as its line appears.
UP_SECONDS = 60
TAKEOVER_SECONDS = 60


class Scheduler:
    """One `serve --role scheduler` process whose output goes to a file the test reads as it grows."""

    def __init__(self, tmp_path: Path, env: dict[str, str], name: str) -> None:
        self.out = tmp_path / f"{name}.out"
        self._file = self.out.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "helpdesk_kpis.cli", "serve", "--role", "scheduler", "--host", "127.0.0.1",
             "--port", str(free_port())],
            cwd=tmp_path, env=env, stdout=self._file, stderr=subprocess.STDOUT, text=True,
        )

    def text(self) -> str:
        return self.out.read_text()

    def stop(self) -> None:
        interrupt(self.process)
        self._file.close()


def wait_until(condition, seconds: float, what: str, *schedulers: Scheduler) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {s.out.name}\n{s.text()}" for s in schedulers)
            pytest.fail(f"{what} did not happen within {seconds}s\n{logs}")
        time.sleep(0.1)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_one_scheduler_runs_and_the_other_takes_over_after_kill_9(tmp_path, store_url):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack:
        slack.add_channel("support-leads", "C0LEADS001")
        env = {**serve_env(tmp_path, slack), "DATABASE_URL": store_url}
        # Started in the same instant: the store's lease decides, not who came first.
        first, second = Scheduler(tmp_path, env, "first"), Scheduler(tmp_path, env, "second")
        both = (first, second)
        try:
            wait_until(lambda: any("1 breach started" in s.text() for s in both), UP_SECONDS, "the first alert", *both)
            wait_until(lambda: all("standing by" in s.text() or "lease taken" in s.text() for s in both),
                       UP_SECONDS, "both schedulers up", *both)
            [leader] = [s for s in both if "scheduler lease taken" in s.text()]
            [standby] = [s for s in both if s is not leader]
            assert "standing by: the scheduler lease is held by" in standby.text()
            assert "synced" not in standby.text()  # a standby runs no job
            assert len(slack.top_level("C0LEADS001")) == 1

            # As if the leader ran on another machine: the standby cannot see it die, only its
            # lease expire (on one machine it would see the dead PID and take over at once).
            engine = create_engine(store_url)
            with engine.begin() as connection:
                connection.execute(text("UPDATE leases SET process = 'another-host/1/1/1' WHERE name = 'scheduler'"))
            engine.dispose()
            leader.process.send_signal(signal.SIGKILL)
            leader.process.wait(timeout=STOP_SECONDS)
            wait_until(lambda: "alerts: 1 rule read" in standby.text(), TAKEOVER_SECONDS, "the takeover", *both)
            out = standby.text()
            assert "scheduler lease taken" in out and "synced" in out
            assert "0 breaches started" in out  # the breach was announced before: nothing posted twice
            assert len(slack.top_level("C0LEADS001")) == 1
        finally:
            for scheduler in both:
                scheduler.stop()
        assert "Traceback" not in first.text() + second.text()


def test_a_scheduler_whose_lease_row_is_edited_by_hand_stops_its_jobs_and_stands_by(tmp_path, sqlite_url):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack:
        slack.add_channel("support-leads", "C0LEADS001")
        env = {**serve_env(tmp_path, slack), "DATABASE_URL": sqlite_url}
        only = Scheduler(tmp_path, env, "only")
        try:
            wait_until(lambda: "alerts: 1 rule read" in only.text(), UP_SECONDS, "the first run", only)
            engine = create_engine(sqlite_url)
            with engine.begin() as connection:
                connection.execute(text("UPDATE leases SET token = 'edited', holder = 'someone:1' WHERE name = 'scheduler'"))
            engine.dispose()
            lost = "lost the scheduler lease: its row names another holder now (taken over, or edited); standing by"
            wait_until(lambda: lost in only.text(), TAKEOVER_SECONDS, "the lost lease", only)
            wait_until(lambda: "standing by: the scheduler lease is held by someone:1" in only.text(),
                       TAKEOVER_SECONDS, "standing by", only)
            # The edited row expires like any other: the process takes the lease back and runs again.
            wait_until(lambda: only.text().count("scheduler lease taken") == 2, TAKEOVER_SECONDS, "the retake", only)
            wait_until(lambda: only.text().count("alerts: 1 rule read") == 2, TAKEOVER_SECONDS, "the second run", only)
            assert len(slack.top_level("C0LEADS001")) == 1
        finally:
            only.stop()
        assert only.process.returncode == 0 or "interrupted" in only.text()
        assert "Traceback" not in only.text()
