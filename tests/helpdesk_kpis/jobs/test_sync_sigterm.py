"""SIGTERM stops `sync` at its next page boundary: exit 143, a line saying the next run resumes,
the pages stored stay, and the next `sync` goes on from there -- nothing lost, nothing twice.

The fake Zendesk holds the third page of the ticket export until the test has sent the signal,
so the signal always arrives mid-page.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from kpis.records import Rating, Ticket
from kpis.store import Store
from tests.fakes.zendesk import Account, FakeZendesk, RealClock, populate
from tests.fakes.zendesk.expect import ratings_in_fake, ratings_in_store, tickets_in_fake, tickets_in_store
from tests.helpdesk_kpis.jobs.test_zendesk_kill import _env

EXPORT = "incremental/tickets"
PAGE = 100
#: Generous: a Python process syncing on a machine whose cores are busy.
RUN_SECONDS = 120


def _sync(cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "helpdesk_kpis.cli", "sync"],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _rows(db: Path, kind: type) -> list:
    store = Store.open(f"sqlite:///{db}")
    try:
        return list(store.iter_records(kind))
    finally:
        store.close()


def _desk(tmp_path: Path) -> tuple[Account, FakeZendesk, Path, dict[str, str]]:
    """A 1,000-ticket account served in pages of PAGE, unthrottled, and the environment of a sync."""
    clock = RealClock()
    account = Account(clock)
    populate(account, tickets=1000, seed=5)
    fake = FakeZendesk(account, clock, page_cap=PAGE, export_per_minute=10**6, account_per_minute=10**6)
    (tmp_path / "helpdesk-kpis.toml").write_text("[connectors.zendesk.default]\nexport_requests_per_minute = 1000000\n")
    db = tmp_path / "kpis.db"
    return account, fake, db, _env("", db)


def test_sigterm_mid_page_stops_at_the_boundary_and_the_next_sync_resumes(tmp_path):
    account, fake, db, env = _desk(tmp_path)
    with fake:
        env["ZENDESK_URL"] = fake.url
        held = fake.hold(EXPORT, skip=2)  # pages 1 and 2 answered; page 3 waits for the signal
        run = _sync(tmp_path, env)
        assert held.reached.wait(RUN_SECONDS), "the sync never asked for the third page"
        run.send_signal(signal.SIGTERM)
        held.release.set()
        out, err = run.communicate(timeout=RUN_SECONDS)
        first_run_exports = len(fake.requests_to(EXPORT))

        assert run.returncode == 143, err
        assert "sync stopped by SIGTERM at a page boundary" in err and "the next sync resumes" in err
        assert "Traceback" not in err
        # The held page was on its way: it is stored, and nothing after it was asked for.
        assert first_run_exports == 3
        stored = _rows(db, Ticket)
        assert len(stored) == 3 * PAGE
        assert _rows(db, Rating) == []  # the ratings stream (after the tickets) never started

        again = _sync(tmp_path, env)
        out, err = again.communicate(timeout=RUN_SECONDS)
        assert again.returncode == 0, err

    tickets = _rows(db, Ticket)
    assert len(tickets) == len({t.id for t in tickets}) == len(account.tickets)  # nothing twice, nothing lost
    store = Store.open(f"sqlite:///{db}")
    try:
        assert tickets_in_store(store) == tickets_in_fake(account)
        assert ratings_in_store(store) == ratings_in_fake(account)
    finally:
        store.close()
    # The second run went on from the stored cursor: the first three pages were not asked again.
    second_run_exports = fake.requests_to(EXPORT)[first_run_exports:]
    assert "cursor" in second_run_exports[0].params


def test_sigterm_before_a_long_retry_after_stops_without_sitting_it_out(tmp_path):
    account, fake, db, env = _desk(tmp_path)
    with fake:
        env["ZENDESK_URL"] = fake.url
        # Page 3 waits for the signal, then is refused with a 429 asking for 10 minutes.
        held = fake.hold(EXPORT, skip=2, then="429", retry_after=600)
        run = _sync(tmp_path, env)
        assert held.reached.wait(RUN_SECONDS), "the sync never asked for the third page"
        signalled = time.monotonic()
        run.send_signal(signal.SIGTERM)
        held.release.set()
        _out, err = run.communicate(timeout=RUN_SECONDS)
        took = time.monotonic() - signalled

    assert run.returncode == 143, err
    assert took < RUN_SECONDS  # far less than the 600 s asked for
    assert "sync stopped by SIGTERM at a page boundary" in err
    assert len(_rows(db, Ticket)) == 2 * PAGE  # the refused page is left for the next run
