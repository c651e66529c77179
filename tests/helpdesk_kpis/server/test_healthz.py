"""`/healthz`: ok, degraded (a stale or failed sync, a missed digest) and down (no store), with
each connector instance's last sync -- the same in every process sharing the store."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.server import health
from helpdesk_kpis.server.health import health_report
from kpis.store import Store
from kpis.store.sync_runs import SyncRun, record_sync_run
from tests.helpdesk_kpis.server.serving import serve_env, serving

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def context(tmp_path, monkeypatch, store_url):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HELPDESK_KPIS_CONFIG", raising=False)
    monkeypatch.setenv("DATABASE_URL", store_url)
    (tmp_path / "helpdesk-kpis.toml").write_text("[schedule]\nsync_every_minutes = 15\n")
    monkeypatch.setattr(health, "_missed", [])
    return AppContext()


def synced(url: str, instance: str, minutes_ago: int, outcome: str = "ok", detail: str | None = None) -> None:
    store = Store.open(url)
    source, name = instance.split(":")
    record_sync_run(store, SyncRun(source, name, NOW - timedelta(minutes=minutes_ago), outcome, detail))
    store.close()


def test_recent_syncs_are_ok_and_listed_per_instance(context, store_url):
    synced(store_url, "zendesk:acme", 5)
    synced(store_url, "freshdesk:eu", 44)  # under three intervals of 15 minutes
    status, body = health_report(context, "endpoint", now=NOW)
    assert status == 200
    assert body == {
        "status": "ok", "role": "endpoint", "store": "ok",
        "connectors": {
            "freshdesk:eu": {"last_sync": "2026-12-03T08:16:00+00:00", "age_seconds": 2640, "outcome": "ok"},
            "zendesk:acme": {"last_sync": "2026-12-03T08:55:00+00:00", "age_seconds": 300, "outcome": "ok"},
        },
    }


def test_a_stale_or_failed_sync_and_a_missed_digest_make_it_degraded_not_down(context, store_url):
    synced(store_url, "zendesk:acme", 46)  # 46 minutes: older than three 15-minute intervals
    synced(store_url, "intercom:us", 2, "failed", "Intercom refused INTERCOM_ACCESS_TOKEN (401)")
    health.note_missed("digests at 09:00", when=NOW - timedelta(hours=1))
    status, body = health_report(context, "scheduler", now=NOW)
    assert status == 200
    assert body["status"] == "degraded"
    assert body["problems"] == [
        "the last sync of intercom:us failed", "zendesk:acme was last synced 46 minutes ago", "missed: digests at 09:00",
    ]
    assert body["connectors"]["intercom:us"]["detail"] == "Intercom refused INTERCOM_ACCESS_TOKEN (401)"
    assert body["leader"] is False  # this test process holds no lease


def test_a_missed_digest_a_day_ago_no_longer_degrades(context):
    health.note_missed("digests at 09:00", when=NOW - timedelta(hours=25))
    assert health_report(context, "endpoint", now=NOW)[1]["status"] == "ok"


def test_an_unreachable_store_is_down_with_503(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HELPDESK_KPIS_CONFIG", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    status, body = health_report(AppContext(), "endpoint", now=NOW)
    assert status == 503
    assert body == {"status": "down", "role": "endpoint", "store": "unreachable"}


def test_a_running_scheduler_reports_its_own_sync_over_http(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text("[connectors.sample.tiny]\ntickets = 20\ndays = 3\n")
    with serving(tmp_path, serve_env(tmp_path), "--role", "scheduler") as (url, _process):
        deadline = time.monotonic() + 120  # generous: the first sync on a busy machine
        body = requests.get(url + "/healthz", timeout=10).json()
        while "sample:tiny" not in body["connectors"] and time.monotonic() < deadline:
            time.sleep(0.2)
            body = requests.get(url + "/healthz", timeout=10).json()
    assert body["status"] == "ok" and body["leader"] is True
    assert body["connectors"]["sample:tiny"]["outcome"] == "ok"
