"""A sync killed with SIGKILL at any moment resumes with nothing lost and nothing duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kpis.records import Agent, Membership, Rating, Team, Ticket
from kpis.store import Store
from tests.fakes.zendesk import Account, FakeZendesk, RealClock, populate

ROOT = Path(__file__).resolve().parents[3]
KINDS = (Team, Agent, Membership, Ticket, Rating)


def _env(url: str, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "DATABASE_URL", "HELPDESK_KPIS"))}
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        ZENDESK_URL=url,
        ZENDESK_EMAIL="admin@acme.test",
        ZENDESK_API_TOKEN="test-api-token",
        PYTHONPATH=str(ROOT),
    )
    return env


def _sync(cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "helpdesk_kpis.cli", "sync"],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _contents(db: Path) -> dict[str, list]:
    store = Store.open(f"sqlite:///{db}")
    try:
        return {kind.__name__: list(store.iter_records(kind)) for kind in KINDS}
    finally:
        store.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_syncs_resume_to_the_same_store_as_a_clean_run(tmp_path):
    clock = RealClock()
    account = Account(clock)
    populate(account, tickets=3000, seed=21)
    # Small pages and a little latency: a sync of many pages, long enough to be killed mid-way.
    fake = FakeZendesk(account, clock, page_cap=100, latency=0.02, export_per_minute=10**6, account_per_minute=10**6)
    (tmp_path / "helpdesk-kpis.toml").write_text("[connectors.zendesk.default]\nexport_requests_per_minute = 1000000\n")
    with fake:
        clean = _sync(tmp_path, _env(fake.url, tmp_path / "clean.db"))
        assert clean.wait(timeout=120) == 0, clean.stderr.read().decode()
        pages = len(fake.log)

        env = _env(fake.url, tmp_path / "killed.db")
        killed_mid_run = 0
        # Kill after this many requests of the run, plus a few ms: while a page is on its way,
        # being mapped, or being written -- in the directory, the tickets and the ratings.
        for requests, extra in ((2, 0.0), (9, 0.013), (14, 0.031), (11, 0.007), (pages // 3, 0.022)):
            before = len(fake.log)
            run = _sync(tmp_path, env)
            deadline = time.monotonic() + 60
            while len(fake.log) - before < requests and run.poll() is None and time.monotonic() < deadline:
                time.sleep(0.002)
            time.sleep(extra)
            if run.poll() is None:
                run.send_signal(signal.SIGKILL)
                killed_mid_run += 1
            run.wait(timeout=60)
        final = _sync(tmp_path, env)
        assert final.wait(timeout=120) == 0, final.stderr.read().decode()

    assert killed_mid_run == 5
    clean_store, resumed_store = _contents(tmp_path / "clean.db"), _contents(tmp_path / "killed.db")
    assert len(clean_store["Ticket"]) == 3000
    assert resumed_store == clean_store
