"""`digest`, `alerts` and `serve` as a user runs them, against the fake Slack Web API."""

from __future__ import annotations

import json

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from rich.console import Console
from slack_sdk.models.blocks import Block

from helpdesk_kpis.cli import main
from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs import slack_runs
from helpdesk_kpis.server import scheduler as serve
from kpis.store import Store
from kpis.store.sent_log import DeliveryLog
from tests.fakes.slack.api import FakeSlack
from tests.helpdesk_kpis.jobs.slack_workdir import use_fake_slack
from tests.helpdesk_kpis.test_cli import assert_one_line_error
from tests.notifiers import desk

CONFIG = """
[reporting]
timezone = "UTC"

[[teams]]
name = "Billing"
channel = "#kpi-billing"
leads = ["U0LEAD0001"]

[[teams]]
name = "Returns"
channel = "#kpi-returns"
sources = ["zendesk:acme:g2"]
digest_time = "08:30"

[digest]
leads_channel = "#support-leads"

[[alerts]]
id = "csat-floor"
kpi = "csat"
scope = "every-team"
operator = "<"
threshold = 80
mention = "leads"
"""


@pytest.fixture
def fake():
    with FakeSlack() as fake:
        fake.add_channel("kpi-billing", "C0BILLING1")
        fake.add_channel("support-leads", "C0LEADS001")
        fake.add_channel("kpi-returns", "C0RETURNS1", member=False)
        yield fake


@pytest.fixture
def workdir(tmp_path, monkeypatch, fake):
    url = use_fake_slack(tmp_path, monkeypatch, fake, desk.NOW)
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    desk.write_to(Store.open(url))
    return tmp_path


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_shows_the_digest_readably_and_posts_nothing(workdir, fake, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "150")
    code, out, _ = run(capsys, "digest", "--date", "2026-11-15", "--dry-run")
    assert code == 0
    assert "Billing KPIs · Sun 15 Nov 2026" in out and ":bar_chart:" not in out  # emoji are Slack's to draw
    assert "75.0% (n=12) · band acceptable" in out and "-15.0 pp vs 90.0%, worse" in out
    assert "#kpi-billing" in out and "#support-leads" in out and "thread reply" in out
    assert "Refund <never> arrived & nobody cared" in out  # mrkdwn shown as text, entities undone
    assert fake.calls == []


def test_json_prints_the_raw_validated_payloads(workdir, fake, capsys):
    code, out, _ = run(capsys, "digest", "--date", "2026-11-15", "--json")
    assert code == 0
    digests = json.loads(out)["digests"]
    assert [d["scope"] for d in digests] == ["team:Billing", "team:Returns", "overall"]
    assert [d["channel"] for d in digests] == ["#kpi-billing", "#kpi-returns", "#support-leads"]
    for item in digests:
        Block.parse_all(item["message"]["blocks"])
        assert item["message"]["text"]
    # The leads' digest lists the breach of the every-team rule (Billing 75% < 80%; Returns too few).
    overall = json.dumps(digests[2]["message"]["blocks"])
    assert "CSAT for Billing is 75.0% (n=12): breaks CSAT &lt; 80%" in overall
    assert fake.calls == []


def test_posting_then_rerunning_posts_once_and_force_posts_again(workdir, fake, capsys):
    code, out, _ = run(capsys, "digest", "--date", "2026-11-15", "--team", "billing")
    assert code == 0, out
    assert "Billing digest for 2026-11-15: posted in C0BILLING1 (breakdown in thread, chart in thread)" in out
    [top] = fake.top_level("C0BILLING1")
    assert top.text.startswith("Billing KPIs for 9–15 Nov 2026: CSAT 75.0% (n=12, -15.0 pp)")
    [upload] = fake.files_in_thread(top.ts)
    assert upload.data.startswith(b"\x89PNG") and "CSAT per day" in upload.alt_txt

    code, out, _ = run(capsys, "digest", "--date", "2026-11-15", "--team", "Billing")
    assert code == 0 and "unchanged" in out
    assert len(fake.top_level("C0BILLING1")) == 1
    code, out, _ = run(capsys, "digest", "--date", "2026-11-15", "--team", "Billing", "--force")
    assert code == 0 and len(fake.top_level("C0BILLING1")) == 2


