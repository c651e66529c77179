"""The config of the ``sample_project`` fixture (tests/helpdesk_kpis/conftest.py): the sample helpdesk, its
Billing team with a channel, and an alert rule every team breaches (CSAT below 101 %)."""

from __future__ import annotations

import pytest

TOML = """
[reporting]
timezone = "UTC"

[connectors.sample.demo]
tickets = 600
days = 30
anchor = "2026-11-20T12:00:00Z"

[[teams]]
name = "Billing"
channel = "#kpi-billing"

[[alerts]]
id = "csat-floor"
kpi = "csat"
scope = "every-team"
operator = "<"
threshold = 101
window = "30d"
"""

WINDOW = ("--from", "2026-11-10", "--to", "2026-11-16")


def isolate(patch: pytest.MonkeyPatch, folder) -> None:
    patch.chdir(folder)
    for name in ("DATABASE_URL", "HELPDESK_KPIS_CONFIG", "HELPDESK_KPIS_SECRETS_DIR", "SLACK_BOT_TOKEN",
                 "SLACK_API_URL", "ZENDESK_URL", "ZENDESK_SUBDOMAIN"):
        patch.delenv(name, raising=False)
    patch.setenv("DATABASE_URL", f"sqlite:///{folder / 'kpis.db'}")
