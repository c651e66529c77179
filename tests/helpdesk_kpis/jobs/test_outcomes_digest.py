"""The leads' digest's monthly "Outcomes" line: on the digest of a month's last day only, when
accounts exist, with churn worked out by hand (tests/helpdesk_kpis/outcome_desk.py)."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from helpdesk_kpis.jobs.team_digests import build_digests
from helpdesk_kpis.settings.models import FileConfig
from kpis.engine import KpiConfig
from kpis.store import Store
from tests.helpdesk_kpis import outcome_desk

NOW = datetime(2026, 11, 1, 7, tzinfo=timezone.utc)


def leads_digest_text(store: Store, day: date) -> str:
    built = build_digests(store, FileConfig(), KpiConfig(), [], day=day, now=NOW, with_chart=False)
    overall = next(item for item in built if item.target.team is None)
    return json.dumps(overall.post.message["blocks"], ensure_ascii=False)


@pytest.fixture
def filled(store_url) -> Store:
    store = Store.open(store_url)
    outcome_desk.fill(store)
    return store


def test_the_month_end_digest_compares_churn_after_a_bad_rating_with_the_rest(filled):
    text = leads_digest_text(filled, date(2026, 10, 31))
    # Bad ratings before October: o1 (churned) and o3; the rest: o2 (churned), o4, o5.
    assert ("*Outcomes, October 2026:* accounts with a bad rating before it churned 50.0% (1 of 2), "
            "the rest 33.3% (1 of 3): +16.7 pp") in text
    assert "within noise" in text and "An association, not a cause" in text


def test_other_days_and_stores_without_accounts_have_no_outcomes_line(filled, tmp_path):
    assert "Outcomes" not in leads_digest_text(filled, date(2026, 10, 30))
    empty = Store.open(f"sqlite:///{tmp_path / 'no-accounts.db'}")
    outcome_desk.fill(empty, with_accounts=False)
    assert "Outcomes" not in leads_digest_text(empty, date(2026, 10, 31))
    team_digests = build_digests(filled, FileConfig(), KpiConfig(), [], day=date(2026, 10, 31), now=NOW,
                                 with_chart=False)
    assert all("Outcomes" not in json.dumps(b.post.message) for b in team_digests if b.target.team is not None)
