"""`sync` while another sync of the same connector instance runs: skipped (exit 0), or `--wait`;
a sync killed with SIGKILL never leaves the lock held."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kpis.records import Ticket
from kpis.store import Store
from kpis.store.leases import Lease
from tests.fakes.zendesk import Account, FakeZendesk, RealClock, populate
from tests.helpdesk_kpis.jobs.test_zendesk_kill import _env as zendesk_env

CONFIG = "[connectors.sample.demo]\ntickets = 200\ndays = 10\n\n[schedule]\nfailover_seconds = 3\n"
#: Generous bounds for busy CI cores; each wait ends as soon as what it waits for happens.
RUN_SECONDS = 120


def _sync(tmp_path: Path, url: str, *options: str, out: Path | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "HELPDESK_KPIS"))}
    env["DATABASE_URL"] = url
    return subprocess.Popen(
        [sys.executable, "-m", "helpdesk_kpis.cli", "sync", "--no-alerts", *options], cwd=tmp_path, env=env,
        stdout=(out or tmp_path / "sync.out").open("w"), stderr=subprocess.STDOUT, text=True,
    )


def _held_elsewhere(store: Store) -> Lease:
    lease = Lease(store, "sync:sample:demo", failover_seconds=60, holder="ops-box:4242")
    assert lease.try_acquire()
    return lease


def test_a_sync_of_an_instance_another_process_is_syncing_is_skipped_with_exit_0(tmp_path, store_url):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    store = Store.open(store_url)
    _held_elsewhere(store)
    run = _sync(tmp_path, store_url)
    assert run.wait(timeout=RUN_SECONDS) == 0
    out = (tmp_path / "sync.out").read_text()
    first = out.splitlines()[0]
    assert first.startswith("skipped: sample:demo is being synced by another process (held by ops-box:4242 since ")
    assert "Traceback" not in out
    assert store.count(Ticket) == 0  # nothing synced twice
    store.close()


def test_sync_wait_waits_for_the_other_sync_then_runs(tmp_path, store_url):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    store = Store.open(store_url)
    other = _held_elsewhere(store)
    run = _sync(tmp_path, store_url, "--wait")
    out = tmp_path / "sync.out"
    deadline = time.monotonic() + RUN_SECONDS
    while "waiting: sample:demo is being synced by another process (held by ops-box:4242" not in out.read_text():
        assert run.poll() is None and time.monotonic() < deadline, out.read_text()
        time.sleep(0.1)
    assert store.count(Ticket) == 0
    other.release()  # the other sync finishes
    assert run.wait(timeout=RUN_SECONDS) == 0, out.read_text()
    assert "synced" in out.read_text() and "skipped" not in out.read_text()
    assert store.count(Ticket) == 200
    store.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_sync_killed_with_sigkill_leaves_no_lock_behind(tmp_path):
    clock = RealClock()
    account = Account(clock)
    populate(account, tickets=3000, seed=5)
    # Small pages and some latency: the sync is still running when it is killed.
    fake = FakeZendesk(account, clock, page_cap=100, latency=0.02, export_per_minute=10**6, account_per_minute=10**6)
    (tmp_path / "helpdesk-kpis.toml").write_text(
        "[connectors.zendesk.default]\nexport_requests_per_minute = 1000000\n\n[schedule]\nfailover_seconds = 3\n"
    )
    db = tmp_path / "kpis.db"
    with fake:
        env = zendesk_env(fake.url, db)
        killed = subprocess.Popen([sys.executable, "-m", "helpdesk_kpis.cli", "sync"], cwd=tmp_path, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + RUN_SECONDS
        while len(fake.log) < 8:  # well into the sync: its lock is held
            assert killed.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=RUN_SECONDS)
        store = Store.open(f"sqlite:///{db}")
        holder = Lease(store, "sync:zendesk:default", failover_seconds=3).current()
        assert holder is None or holder.holder.endswith(f":{killed.pid}")
        # The next sync (cron's, say) gets the lock once the dead one's has expired, and finishes.
        after = subprocess.run([sys.executable, "-m", "helpdesk_kpis.cli", "sync", "--wait"], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=RUN_SECONDS)
        assert after.returncode == 0, after.stderr
        assert "synced" in after.stdout and "Traceback" not in after.stderr
        assert store.count(Ticket) == 3000
        store.close()
