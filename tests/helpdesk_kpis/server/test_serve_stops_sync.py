"""SIGTERM stops `serve` in the middle of its scheduled sync, within a bound: the sync stops at its
next page boundary and keeps what it stored; a sync stuck mid-page does not hold the exit.

The fake Zendesk holds the third page of the ticket export, so the signal always comes mid-sync.
"""

from __future__ import annotations

import signal
import time

from kpis.records import Ticket
from kpis.store import Store
from tests.fakes.zendesk import Account, FakeZendesk, RealClock, populate
from tests.helpdesk_kpis.server.serving import serve_env, serving

EXPORT = "incremental/tickets"
PAGE = 100
CONFIG = """
[connectors.zendesk.default]
export_requests_per_minute = 1000000

[server]
shutdown_grace_seconds = {grace}
"""
#: Generous bounds for busy machines (12.6 asks for 10 s with the default grace of 5 s).
WAIT_SECONDS = 60
STOP_SECONDS = 20


def _zendesk() -> FakeZendesk:
    clock = RealClock()
    account = Account(clock)
    populate(account, tickets=1000, seed=5)
    return FakeZendesk(account, clock, page_cap=PAGE, export_per_minute=10**6, account_per_minute=10**6)


def _env(tmp_path, fake: FakeZendesk) -> dict[str, str]:
    env = {k: v for k, v in serve_env(tmp_path).items() if not k.startswith("ZENDESK_")}
    env.update(ZENDESK_URL=fake.url, ZENDESK_EMAIL=fake.email, ZENDESK_API_TOKEN=fake.token)
    return env


def _tickets(tmp_path) -> int:
    store = Store.open(f"sqlite:///{tmp_path / 'kpis.db'}")
    try:
        return len(list(store.iter_records(Ticket)))
    finally:
        store.close()


def test_sigterm_stops_serve_mid_sync_at_the_page_boundary(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG.format(grace=5))
    with _zendesk() as fake:
        held = fake.hold(EXPORT, skip=2)
        with serving(tmp_path, _env(tmp_path, fake), "--role", "scheduler") as (_url, process):
            assert held.reached.wait(WAIT_SECONDS), "the scheduled sync never asked for the third page"
            signalled = time.monotonic()
            process.send_signal(signal.SIGTERM)
            held.release.set()
            out, err = process.communicate(timeout=STOP_SECONDS + 10)  # both pipes read meanwhile
            code = process.returncode
            took = time.monotonic() - signalled
        exports = len(fake.requests_to(EXPORT))

    assert code == 0, err
    assert took < STOP_SECONDS, f"{took:.1f}s"
    assert "sync stopped at a page boundary; the next run resumes from there" in out
    assert exports == 3  # nothing asked after the page in flight
    assert _tickets(tmp_path) == 3 * PAGE  # and that page is stored


def test_a_sync_stuck_mid_page_does_not_hold_the_exit(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG.format(grace=1))
    with _zendesk() as fake:
        held = fake.hold(EXPORT, skip=2)  # never released before serve is gone
        with serving(tmp_path, _env(tmp_path, fake), "--role", "scheduler") as (_url, process):
            assert held.reached.wait(WAIT_SECONDS), "the scheduled sync never asked for the third page"
            signalled = time.monotonic()
            process.send_signal(signal.SIGTERM)
            out, _err = process.communicate(timeout=STOP_SECONDS + 10)  # both pipes read meanwhile
            code = process.returncode
            took = time.monotonic() - signalled
        held.release.set()

    assert code == 0
    assert took < STOP_SECONDS, f"{took:.1f}s"
    assert "the running job did not stop within 1s; what it stored is kept and the next run resumes" in out
    assert _tickets(tmp_path) == 2 * PAGE  # the two pages before the stuck one
