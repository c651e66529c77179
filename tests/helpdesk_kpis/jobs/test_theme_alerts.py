"""The `theme_rising` alert rule as a user runs `alerts`: a theme at least doubled with at least
min_sample comments posts once per theme and week; bad rule settings are one line, exit 2."""

from __future__ import annotations

from datetime import date

import pytest

pytest.importorskip("sklearn")

from helpdesk_kpis.cli import main  # noqa: E402
from kpis.store import Store  # noqa: E402
from kpis.themes.report import ThemeSummary  # noqa: E402
from notifiers.theme_alerts import ThemeRule, alert_key, is_rising  # noqa: E402
from tests.fakes.slack.api import FakeSlack  # noqa: E402
from tests.helpdesk_kpis.jobs.slack_workdir import use_fake_slack  # noqa: E402
from tests.kpis.themes.seeding import NOW, seed_planted  # noqa: E402

CONFIG = """
[reporting]
timezone = "UTC"

[[teams]]
name = "Billing"
channel = "#kpi-billing"

[[alerts]]
id = "themes-up"
kind = "theme_rising"
scope = "every-team"
min_sample = 8
"""


@pytest.fixture
def fake():
    with FakeSlack() as fake:
        fake.add_channel("kpi-billing", "C0BILLING1")
        yield fake


@pytest.fixture
def workdir(tmp_path, monkeypatch, fake):
    url = use_fake_slack(tmp_path, monkeypatch, fake, NOW)
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    # Refunds: 6 planted + 2 more this week against 2 the week before (rising, 8 >= min_sample);
    # password resets: 6 against 4 (not doubled); every other theme: 6, below min_sample.
    seed_planted(Store.open(url), before={"refund": 2, "password": 4},
                 extra=["refund not processed again", "still no refund, it is not processed"])
    return tmp_path


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_rising_theme_posts_once_per_week(workdir, fake, capsys):
    code, out, _ = run(capsys, "alerts", "--dry-run")
    assert code == 0 and "would post: theme_rising" in out and fake.calls == []

    code, out, err = run(capsys, "alerts")
    assert code == 0, err
    assert "1 comment theme rising" in out
    [alert] = fake.top_level("C0BILLING1")
    text = alert.blocks[0]["text"]["text"]
    assert text.startswith(":chart_with_upwards_trend: *Comment theme rising for Billing: “refund processed”*")
    assert "*8* comments over 7 days, 13–19 Nov 2026, up from 2 the 7 days before · 8 low-rated · CSAT 0%" in text

    code, out, _ = run(capsys, "alerts")
    assert code == 0 and "rising" not in out
    assert len(fake.top_level("C0BILLING1")) == 1


def theme(count: int, previous: int) -> ThemeSummary:
    return ThemeSummary("refund processed", "en", (), count, previous, count, 0.0, (), (), ())


def test_rising_means_at_least_doubled_and_at_least_min_sample():
    assert is_rising(theme(10, 5), 10) and is_rising(theme(12, 0), 10)
    assert not is_rising(theme(9, 4), 10)  # doubled, too few
    assert not is_rising(theme(19, 10), 10)  # not doubled


def test_the_same_theme_has_one_key_per_week():
    rule = ThemeRule("themes-up")
    monday, sunday, next_monday = date(2026, 11, 16), date(2026, 11, 22), date(2026, 11, 23)
    assert alert_key(rule, "Billing", theme(10, 2), monday) == alert_key(rule, "Billing", theme(12, 2), sunday)
    assert alert_key(rule, "Billing", theme(10, 2), monday) != alert_key(rule, "Billing", theme(10, 2), next_monday)
    assert alert_key(rule, "Billing", theme(10, 2), monday) != alert_key(rule, "Returns", theme(10, 2), monday)


@pytest.mark.parametrize(("rule", "fragment"), [
    ('kind = "theme_rising"\nkpi = "csat"', "takes no kpi"),
    ('kind = "theme_rising"\nscope = "every-agent"', "not every agent"),
    ('kpi = "csat"\noperator = "<"', "threshold is missing"),
    ('kpi = "csat"\noperator = "<"\nthreshold = 80\nlow_only = true', "low_only is for theme_rising"),
])
def test_bad_theme_rule_settings_are_one_line_and_exit_2(workdir, capsys, rule, fragment):
    (workdir / "helpdesk-kpis.toml").write_text(f'[[alerts]]\nid = "x"\nchannel = "#a"\n{rule}\n')
    code, _, err = run(capsys, "alerts")
    assert code == 2 and fragment in err and "Traceback" not in err and "alerts.x" in err
