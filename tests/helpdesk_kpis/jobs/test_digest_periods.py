"""Weekly and monthly digests: the last full week or month, against the one before, posted on
their day, once per period, with a trend over the last 8 periods."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from rich.console import Console

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs import slack_runs
from helpdesk_kpis.server import scheduler as serve
from helpdesk_kpis.server.digest_times import digest_times
from kpis.periods import period_key, period_window, trend_windows
from kpis.store.sent_log import DeliveryLog
from tests.helpdesk_kpis.jobs import test_slack_cli
from tests.helpdesk_kpis.jobs.test_slack_cli import CONFIG, run
from tests.helpdesk_kpis.test_cli import assert_one_line_error
from tests.notifiers import desk

# The Slack CLI tests' fixtures: a fake Slack with the teams' channels, a store of the test desk.
fake, workdir = test_slack_cli.fake, test_slack_cli.workdir
UTC = ZoneInfo("UTC")
WEEKLY = CONFIG.replace('leads = ["U0LEAD0001"]', 'leads = ["U0LEAD0001"]\ndigest = "weekly"')
MONTHLY_LEADS = CONFIG.replace('leads_channel = "#support-leads"',
                               'leads_channel = "#support-leads"\nleads_digest = "monthly"\nleads_digest_day = 2')


def test_a_week_is_the_last_full_monday_to_sunday_and_a_month_the_last_full_month():
    # Wed 18 Nov 2026 and Sun 15 Nov both fall after (or on the end of) the week Mon 9 - Sun 15 Nov.
    for day in (date(2026, 11, 18), date(2026, 11, 15)):
        week = period_window("weekly", day, UTC)
        assert (week.first_day, week.end_day) == (date(2026, 11, 9), date(2026, 11, 16))
        assert (week.previous().first_day, week.previous().end_day) == (date(2026, 11, 2), date(2026, 11, 9))
    assert period_key("weekly", week) == "2026-W46"  # ISO week 1 of 2026 starts Mon 29 Dec 2025
    # On 2 Dec the last full month is November (30 days), compared with all of October (31 days).
    month = period_window("monthly", date(2026, 12, 2), UTC)
    assert (month.first_day, month.end_day) == (date(2026, 11, 1), date(2026, 12, 1))
    assert (month.previous().first_day, month.previous().end_day) == (date(2026, 10, 1), date(2026, 11, 1))
    assert period_window("monthly", date(2026, 11, 30), UTC).first_day == date(2026, 11, 1)  # its last day: itself
    assert period_key("monthly", month) == "2026-11"
    months = trend_windows("monthly", month)
    assert [w.first_day for w in months] == [date(2026, m, 1) for m in range(4, 12)]
    assert [w.first_day for w in trend_windows("weekly", week)][:2] == [date(2026, 9, 21), date(2026, 9, 28)]


def test_a_weekly_digest_reports_on_the_last_full_week_against_the_week_before(workdir, capsys):
    (workdir / "helpdesk-kpis.toml").write_text(WEEKLY)
    code, out, _ = run(capsys, "digest", "--date", "2026-11-16", "--team", "Billing", "--json")
    assert code == 0, out
    [digest] = json.loads(out)["digests"]
    assert digest["date"] == "2026-W46"
    blocks = json.dumps(digest["message"]["blocks"], ensure_ascii=False)
    assert "Billing weekly KPIs · 9–15 Nov 2026" in blocks
    assert "Week 46, 9–15 Nov 2026 (UTC) · compared with 2–8 Nov 2026" in blocks
    # The same numbers as the 7 days 9-15 Nov: 9 of 12 ratings good against 9 of 10 the week before.
    assert digest["message"]["text"].startswith("Billing KPIs for 9–15 Nov 2026: CSAT 75.0% (n=12, -15.0 pp)")
    assert "an 8-week chart in the thread" in blocks


def posted(workdir, fake, capsys, config, day, team, channel, label, digest_id):
    """Post one digest; its single top-level message (with the id it carries) and its chart."""
    (workdir / "helpdesk-kpis.toml").write_text(config)
    code, out, _ = run(capsys, "digest", "--date", day, "--team", team)
    assert code == 0, out
    assert f"{label}: posted in {channel}" in out
    [top] = fake.top_level(channel)
    assert top.metadata["event_payload"]["digest_id"] == digest_id
    [upload] = fake.files_in_thread(top.ts)
    return top, upload


def test_a_weekly_digest_is_posted_once_per_week_with_weekly_points(workdir, fake, capsys):
    top, upload = posted(workdir, fake, capsys, WEEKLY, "2026-11-16", "Billing", "C0BILLING1",
                         "Billing weekly digest for 2026-W46", "team:Billing:2026-W46")
    assert "weekly values from the week of 21 Sep 2026 to the week of 9 Nov 2026" in upload.alt_txt
    assert "CSAT per week" in upload.alt_txt and "in the week of 9 Nov 2026" in upload.alt_txt
    # The every-team rule "CSAT < 80" is the team chart's target line.
    assert "; target 80%." in upload.alt_txt
    # Later in the same week, the digest of the same week: nothing posted again.
    code, out, _ = run(capsys, "digest", "--date", "2026-11-16", "--team", "Billing")
    assert code == 0 and "unchanged" in out
    assert len(fake.top_level("C0BILLING1")) == 1
    log = DeliveryLog(AppContext().store())
    assert log.get("digest", "team:Billing", "2026-W46").status == "done"
    assert log.get("digest", "team:Billing", "2026-11-15") is None  # never mistaken for a daily digest


def test_digest_without_date_or_team_posts_a_weekly_digest_on_its_day_only(workdir, fake, capsys, monkeypatch):
    (workdir / "helpdesk-kpis.toml").write_text(WEEKLY)
    code, out, _ = run(capsys, "digest", "--json")  # NOW: Monday 16 Nov, a weekly digest's day
    assert [d["scope"] for d in json.loads(out)["digests"]] == ["team:Billing", "team:Returns", "overall"]
    tuesday = desk.NOW.replace(day=17)
    monkeypatch.setattr("helpdesk_kpis.cli._now", lambda: tuesday)
    code, out, _ = run(capsys, "digest", "--json")
    assert code == 0 and [d["scope"] for d in json.loads(out)["digests"]] == ["team:Returns", "overall"]


def test_a_monthly_leads_digest_covers_the_month_and_charts_eight_months(workdir, fake, capsys):
    top, upload = posted(workdir, fake, capsys, MONTHLY_LEADS, "2026-11-01", "overall", "C0LEADS001",
                         "All teams monthly digest for 2026-10", "overall:2026-10")
    blocks = json.dumps(top.blocks, ensure_ascii=False)
    assert "All teams monthly KPIs · October 2026" in blocks and "compared with September 2026" in blocks
    assert "monthly values from March 2026 to October 2026" in upload.alt_txt


def test_the_scheduler_posts_weekly_and_monthly_digests_on_their_day(workdir, fake):
    (workdir / "helpdesk-kpis.toml").write_text(
        WEEKLY.replace('digest = "weekly"', 'digest = "weekly"\ndigest_day = "wed"')
        .replace('leads_channel = "#support-leads"', 'leads_channel = "#support-leads"\nleads_digest = "monthly"'))
    jobs = {job.id: job for job in serve.build_scheduler(AppContext(), console=Console(quiet=True),
                                                        scheduler=BackgroundScheduler(),
                                                        now=desk.NOW.replace(hour=5)).get_jobs()}
    assert set(jobs) == {"sync", "digest-08:30", "digest-09:00-weekly-wed", "digest-09:00-monthly-1"}
    weekly, monthly = jobs["digest-09:00-weekly-wed"], jobs["digest-09:00-monthly-1"]
    assert weekly.args[2] == ["Billing"] and monthly.args[2] == ["overall"]
    # From Mon 16 Nov: the weekly one next on Wed 18 Nov, the monthly one on 1 Dec.
    assert weekly.trigger.get_next_fire_time(None, desk.NOW).isoformat() == "2026-11-18T09:00:00+00:00"
    assert monthly.trigger.get_next_fire_time(None, desk.NOW).isoformat() == "2026-12-01T09:00:00+00:00"


def test_a_scheduled_weekly_run_posts_the_week_before_its_day(workdir, fake, monkeypatch):
    (workdir / "helpdesk-kpis.toml").write_text(WEEKLY)
    monkeypatch.setattr(slack_runs, "clock", lambda: desk.NOW.replace(hour=10))  # Monday, after 09:00
    slot = next(s for s in digest_times(AppContext().settings().config) if s.every == "weekly")
    for _ in range(2):  # a second run (a restart) posts nothing again
        serve.post_digests(AppContext(), Console(quiet=True), ["Billing"], slot)
    [top] = fake.top_level("C0BILLING1")
    assert top.metadata["event_payload"]["digest_id"] == "team:Billing:2026-W46"


@pytest.mark.parametrize(("lines", "fragments"), [
    ('digest = "weekly"\ndigest_day = "funday"', ("teams", "'funday' is not a day of the week", "mon, tue")),
    ('digest = "monthly"\ndigest_day = 31', ("teams", "31 is not a day of the month", "1 to 28")),
    ('digest = "fortnightly"', ("teams", "digest")),
])
def test_a_bad_digest_period_is_one_line_naming_the_fix(workdir, capsys, lines, fragments):
    (workdir / "helpdesk-kpis.toml").write_text(CONFIG.replace('leads = ["U0LEAD0001"]',
                                                               f'leads = ["U0LEAD0001"]\n{lines}'))
    code, _, err = run(capsys, "digest", "--dry-run")
    assert code == 2
    assert_one_line_error(err, *fragments)


def test_chart_targets_come_from_the_rules_judging_the_digest_and_else_the_first_reply_sla():
    from helpdesk_kpis.jobs.team_digests import chart_targets
    from kpis.engine import KpiConfig
    from notifiers.alert_rules import AlertRule

    rules = [AlertRule("floor", "csat", "every-team", "<", 80.0),
             AlertRule("billing-reply", "first_reply_time_median", "team", ">", 120.0, team="Billing"),
             AlertRule("agents", "csat", "every-agent", "<", 60.0)]  # an agent's threshold is no team's target
    sla = KpiConfig(default_sla_minutes=480.0)
    assert chart_targets(rules, "billing", sla) == {
        "csat": 80.0, "first_reply_time_median": 120.0, "first_reply_time_median_business": 480.0}
    assert chart_targets(rules, "Returns", sla) == {
        "csat": 80.0, "first_reply_time_median": 480.0, "first_reply_time_median_business": 480.0}
    assert chart_targets(rules, None, sla) == {  # the leads' digest: only overall rules
        "first_reply_time_median": 480.0, "first_reply_time_median_business": 480.0}