def test_missing_bot_token_exits_2_naming_it_before_any_work(workdir, fake, capsys, monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    code, _, err = run(capsys, "digest", "--date", "2026-11-15")
    assert code == 2
    assert_one_line_error(err, "SLACK_BOT_TOKEN is not set", "--dry-run")
    code, _, err = run(capsys, "alerts")
    assert code == 2
    assert_one_line_error(err, "SLACK_BOT_TOKEN")
    assert fake.calls == []


def test_a_channel_the_bot_is_not_in_ends_with_one_line_and_the_fix(workdir, fake, capsys):
    code, out, err = run(capsys, "digest", "--date", "2026-11-15")
    assert code == 2
    # Billing and the leads' digest went out; Returns names its channel and the fix.
    assert "Billing digest for 2026-11-15: posted" in out and "All teams digest for 2026-11-15: posted" in out
    assert_one_line_error(err, "Returns digest for 2026-11-15", "#kpi-returns", "invite the bot: /invite @<the app's name>")


def test_alerts_post_a_breach_once_with_the_leads_mentioned(workdir, fake, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "150")
    code, out, _ = run(capsys, "alerts", "--dry-run")
    assert code == 0
    assert "csat-floor" in out and "breached (new breach: would post)" in out and "too few to judge" in out
    assert fake.calls == [] and DeliveryLog(Store.open(f"sqlite:///{workdir / 'kpis.db'}")).alert_states() == {}

    code, out, _ = run(capsys, "alerts")
    assert code == 0, out
    assert "alerts: 1 rule read on 2 scopes; 1 breach started, 0 recovered, 1 with too few samples to judge" in out
    [alert] = fake.top_level("C0BILLING1")
    assert alert.blocks[0]["text"]["text"].startswith("<@U0LEAD0001> :rotating_light: *CSAT for Billing is below 80%*")

    code, out, _ = run(capsys, "alerts")
    assert code == 0 and "0 breaches started" in out
    assert len(fake.top_level("C0BILLING1")) == 1


@pytest.mark.parametrize(
    ("toml", "fragments"),
    [
        ('[[alerts]]\nid = "x"\nkpi = "happiness"\noperator = "<"\nthreshold = 1\nchannel = "#a"\n',
         ("alerts.x.kpi", "unknown KPI 'happiness'")),
        ('[[alerts]]\nid = "x"\nkpi = "csat"\noperator = "=<"\nthreshold = 1\nchannel = "#a"\n', ("alerts.x.operator",)),
        ('[[alerts]]\nid = "x"\nkpi = "csat"\noperator = "<"\nthreshold = 1\n', ("alerts.x.channel", "leads_channel")),
        ('[[teams]]\nname = "A"\nchannel = "#a"\n[[alerts]]\nid = "x"\nkpi = "csat"\nscope = "team"\nteam = "B"\n'
         'operator = "<"\nthreshold = 1\n', ("alerts.x.team", "no [[teams]] entry is named 'B'")),
        ('[[teams]]\nname = "A"\nchannel = "#a"\ndigest_time = "9am"\n', ("teams.A.digest_time", "HH:MM")),
        ('[[teams]]\nname = "A"\nchannel = "#a"\nleads = ["@ann"]\n', ("teams.A.leads", "member id")),
        ('[digest]\nperiod = "week"\n', ("digest.period", "Nd")),
        ('[schedule]\nsync_every_minutes = 0\n', ("schedule.sync_every_minutes",)),
    ],
)
def test_bad_slack_config_exits_2_with_one_line_naming_the_key(workdir, capsys, toml, fragments):
    (workdir / "helpdesk-kpis.toml").write_text(toml)
    code, _, err = run(capsys, "alerts", "--dry-run")
    assert code == 2
    assert_one_line_error(err, *fragments)


def test_serve_schedules_sync_then_alerts_and_each_digest_at_its_local_time(workdir, fake, monkeypatch):
    (workdir / "helpdesk-kpis.toml").write_text(CONFIG.replace('timezone = "UTC"', 'timezone = "Europe/Berlin"'))
    ctx = AppContext()
    # 06:00 in Berlin: no digest time has passed today, so there is nothing to catch up.
    scheduler = serve.build_scheduler(ctx, console=Console(file=None), scheduler=BackgroundScheduler(),
                                      now=desk.NOW.replace(hour=5))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"sync", "digest-08:30", "digest-09:00"}
    assert jobs["digest-09:00"].args[2] == ["Billing", "overall"] and jobs["digest-08:30"].args[2] == ["Returns"]
    trigger = jobs["digest-09:00"].trigger
    assert str(trigger.timezone) == "Europe/Berlin"
    # 09:00 in Berlin on 16 Nov 2026 (UTC+1) is 08:00 UTC; after it, the next is the 17th.
    first = trigger.get_next_fire_time(None, desk.NOW.replace(hour=7))
    assert first.isoformat() == "2026-11-16T09:00:00+01:00"
    assert jobs["sync"].trigger.interval.total_seconds() == 15 * 60

    calls = []
    monkeypatch.setattr(serve, "run_sync", lambda *a, **k: calls.append("sync") or _Summary())
    monkeypatch.setattr(serve, "run_alerts", lambda *a, **k: calls.append("alerts"))
    monkeypatch.setattr(AppContext, "connectors", lambda self, only=None: [])
    serve.sync_then_alerts(ctx, Console(quiet=True))
    assert calls == ["sync", "alerts"]


