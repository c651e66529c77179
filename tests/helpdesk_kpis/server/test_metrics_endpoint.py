"""`GET /metrics` of a running serve, parsed with prometheus-client's own parser."""

from __future__ import annotations

import time

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.fakes.slack.api import FakeSlack
from tests.helpdesk_kpis.server.serving import ENDPOINT_CONFIG, ask, serve_env, serving
from tests.notifiers.slash import conftest as desk

CONFIG = ENDPOINT_CONFIG


def samples(url: str) -> dict[tuple[str, tuple], float]:
    answer = requests.get(url + "/metrics", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_the_endpoint_counts_kpi_requests_by_outcome_with_their_latency(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    with FakeSlack() as slack:
        slack.users.update(desk.SLACK_USERS)
        with serving(tmp_path, serve_env(tmp_path, slack), "--role", "endpoint") as (url, _process):
            assert ask(url, slack, "team billing csat").ok
            assert ask(url, slack, "team billing csat", secret="0" * 32).status_code == 401
            found = samples(url)
    assert found[("helpdesk_kpis_slash_requests_total", (("outcome", "answered"),))] == 1
    assert found[("helpdesk_kpis_slash_requests_total", (("outcome", "refused"),))] == 1
    assert found[("helpdesk_kpis_slash_seconds_count", ())] == 2
    assert found[("helpdesk_kpis_leader", ())] == 0  # an endpoint runs no jobs


def test_the_scheduler_shows_its_syncs_and_that_it_leads(tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text("[connectors.sample.tiny]\ntickets = 20\ndays = 3\n")
    with serving(tmp_path, serve_env(tmp_path), "--role", "scheduler") as (url, _process):
        deadline = time.monotonic() + 120  # generous: the first sync on a busy machine
        runs = ("helpdesk_kpis_sync_runs_total", (("instance", "sample:tiny"), ("outcome", "ok")))
        found = samples(url)
        while found.get(runs, 0) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
            found = samples(url)
    assert found[runs] == 1
    assert found[("helpdesk_kpis_sync_pages_total", (("instance", "sample:tiny"),))] > 0
    assert found[("helpdesk_kpis_sync_records_total", (("instance", "sample:tiny"),))] > 0
    assert found[("helpdesk_kpis_leader", ())] == 1
