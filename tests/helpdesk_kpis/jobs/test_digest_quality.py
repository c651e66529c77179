"""The leads' weekly Quality block, on the hand-built helpdesk of the quality KPI tests."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from helpdesk_kpis.jobs.digest_quality import is_quality_day, quality_lines
from kpis.engine import KpiConfig
from kpis.scorecard import ScorecardConfig
from tests.kpis.builders import from_records
from tests.kpis.test_kpis import AGENTS, IN_PREV, NOW, TEAMS, t
from tests.kpis.test_quality_kpis import REPLIES, REVIEWS, TICKETS, review

SUNDAY = date(2026, 11, 15)  # the week Mon 9 .. Sun 15 Nov holds IN_W; IN_PREV (3 Nov) is the week before
# Open tickets from the week before, so that both agents have a row in both weeks.
OPEN = [t(7, created=IN_PREV), t(8, created=IN_PREV, assignee_id="a2", group_id="g2")]


def lines(scorecard=ScorecardConfig(weights={"qa_score": 1.0}, min_sample=1)):
    data = from_records(TICKETS + OPEN, teams=TEAMS, agents=AGENTS, replies=REPLIES,
                        reviews=[*REVIEWS, review(3, "qa4", 60, when=IN_PREV)])
    # min_sample 3: four reviews are enough to compare here (below it a change reads "too few to compare").
    return quality_lines(data, SUNDAY, ZoneInfo("UTC"), now=NOW, config=KpiConfig(min_sample=3), scorecard=scorecard)


def test_only_on_sundays():
    assert is_quality_day(SUNDAY) and not is_quality_day(date(2026, 11, 16))


def test_coverage_qa_score_and_the_two_scorecards_that_moved_most():
    first, *moved = lines()
    # This week: 3 of 4 solved tickets reviewed; QA (75 + 80 + 25 + 40) / 4 = 55, the week before
    # (100 + 50 + 60) / 3 = 70: -15 points.
    assert "review coverage 75.0% (new)" in first
    assert "QA score 55.0% (n=4, -15.0 pp)" in first
    # Composite = QA alone here. Bob: 60 -> (25 + 40) / 2 = 32.5 (-27.5); Ann: (100 + 50) / 2 = 75 -> 77.5 (+2.5).
    assert moved == ["• scorecard of *Bob* (Returns): 60 → 32 (-28)", "• scorecard of *Ann* (Billing): 75 → 78 (+2)"]


def test_nothing_without_reviews_or_movement():
    data = from_records(OPEN, teams=TEAMS, agents=AGENTS)
    assert quality_lines(data, SUNDAY, ZoneInfo("UTC"), now=NOW, config=KpiConfig(),
                         scorecard=ScorecardConfig()) == []


def test_only_the_leads_digest_shows_the_block(tmp_path):
    from datetime import datetime, timedelta, timezone

    from connectors import registry
    from helpdesk_kpis.jobs.sync import run_sync
    from helpdesk_kpis.jobs.team_digests import build_digests
    from helpdesk_kpis.settings.models import FileConfig
    from kpis.store import Store

    now = datetime(2026, 11, 23, 6, tzinfo=timezone.utc)  # a Monday: the digest reports on Sunday 22 Nov
    store = Store.open(f"sqlite:///{tmp_path / 'kpis.db'}")
    connector = registry.build("sample", "demo", {"tickets": 1500, "days": 35, "anchor": now.isoformat()})
    run_sync(store, [connector], since=now - timedelta(days=35), now=now)
    built = build_digests(store, FileConfig(), KpiConfig(), [], day=date(2026, 11, 22), now=now, with_chart=False)
    shown = {item.target.title: json_text(item.post.message) for item in built}
    assert "Quality this week" in shown["All teams"]
    assert all("Quality this week" not in text for title, text in shown.items() if title != "All teams")
    saturday = build_digests(store, FileConfig(), KpiConfig(), [], day=date(2026, 11, 21), now=now, with_chart=False)
    assert all("Quality this week" not in json_text(item.post.message) for item in saturday)


def json_text(message: dict) -> str:
    import json

    return json.dumps(message, ensure_ascii=False)