def test_the_scheduled_digest_job_posts_yesterdays_digest(workdir, fake):
    serve.post_digests(AppContext(), Console(quiet=True), ["Billing", "Returns"])
    [top] = fake.top_level("C0BILLING1")
    assert top.metadata["event_payload"]["digest_id"] == "team:Billing:2026-11-15"  # NOW is 16 Nov


class _Summary:
    stopped = False  # ran to the end of the data

    def line(self) -> str:
        return "synced 0 records"


def test_without_teams_config_every_helpdesk_team_is_previewed_apart_even_with_shared_names():
    from helpdesk_kpis.jobs.team_digests import digest_targets
    from helpdesk_kpis.jobs.teams import reporting_teams
    from helpdesk_kpis.settings.models import FileConfig
    from kpis.records import Team
    from tests.kpis.builders import from_records

    teams = [Team("zendesk", "acme", "g1", "Billing"), Team("zendesk", "beta", "g9", "Billing")]
    targets = digest_targets(FileConfig(), reporting_teams(from_records(teams=teams), FileConfig()))
    assert [(t.title, t.scope, t.channel) for t in targets] == [
        ("Billing (zendesk:acme)", "team:Billing (zendesk:acme)", None),
        ("Billing (zendesk:beta)", "team:Billing (zendesk:beta)", None),
        ("All teams", "overall", None),
    ]


def test_sync_evaluates_the_alert_rules_when_it_has_finished(workdir, fake, capsys):
    (workdir / "helpdesk-kpis.toml").write_text(
        '[connectors.sample.demo]\ntickets = 300\ndays = 20\nanchor = "2026-11-15T12:00:00Z"\n'
        '[digest]\nleads_channel = "#support-leads"\n'
        '[[alerts]]\nid = "csat-ceiling"\nkpi = "csat"\noperator = "<"\nthreshold = 101\n'
    )
    code, out, _ = run(capsys, "sync", "--no-alerts")
    assert code == 0 and fake.calls == []
    code, out, _ = run(capsys, "sync")
    assert code == 0, out
    assert "synced 0 records" in out and "1 breach started" in out
    [alert] = fake.top_level("C0LEADS001")
    assert alert.text.startswith("CSAT overall is below 101%")


def test_a_helpdesk_team_claimed_by_two_teams_is_a_config_error(workdir, capsys):
    (workdir / "helpdesk-kpis.toml").write_text(
        '[[teams]]\nname = "Billing"\nchannel = "#a"\n'
        '[[teams]]\nname = "Money"\nchannel = "#b"\nsources = ["zendesk:acme:g1"]\n'
    )
    code, _, err = run(capsys, "digest", "--dry-run")
    assert code == 2
    assert_one_line_error(err, "teams.Money", "'zendesk:acme:g1' is also in 'Billing'")


def test_a_digest_is_posted_at_its_time_while_a_long_sync_runs(workdir, fake, monkeypatch):
    import threading
    from datetime import datetime, timezone

    syncing, release = threading.Event(), threading.Event()

    def long_sync(*args, **kwargs):
        syncing.set()
        assert release.wait(timeout=120)  # a first sync of a million tickets, as far as the digest knows
        return _Summary()

    monkeypatch.setattr(serve, "run_sync", long_sync)
    monkeypatch.setattr(AppContext, "connectors", lambda self, only=None: [])
    monkeypatch.setattr(slack_runs, "clock", lambda: desk.NOW.replace(hour=9))  # the digest's time
    ctx = AppContext()
    scheduler = serve.build_scheduler(ctx, console=Console(quiet=True), scheduler=BackgroundScheduler(),
                                      now=desk.NOW.replace(hour=5))
    scheduler.start()
    try:
        assert syncing.wait(timeout=60)
        scheduler.modify_job("digest-09:00", next_run_time=datetime.now(timezone.utc))  # its time comes now
        deadline = threading.Event()
        for _ in range(600):  # up to 60 s on a busy machine
            if fake.top_level("C0BILLING1"):
                break
            deadline.wait(0.1)
        assert fake.top_level("C0BILLING1"), "the digest waited for the sync"
        assert not release.is_set()  # the sync was still running when the digest went out
    finally:
        release.set()
        scheduler.shutdown(wait=True)


