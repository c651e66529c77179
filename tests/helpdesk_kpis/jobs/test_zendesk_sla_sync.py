"""`sync` reads Zendesk's SLA policy outcomes (the ticket metric events export) and `report` shows
SLA achievement, against the fake Zendesk on a compressed clock."""

from __future__ import annotations

import json

import pytest

from helpdesk_kpis.cli import main
from kpis.records import SlaEvent
from tests.fakes.zendesk import Account, populate
from tests.helpdesk_kpis.jobs.test_zendesk_sync import clock, fake, store, workdir

#: The sync tests' compressed clock, fake Zendesk and working directory (with this module's account).
SHARED_FIXTURES = (clock, fake, workdir)
HOUR = 3600


@pytest.fixture
def account(clock) -> Account:
    """An empty account (the sync tests' one has 1500 tickets without SLA policies): each test builds its own."""
    return Account(clock)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def overall(capsys) -> dict:
    code, out, err = run(capsys, "report", "--period", "7d", "--by", "overall", "--format", "json")
    assert code == 0, err
    return json.loads(out)["rows"][0]["metrics"]


def stored_events(workdir) -> set[str]:
    return {e.id for e in store(workdir).iter_records(SlaEvent)}


def test_policy_outcomes_reach_the_report_as_explore_counts_them(workdir, fake, account, clock, capsys):
    now = clock.epoch()
    group = account.add_group("Billing")
    agent = account.add_agent("Ann", "ann@acme.test", [group])
    account.add_sla_policy("Standard", {"first_reply_time": 60, "requester_wait_time": 1440})
    created = now - 3 * 86400
    met, late, still_open = (account.add_ticket(created=created, assignee=agent, group=group) for _ in range(3))
    account.sla_target(met, "reply_time", 60, created, created + 30 * 60)  # replied in 30 min: achieved
    account.sla_target(late, "reply_time", 60, created, created + 90 * 60)  # replied in 90 min: breached
    account.sla_target(late, "requester_wait_time", 1440, created, created + HOUR)  # solved in 1 h: achieved
    # Applied a minute ago, due in an hour: active, in neither count.
    account.sla_target(still_open, "reply_time", 60, now - 120, None)
    clock.advance(120)
    code, out, err = run(capsys, "sync")
    assert code == 0, err
    metrics = overall(capsys)
    first = metrics["sla_first_reply_achievement"]
    assert (first["value"], first["n"]) == (50.0, 2)
    wait = metrics["sla_requester_wait_achievement"]
    assert (wait["value"], wait["n"]) == (100.0, 1)
    pooled = metrics["sla_achievement_rate"]
    assert (round(pooled["value"], 1), pooled["n"]) == (66.7, 3)
    # The withdrawn breach of the target met in time was read and ignored.
    assert any(e.get("deleted") for e in account.metric_events)
    # The headline table shows it too, beside the headline KPIs.
    code, out, err = run(capsys, "report", "--period", "7d", "--by", "overall")
    assert code == 0, err
    assert "SLA" in out and "66.7%" in out


def test_the_export_is_walked_by_end_time_1000_a_page_paced_with_the_ticket_export(workdir, fake, account, clock, capsys):
    populate(account, tickets=1500, sla=True)
    code, out, err = run(capsys, "sync")
    assert code == 0, err
    pages = fake.requests_to("/incremental/ticket_metric_events")
    events = sorted(account.metric_events, key=lambda e: (e["time"], e["id"]))
    assert len(events) > 3000  # several full pages
    assert all(set(r.params) == {"start_time"} for r in pages)
    assert [r.items for r in pages[:-1]] == [1000] * (len(pages) - 1)
    assert pages[-1].items < 1000
    # Each page starts at the second the previous one ended on (Zendesk's end_time).
    for before, after in zip(pages, pages[1:]):
        assert after.params["start_time"][0] != before.params["start_time"][0]
    assert stored_events(workdir) == {str(e["id"]) for e in events}
    # One limit of 10 a minute for every incremental export: never a 429, never early.
    assert not fake.violations
    assert all(r.status == 200 for r in fake.requests_to("/incremental/"))


def test_a_sync_stopped_mid_export_resumes_from_its_last_page(workdir, fake, account, clock, capsys):
    populate(account, tickets=1500, sla=True)
    fake.fail("truncated", "ticket_metric_events", skip=2)
    code, out, err = run(capsys, "sync")
    assert code == 1
    assert "Traceback" not in err
    kept = stored_events(workdir)
    assert len(kept) >= 1900  # two pages stored before the broken one
    first_try = fake.requests_to("/incremental/ticket_metric_events")
    fake.forget()
    code, out, err = run(capsys, "sync")
    assert code == 0, err
    resumed = fake.requests_to("/incremental/ticket_metric_events")
    # The second run asks again for the page that broke, not for the first one.
    assert resumed[0].params["start_time"] == first_try[2].params["start_time"]
    assert stored_events(workdir) == {str(e["id"]) for e in account.metric_events}


def test_an_account_without_policies_reads_no_metric_events_and_keeps_its_configured_target(workdir, fake, account,
                                                                                          capsys):
    populate(account, tickets=200)
    code, out, err = run(capsys, "sync")
    assert code == 0, err
    assert not fake.requests_to("ticket_metric_events")
    assert fake.requests_to("/slas/policies")
    metrics = overall(capsys)
    assert metrics["sla_achievement_rate"]["value"] is None
    assert metrics["first_reply_sla_rate"]["value"] is not None
    code, out, err = run(capsys, "report", "--period", "7d", "--by", "overall")
    assert code == 0, err
    assert "SLA" not in out


def test_a_plan_without_slas_refusing_the_policy_list_still_syncs(workdir, fake, account, capsys):
    populate(account, tickets=50, sla=True)
    account.sla_plan = False
    code, out, err = run(capsys, "sync")
    assert code == 0, err
    assert [r.status for r in fake.requests_to("/slas/policies")] == [403]
    assert not fake.requests_to("ticket_metric_events")
