"""Fixtures of the `config` command tests: a project folder with nothing inherited from the
environment, a fake Zendesk (compressed clock: retries take no real time) and a fake Slack."""

from __future__ import annotations

import os
import socket

import pytest

from connectors.http import clock as clocks
from helpdesk_kpis.cli import main
from tests.fakes.zendesk import Account, CompressedClock, FakeZendesk, populate
from tests.fakes.slack.api import FakeSlack

ZENDESK_TOKEN = "zd-api-token-7d1e0c9b5a"
ZENDESK_EMAIL = "admin@acme.test"
PREFIXES = ("ZENDESK_", "SLACK_", "HELPDESK_KPIS_", "DATABASE_URL", "FRESHDESK_", "INTERCOM_", "HELPSCOUT_")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder as the working directory, and no helpdesk-kpis variable inherited."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpis.db'}")
    monkeypatch.setenv("COLUMNS", "220")  # a wide terminal: table cells unwrapped
    return tmp_path


@pytest.fixture
def clock(monkeypatch) -> CompressedClock:
    shared = CompressedClock()
    monkeypatch.setattr(clocks, "default_clock", lambda: shared)
    return shared


def zendesk_account(clock, subdomain: str = "acme", csat: str = "legacy", tickets: int = 30) -> Account:
    account = Account(clock, subdomain=subdomain, csat=csat)
    populate(account, tickets=tickets)
    return account


@pytest.fixture
def zendesk(clock):
    with FakeZendesk(zendesk_account(clock), clock, email=ZENDESK_EMAIL, token=ZENDESK_TOKEN) as server:
        yield server


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        fake.add_channel("kpi-billing", "C0BILLING1")
        fake.add_channel("support-leads", "C0LEADS001")
        yield fake


def use_zendesk(monkeypatch, server: FakeZendesk, token: str = ZENDESK_TOKEN) -> None:
    monkeypatch.setenv("ZENDESK_URL", server.url)
    monkeypatch.setenv("ZENDESK_EMAIL", server.email)
    monkeypatch.setenv("ZENDESK_API_TOKEN", token)


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once (network down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
