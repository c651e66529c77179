"""Fixtures for the Slack side: the fake Slack Web API, a real WebClient on it, a compressed clock."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from slack_sdk.http_retry import builtin_handlers, handler

from notifiers.slack_client import make_client
from tests.fakes.slack.api import TOKEN, FakeSlack

BILLING = "C0BILLING1"
LEADS = "C0LEADS001"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_channel("kpi-billing", BILLING)
        fake.add_channel("support-leads", LEADS)
        fake.add_channel("kpi-returns", "C0RETURNS1", member=False)
        yield fake


@pytest.fixture
def slept(monkeypatch) -> list[float]:
    """slack-sdk's retry handlers sleep through this list instead of the clock (Retry-After etc.)."""
    waits: list[float] = []
    clock = SimpleNamespace(sleep=waits.append)
    monkeypatch.setattr(builtin_handlers, "time", clock)
    monkeypatch.setattr(handler, "time", clock)
    return waits


@pytest.fixture
def client(fake_slack, slept):
    return make_client(TOKEN, fake_slack.base_url)