def test_a_starting_scheduler_posts_the_digests_due_earlier_today_once(workdir, fake, monkeypatch):
    ctx = AppContext()
    ten = desk.NOW.replace(hour=10, minute=0)  # 16 Nov, after 08:30 and 09:00 (UTC in this config)
    monkeypatch.setattr(slack_runs, "clock", lambda: ten)
    jobs = {job.id: job for job in serve.build_scheduler(ctx, console=Console(quiet=True),
                                                        scheduler=BackgroundScheduler(), now=ten).get_jobs()}
    assert {"catch-up-08:30", "catch-up-09:00"} <= set(jobs)
    for _ in range(2):  # a second start the same morning posts nothing again
        jobs["catch-up-09:00"].func(*jobs["catch-up-09:00"].args)
    [top] = fake.top_level("C0BILLING1")
    assert top.metadata["event_payload"]["digest_id"] == "team:Billing:2026-11-15"
    assert len(fake.top_level("C0LEADS001")) == 1


def test_a_late_digest_posts_the_day_it_was_due_for_and_one_too_late_says_so(workdir, fake, monkeypatch):
    ctx = AppContext()
    # 01:00 on the 17th: the 09:00 digest of the 16th is past midnight, not caught up.
    monkeypatch.setattr(slack_runs, "clock", lambda: desk.NOW.replace(day=17, hour=1))
    printed = Console(record=True, width=200)
    serve.post_digests(ctx, printed, ["Billing"], "09:00")
    assert fake.top_level("C0BILLING1") == []
    assert "digests at 09:00 missed: more than 12 hours late, or past midnight" in printed.export_text()
    # 20:00 on the 16th: eleven hours late, the digest of the 15th (its day), not of the 16th.
    monkeypatch.setattr(slack_runs, "clock", lambda: desk.NOW.replace(hour=20))
    serve.post_digests(ctx, Console(quiet=True), ["Billing"], "09:00")
    [top] = fake.top_level("C0BILLING1")
    assert top.metadata["event_payload"]["digest_id"] == "team:Billing:2026-11-15"


def test_the_digest_shows_sla_achievement_only_for_teams_whose_tickets_have_policy_targets(workdir, capsys):
    from datetime import timedelta

    from kpis.records import SlaEvent

    # Billing's tickets b0-b3 (created 10 Nov from 09:00, one an hour) carry a 60-minute first-reply
    # target: b0 and b1 replied in 30 minutes, b2 in 2 hours -> 2 of 3 achieved, 66.7% (n=3).
    page = []
    for i in range(3):
        created = desk.at(10) + timedelta(hours=i)
        done = created + timedelta(minutes=120 if i == 2 else 30)
        kinds = [("apply_sla", created), ("activate", created), ("fulfill", done)]
        if i == 2:
            kinds.append(("breach", created + timedelta(minutes=60)))
        page += [SlaEvent("zendesk", "acme", f"{i}{n}", f"b{i}", "first_reply", 1, kind, when,
                          target_minutes=60.0 if kind == "apply_sla" else None)
                 for n, (kind, when) in enumerate(kinds)]
    Store.open(f"sqlite:///{workdir / 'kpis.db'}").write_page("zendesk", "acme", "sla_events", page, None)
    code, out, _ = run(capsys, "digest", "--date", "2026-11-15", "--json")
    assert code == 0
    by_scope = {d["scope"]: json.dumps(d["message"]["blocks"]) for d in json.loads(out)["digests"]}
    assert "*SLA achievement*\\n_66.7% (n=3, too few to judge)_" in by_scope["team:Billing"]
    assert "SLA achievement" not in by_scope["team:Returns"] and '"SLA' not in by_scope["team:Returns"]
