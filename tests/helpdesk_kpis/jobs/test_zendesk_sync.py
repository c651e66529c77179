"""`helpdesk-kpis sync` against a fake Zendesk on a compressed clock, as a user runs it."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

import pytest

from connectors.http import clock as clocks
from helpdesk_kpis import cli
from helpdesk_kpis.cli import main
from kpis.records import Agent, Membership, Rating, Team, Ticket
from kpis.store import Store
from tests.fakes.zendesk import Account, CompressedClock, FakeZendesk, populate
from tests.fakes.zendesk.expect import ratings_in_fake, ratings_in_store, tickets_in_fake, tickets_in_store

TOKEN = "test-api-token"


@pytest.fixture
def clock(monkeypatch) -> CompressedClock:
    """One compressed clock for the fake, the connector's waits and the CLI's "now"."""
    shared = CompressedClock()
    monkeypatch.setattr(clocks, "default_clock", lambda: shared)
    monkeypatch.setattr(cli, "_now", lambda: datetime.fromtimestamp(int(shared.epoch()), tz=timezone.utc))
    return shared


@pytest.fixture
def account(clock) -> Account:
    account = Account(clock)
    populate(account, tickets=1500)
    return account


@pytest.fixture
def fake(account, clock):
    with FakeZendesk(account, clock) as server:
        yield server


@pytest.fixture
def workdir(tmp_path, monkeypatch, fake):
    monkeypatch.chdir(tmp_path)
    for name in ("HELPDESK_KPIS_CONFIG", "ZENDESK_SUBDOMAIN", "ZENDESK_OAUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpis.db'}")
    monkeypatch.setenv("ZENDESK_URL", fake.url)
    monkeypatch.setenv("ZENDESK_EMAIL", "admin@acme.test")
    monkeypatch.setenv("ZENDESK_API_TOKEN", TOKEN)
    return tmp_path


def sync(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["sync", *args])
    out, err = capsys.readouterr()
    return code, out, err


def store(workdir) -> Store:
    return Store.open(f"sqlite:///{workdir / 'kpis.db'}")


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_first_sync_stores_the_account_exactly_with_metrics_from_the_sideload(workdir, fake, account, clock, capsys):
    code, out, err = sync(capsys)
    assert code == 0, err
    assert "synced" in out
    s = store(workdir)
    assert tickets_in_store(s) == tickets_in_fake(account)
    assert ratings_in_store(s) == ratings_in_fake(account)
    assert {a.email for a in s.iter_records(Agent)} == {u["email"] for u in account.users.values()}
    assert {t.name for t in s.iter_records(Team)} == {"Billing", "Technical", "Returns"}
    assert s.count(Membership) == len(account.memberships)
    # 1500 tickets: two export pages of 1000 asked for, with the metric sets; never a metric call.
    export = fake.requests_to("/incremental/tickets/cursor")
    assert len(export) == 2
    assert all(r.params["per_page"] == ["1000"] and r.params["include"] == ["metric_sets"] for r in export)
    assert not fake.requests_to("metric")
    assert not fake.violations
    # The default --since is 90 days back, and the link points at the agent interface.
    assert int(export[0].params["start_time"][0]) == int(clock.epoch()) - 90 * 86400
    ticket = next(iter(s.iter_records(Ticket)))
    assert ticket.url == f"{fake.url}/agent/tickets/{ticket.id}"


def test_deleted_scrubbed_and_merged_tickets_are_kept_and_marked(workdir, account, capsys):
    open_ticket = next(t for t in account.tickets if account.tickets[t]["status"] == "open")
    solved = [t for t in account.tickets if account.tickets[t]["status"] == "solved"]
    account.delete(open_ticket)
    account.delete(solved[0], scrub=True)
    account.merge(solved[1])
    assert sync(capsys)[0] == 0
    stored = {t.id: t for t in store(workdir).iter_records(Ticket)}
    assert stored[str(open_ticket)].is_deleted and stored[str(open_ticket)].excluded
    assert stored[str(solved[0])].is_deleted and stored[str(solved[0])].subject == "SCRUBBED"
    assert stored[str(solved[1])].is_merged and not stored[str(solved[1])].is_deleted
    assert stored[str(solved[1])].excluded


def test_second_sync_fetches_only_the_changes_and_matches_the_fake(workdir, fake, account, clock, capsys):
    first_now = int(clock.epoch())
    assert sync(capsys)[0] == 0
    clock.advance(3 * 3600)
    agents = [u for u in account.users if account.users[u]["role"] == "agent"]
    groups = list(account.groups)
    open_tickets = [t for t in account.tickets if account.tickets[t]["status"] == "open"][:3]
    solved_tickets = [t for t in account.tickets if account.tickets[t]["status"] == "solved"]
    account.solve(open_tickets[0])
    account.reopen(solved_tickets[0])
    account.reassign(open_tickets[1], agents[-1], groups[-1])
    new_ticket = account.add_ticket(created=clock.epoch() - 600, assignee=agents[0], group=groups[0])
    rated = account.rate(open_tickets[0], "bad", comment="too slow")
    changed = next(iter(account.ratings))
    account.change_rating(changed, "bad" if account.ratings[changed]["score"] == "good" else "good", "changed my mind")
    fake.forget()
    clock.advance(120)

    code, out, err = sync(capsys)
    assert code == 0, err
    # One export page, resumed from the first sync's cursor, carrying exactly the 4 changed tickets
    # (solved, reopened, reassigned, created; the rated one is the solved one).
    export = fake.requests_to("/incremental/tickets/cursor")
    assert len(export) == 1 and "cursor" in export[0].params and "start_time" not in export[0].params
    assert export[0].items == 4
    # Ratings: only the new and the changed one since the first sync (minus the overlap).
    ratings = fake.requests_to("satisfaction_ratings")
    assert [r.items for r in ratings] == [2]
    assert ratings[0].params["start_time"] == [str(first_now - 10 * 60)]  # the default 10 minutes' overlap
    s = store(workdir)
    assert tickets_in_store(s) == tickets_in_fake(account)
    assert ratings_in_store(s) == ratings_in_fake(account)
    stored = {t.id: t for t in s.iter_records(Ticket)}
    assert stored[str(solved_tickets[0])].solved_at is None and stored[str(solved_tickets[0])].reopens == 1
    assert stored[str(new_ticket)].assignee_id == str(agents[0])
    assert {r.id: r.positive for r in s.iter_records(Rating)}[str(rated)] is False


def test_full_since_rebackfills_from_that_date_without_duplicates(workdir, fake, account, clock, capsys):
    assert sync(capsys)[0] == 0
    before = tickets_in_store(store(workdir))
    fake.forget()
    since = datetime.fromtimestamp(clock.epoch() - 10 * 86400, tz=timezone.utc).date().isoformat()
    code, _, err = sync(capsys, "--full", "--since", since, "--connector", "zendesk")
    assert code == 0, err
    export = fake.requests_to("/incremental/tickets/cursor")
    start = int(datetime.fromisoformat(since).replace(tzinfo=timezone.utc).timestamp())
    assert export[0].params["start_time"] == [str(start)]
    assert fake.requests_to("satisfaction_ratings")[0].params["start_time"] == [str(start)]
    assert tickets_in_store(store(workdir)) == before


def test_new_csat_survey_responses_are_read_on_the_1_to_5_scale(workdir, fake, account, clock, capsys):
    account.csat = "new"
    solved = [t for t in account.tickets if account.tickets[t]["status"] == "solved"][:4]
    answers = {account.respond(t, score, when=clock.epoch() - 7200): score for t, score in zip(solved, (5, 4, 3, 1))}
    code, _, err = sync(capsys)
    assert code == 0, err
    received = {r.id: r for r in store(workdir).iter_records(Rating) if r.id in answers}
    assert {rid: (r.positive, r.score) for rid, r in received.items()} == {
        rid: {5: (True, 1.0), 4: (True, 0.75), 3: (False, 0.5), 1: (False, 0.0)}[score] for rid, score in answers.items()
    }
    # Attributed through the ticket: no agent on the response itself.
    assert all(r.agent_id is None and r.ticket_id in {str(t) for t in solved} for r in received.values())
    # The legacy endpoint answered 404 (not enabled) and the sync went on.
    assert [r.status for r in fake.requests_to("satisfaction_ratings")] == [404]


def test_429_is_honoured_exactly_and_the_wait_shows(workdir, fake, clock, capsys):
    fake.fail("429", "/incremental/tickets/cursor", retry_after=37)
    code, out, err = sync(capsys)
    assert code == 0, err
    assert not fake.violations
    export = fake.requests_to("/incremental/tickets/cursor")
    assert [r.status for r in export] == [429, 200, 200]
    assert export[1].at - export[0].at == 37
    assert "37s waiting on rate limits" in " ".join(out.split())
    tickets_line = next(line for line in out.splitlines() if "tickets" in line)
    assert "37s wait" in tickets_line


def test_export_is_paced_at_ten_requests_a_minute(workdir, fake, account, clock, capsys):
    fake.page_cap = 100  # 1,500 tickets in pages of 100: 15 export pages
    code, out, err = sync(capsys)
    assert code == 0, err
    times = [r.at for r in fake.requests_to("/incremental/tickets/cursor")]
    assert len(times) == 15
    assert all(b - a >= 60 for a, b in zip(times, times[10:]))
    assert not [r for r in fake.log if r.status == 429]  # paced before asking: never refused


def test_proactive_pacing_on_remaining_header(workdir, fake, account, clock, capsys):
    fake.account_per_minute = 5  # the account's limit: 5 requests a minute
    code, _, err = sync(capsys)
    assert code == 0, err
    refused = [r for r in fake.log if r.status == 429]
    assert not refused and not fake.violations
    # With 2 requests kept in reserve for other integrations, 3 requests go out per minute (the
    # eleventh asks whether the account has SLA policies; it has none, so no metric events are read).
    assert [r.at for r in fake.log] == [0, 0, 0, 60, 60, 60, 120, 120, 120, 180, 180]


def test_html_502_and_dropped_connections_are_retried(workdir, fake, account, capsys):
    fake.fail("502", "/incremental/tickets/cursor", times=2)
    fake.fail("drop", "satisfaction_ratings")
    code, _, err = sync(capsys)
    assert code == 0, err
    assert tickets_in_store(store(workdir)) == tickets_in_fake(account)
    assert ratings_in_store(store(workdir)) == ratings_in_fake(account)


def test_timeouts_are_retried(workdir, fake, account, capsys):
    (workdir / "helpdesk-kpis.toml").write_text(
        f'[connectors.zendesk.{"default"}]\ntimeout_seconds = 0.2\n'
    )
    fake.fail("slow", "groups", seconds=0.5)
    code, _, err = sync(capsys)
    assert code == 0, err
    assert len(fake.requests_to("groups")) == 2


def test_a_server_that_keeps_failing_stops_the_sync_with_exit_1_and_keeps_the_data(workdir, fake, account, capsys):
    fake.fail("502", "satisfaction_ratings", times=6)  # as many tries as the policy makes
    code, _, err = sync(capsys)
    assert code == 1
    line = one_line(err)
    assert "502" in line and "next run resumes" in line
    assert tickets_in_store(store(workdir)) == tickets_in_fake(account)  # tickets ran before ratings
    code, _, err = sync(capsys)
    assert code == 0, err
    assert ratings_in_store(store(workdir)) == ratings_in_fake(account)


def test_wait_budget_stops_the_sync_cleanly_with_its_checkpoint(workdir, fake, account, clock, capsys):
    (workdir / "helpdesk-kpis.toml").write_text("[connectors.zendesk.default]\nwait_budget_seconds = 100\n")
    populate(account, tickets=1000, seed=5)  # 2,500 tickets: 3 pages
    fake.fail("429", "cursor=", retry_after=3600)  # the second export page: an hour's wait
    code, _, err = sync(capsys)
    assert code == 1
    line = one_line(err)
    assert "wait budget" in line and "next run resumes" in line
    assert not fake.violations
    assert len(tickets_in_store(store(workdir))) == 1000  # the first page is kept
    clock.advance(3600)
    code, _, err = sync(capsys)
    assert code == 0, err
    export = fake.requests_to("/incremental/tickets/cursor")
    assert "cursor" in export[-2].params  # resumed from the checkpoint, not from the start
    assert tickets_in_store(store(workdir)) == tickets_in_fake(account)


@pytest.mark.parametrize("kind", ["html200", "truncated"])
def test_malformed_page_stops_with_one_line_and_loses_nothing(workdir, fake, account, kind, capsys):
    populate(account, tickets=1000, seed=5)
    fake.fail(kind, "cursor=")  # the second export page
    code, _, err = sync(capsys)
    assert code == 1
    line = one_line(err)
    assert ("HTML" in line) if kind == "html200" else ("malformed JSON" in line)
    assert len(tickets_in_store(store(workdir))) == 1000
    code, _, err = sync(capsys)
    assert code == 0, err
    assert tickets_in_store(store(workdir)) == tickets_in_fake(account)


def test_refused_token_names_the_variables(workdir, monkeypatch, capsys):
    monkeypatch.setenv("ZENDESK_API_TOKEN", "wrong-token")
    code, _, err = sync(capsys)
    assert code == 2
    line = one_line(err)
    assert "401" in line and "ZENDESK_EMAIL" in line and "ZENDESK_API_TOKEN" in line
    assert "wrong-token" not in err


def test_ratings_without_an_admin_token_say_so(workdir, fake, capsys):
    fake.fail("403", "satisfaction_ratings")
    code, _, err = sync(capsys)
    assert code == 2
    line = one_line(err)
    assert "satisfaction ratings" in line and "403" in line and "admin" in line and "ZENDESK_API_TOKEN" in line


def test_two_instances_each_keep_their_own_cursor(workdir, fake, account, clock, monkeypatch, capsys):
    other_account = Account(clock, subdomain="acme-eu")
    populate(other_account, tickets=200, seed=11)
    with FakeZendesk(other_account, clock, email="eu@acme.test", token="eu-token") as other:
        (workdir / "helpdesk-kpis.toml").write_text(f'[connectors.zendesk.eu]\nurl = "{other.url}"\n')
        monkeypatch.setenv("ZENDESK_EU_EMAIL", "eu@acme.test")
        monkeypatch.setenv("ZENDESK_EU_API_TOKEN", "eu-token")
        code, _, err = sync(capsys)
        assert code == 0, err
        s = store(workdir)
        tickets = list(s.iter_records(Ticket))
        assert {t.instance for t in tickets} == {"default", "eu"}
        assert sum(t.instance == "eu" for t in tickets) == 200
        assert s.cursor("zendesk", "eu", "tickets") != s.cursor("zendesk", "default", "tickets")
        # --connector picks one instance; the other is not asked.
        other.forget()
        fake.forget()
        assert sync(capsys, "--connector", "eu")[0] == 0
        assert other.log and not fake.log


def test_a_survey_response_changed_before_it_expires_is_read_again(workdir, fake, account, clock, capsys):
    account.csat = "new"
    solved = [t for t in account.tickets if account.tickets[t]["status"] == "solved"][:3]
    day = 86400
    old = account.respond(solved[0], 5, when=clock.epoch() - 10 * day, expires_in_days=7)  # closed to changes
    open_ = account.respond(solved[1], 5, when=clock.epoch() - 3 * day, expires_in_days=7)
    account.respond(solved[2], 4, when=clock.epoch() - 1 * day, expires_in_days=7)
    assert sync(capsys)[0] == 0
    clock.advance(day)
    account.change_response(open_, 1)
    fake.forget()
    assert sync(capsys)[0] == 0
    # The second pass starts at the oldest response still open to changes, not 10 minutes back.
    (request,) = fake.requests_to("survey_responses")
    assert request.params["filter[created_at_start]"] == [str(account.created_ms(account.survey_responses[open_]))]
    stored = {r.id: r for r in store(workdir).iter_records(Rating)}
    assert (stored[open_].score_raw, stored[open_].positive) == ("1", False)
    assert stored[old].score_raw == "5"


def test_zenpy_requests_go_through_the_one_retry_policy(workdir, fake, clock, capsys):
    # The directory is read through zenpy; a 429 there is waited out by our policy alone
    # (zenpy's own loop would sleep in real time and ask again on its own).
    fake.fail("429", "/users.json", retry_after=5)
    started = time.monotonic()
    code, _, err = sync(capsys)
    assert code == 0, err
    assert [r.status for r in fake.requests_to("/users.json")] == [429, 200]
    assert 5 in clock.slept and not fake.violations
    assert time.monotonic() - started < 5


def test_a_sync_counts_its_pages_retries_and_429s_for_metrics(workdir, fake, clock, capsys):
    from prometheus_client import REGISTRY

    labels = {"instance": "zendesk:default"}

    def value(name: str, **extra: str) -> float:
        return REGISTRY.get_sample_value(name, {**labels, **extra}) or 0.0

    before = {name: value(name) for name in (
        "helpdesk_kpis_sync_rate_limited_total", "helpdesk_kpis_sync_retries_total", "helpdesk_kpis_sync_pages_total",
        "helpdesk_kpis_sync_wait_seconds_total")}
    runs_before = value("helpdesk_kpis_sync_runs_total", outcome="ok")
    fake.fail("429", "/incremental/tickets/cursor", retry_after=37)
    fake.fail("502", "satisfaction_ratings")
    code, out, err = sync(capsys)
    assert code == 0, err
    assert value("helpdesk_kpis_sync_rate_limited_total") - before["helpdesk_kpis_sync_rate_limited_total"] == 1
    assert value("helpdesk_kpis_sync_retries_total") - before["helpdesk_kpis_sync_retries_total"] == 2  # 429 + 502
    assert value("helpdesk_kpis_sync_wait_seconds_total") - before["helpdesk_kpis_sync_wait_seconds_total"] >= 37
    # The same number of pages as the sync's own closing line tells the admin.
    pages = int(re.search(r"in ([\d,]+) pages", " ".join(out.split())).group(1).replace(",", ""))
    assert pages > 0
    assert value("helpdesk_kpis_sync_pages_total") - before["helpdesk_kpis_sync_pages_total"] == pages
    assert value("helpdesk_kpis_sync_runs_total", outcome="ok") - runs_before == 1
