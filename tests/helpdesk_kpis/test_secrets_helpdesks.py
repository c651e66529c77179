"""Secrets discipline for Freshdesk, Intercom and Help Scout: the CLI run through refusals,
faults and unreachable services with known secrets set, at DEBUG logging -- no secret, no Basic
header built from one and no OAuth access token appears in stdout, stderr or any log line."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from helpdesk_kpis import cli
from helpdesk_kpis.context import AppContext
from tests.helpdesk_kpis.config_fixtures import clock, closed_port, project, run  # noqa: F401 - fixtures
from tests.fakes.freshdesk import FakeFreshdesk, FreshdeskAccount
from tests.fakes.freshdesk import populate as populate_freshdesk
from tests.fakes.helpscout import FakeHelpScout, HelpScoutAccount
from tests.fakes.helpscout import populate as populate_helpscout
from tests.fakes.intercom import FakeIntercom, IntercomWorkspace
from tests.fakes.intercom import populate as populate_intercom

FD_KEY = "fd-SECRET-1111-aaaa"
IC_TOKEN = "ic-SECRET-2222-bbbb"
HS_ID = "hs-SECRET-ID-3333"
HS_SECRET = "hs-SECRET-4444-cccc"
WRONG = "wrong-SECRET-5555-dddd"


def secret_forms(issued: list[str]) -> list[str]:
    forms = [FD_KEY, IC_TOKEN, HS_ID, HS_SECRET, WRONG, *issued]
    forms += [base64.b64encode(f"{key}:X".encode()).decode() for key in (FD_KEY, WRONG)]
    return forms


@pytest.fixture
def world(project, clock, monkeypatch):
    freshdesk = FreshdeskAccount(clock, api_key=FD_KEY)
    populate_freshdesk(freshdesk, tickets=30)
    intercom = IntercomWorkspace(clock, token=IC_TOKEN)
    populate_intercom(intercom, conversations=30)
    helpscout = HelpScoutAccount(clock, app_id=HS_ID, app_secret=HS_SECRET)
    populate_helpscout(helpscout, conversations=30)
    monkeypatch.setattr(cli, "_now", lambda: datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc))
    with (
        FakeFreshdesk(freshdesk, clock) as fd,
        FakeIntercom(intercom, clock) as ic,
        FakeHelpScout(helpscout, clock) as hs,
    ):
        for name, value in {
            "FRESHDESK_URL": fd.url,
            "FRESHDESK_DOMAIN": "acme",
            "FRESHDESK_API_KEY": FD_KEY,
            "INTERCOM_URL": ic.url,
            "INTERCOM_ACCESS_TOKEN": IC_TOKEN,
            "HELPSCOUT_URL": hs.url,
            "HELPSCOUT_APP_ID": HS_ID,
            "HELPSCOUT_APP_SECRET": HS_SECRET,
        }.items():
            monkeypatch.setenv(name, value)
        yield {"fd": fd, "ic": ic, "hs": hs, "monkeypatch": monkeypatch}


def synced(w) -> list[str]:
    return ["sync", "--no-alerts"]


def freshdesk_refuses(w) -> list[str]:
    w["monkeypatch"].setenv("FRESHDESK_API_KEY", WRONG)
    return ["sync", "--connector", "freshdesk"]


def intercom_refuses(w) -> list[str]:
    w["monkeypatch"].setenv("INTERCOM_ACCESS_TOKEN", WRONG)
    return ["sync", "--connector", "intercom"]


def helpscout_refuses(w) -> list[str]:
    w["monkeypatch"].setenv("HELPSCOUT_APP_SECRET", WRONG)
    return ["sync", "--connector", "helpscout"]


def helpscout_token_revoked_midway(w) -> list[str]:
    w["hs"].fail("401", "GET /v2/conversations", times=1)
    return ["sync", "--connector", "helpscout"]


def all_fail(w) -> list[str]:
    for fake, path in ((w["fd"], "GET /api/v2/"), (w["ic"], "/"), (w["hs"], "GET /v2/")):
        fake.fail("502", path, times=100)
    return ["sync", "--no-alerts"]


def all_unreachable_check(w) -> list[str]:
    for name in ("FRESHDESK_URL", "INTERCOM_URL", "HELPSCOUT_URL"):
        w["monkeypatch"].setenv(name, f"http://127.0.0.1:{closed_port()}")
    return ["config", "check", "--json"]


def check_refused(w) -> list[str]:
    for name in ("FRESHDESK_API_KEY", "INTERCOM_ACCESS_TOKEN", "HELPSCOUT_APP_SECRET"):
        w["monkeypatch"].setenv(name, WRONG)
    return ["config", "check"]


def init_refused(w) -> list[str]:
    w["monkeypatch"].setenv("HELPSCOUT_APP_SECRET", WRONG)
    return ["config", "init", "--no-input", "--force"]


def init_written(w) -> list[str]:
    return ["config", "init", "--no-input", "--force"]


def show(w) -> list[str]:
    return ["config", "show", "--json"]


SCENARIOS: dict[str, tuple[Callable, int]] = {
    "sync: all three work": (synced, 0),
    "sync: Freshdesk refuses the key": (freshdesk_refuses, 2),
    "sync: Intercom refuses the token": (intercom_refuses, 2),
    "sync: Help Scout refuses the app": (helpscout_refuses, 2),
    "sync: Help Scout refuses a token midway": (helpscout_token_revoked_midway, 0),
    "sync: all three answer 502 throughout": (all_fail, 1),
    "config check: all unreachable": (all_unreachable_check, 1),
    "config check: all refused": (check_refused, 1),
    "config init: Help Scout refuses": (init_refused, 2),
    "config init: written": (init_written, 0),
    "config show --json": (show, 0),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_no_secret_reaches_output_or_logs(world, scenario, capsys, caplog):
    prepare, expected_code = SCENARIOS[scenario]
    argv = prepare(world)
    caplog.set_level(logging.DEBUG)
    code, out, err = run(capsys, *argv)
    assert code == expected_code, out + err
    assert "Traceback" not in err
    logs = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    for secret in secret_forms(list(world["hs"].tokens)):
        assert secret not in out + err, f"{scenario}: a secret in the output"
        assert secret not in logs, f"{scenario}: a secret in the logs"


def test_connectors_and_their_sessions_never_show_a_secret_in_their_repr(world):
    connectors = AppContext().connectors()
    assert {c.source for c in connectors} == {"freshdesk", "intercom", "helpscout"}
    text = "".join(
        repr(c.settings) + repr(vars(c)) + repr(vars(c.client)) + repr(c.client.session.auth) for c in connectors
    )
    for secret in secret_forms([]):
        assert secret not in text
