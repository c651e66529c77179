"""Freshdesk, Intercom and Help Scout in `config init`, `config check` and `sync`, as an admin sets
them up: flags and variables in, a config that checks clean and syncs out."""

from __future__ import annotations

import tomllib

import pytest
from dotenv import dotenv_values

from tests.helpdesk_kpis.config_fixtures import clock, project, run  # noqa: F401 - fixtures
from tests.fakes.freshdesk import FakeFreshdesk, FreshdeskAccount
from tests.fakes.freshdesk import populate as populate_freshdesk
from tests.fakes.helpscout import FakeHelpScout, HelpScoutAccount
from tests.fakes.helpscout import populate as populate_helpscout
from tests.fakes.intercom import FakeIntercom, IntercomWorkspace
from tests.fakes.intercom import populate as populate_intercom


@pytest.fixture
def freshdesk(clock):
    account = FreshdeskAccount(clock)
    populate_freshdesk(account, tickets=20)
    with FakeFreshdesk(account, clock) as server:
        yield server


@pytest.fixture
def intercom(clock):
    workspace = IntercomWorkspace(clock)
    populate_intercom(workspace, conversations=20)
    with FakeIntercom(workspace, clock) as server:
        yield server


@pytest.fixture
def helpscout(clock):
    account = HelpScoutAccount(clock)
    populate_helpscout(account, conversations=20)
    with FakeHelpScout(account, clock) as server:
        yield server


def toml(project) -> dict:
    return tomllib.loads((project / "helpdesk-kpis.toml").read_text())


def test_init_sets_up_the_three_helpdesks_from_flags_and_variables(
    project, freshdesk, intercom, helpscout, monkeypatch, capsys
):
    monkeypatch.setenv("FRESHDESK_API_KEY", freshdesk.account.api_key)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", intercom.workspace.token)
    monkeypatch.setenv("HELPSCOUT_APP_ID", helpscout.account.app_id)
    monkeypatch.setenv("HELPSCOUT_APP_SECRET", helpscout.account.app_secret)
    code, out, err = run(
        capsys,
        "config",
        "init",
        "--no-input",
        "--freshdesk-domain",
        "acme",
        "--freshdesk-url",
        freshdesk.url,
        "--intercom-url",
        intercom.url,
        "--helpscout-url",
        helpscout.url,
    )
    assert code == 0, err
    config = toml(project)
    assert config["connectors"] == {
        "freshdesk": {"acme": {"domain": "acme", "url": freshdesk.url}},
        "intercom": {"default": {"url": intercom.url}},
        "helpscout": {"default": {"url": helpscout.url}},
    }
    assert dotenv_values(project / ".env") == {
        "FRESHDESK_ACME_API_KEY": freshdesk.account.api_key,
        "INTERCOM_DEFAULT_ACCESS_TOKEN": intercom.workspace.token,
        "HELPSCOUT_DEFAULT_APP_ID": helpscout.account.app_id,
        "HELPSCOUT_DEFAULT_APP_SECRET": helpscout.account.app_secret,
    }
    # Every helpdesk's teams are proposed; same-named teams are merged into one digest.
    billing = next(t for t in config["teams"] if t["name"] == "Billing")
    assert sorted(s.split(":")[0] for s in billing["sources"]) == ["freshdesk", "helpscout", "intercom"]
    for secret in (freshdesk.account.api_key, intercom.workspace.token, helpscout.account.app_secret):
        assert secret not in out + err

    code, out, err = run(capsys, "config", "check")
    for row in (
        "freshdesk:acme API key",
        "intercom:default access token",
        "helpscout:default app credentials",
        "helpscout:default ratings",
    ):
        assert row in out
    assert "signed in as ada@acme.test" in out
    code, out, err = run(capsys, "sync", "--no-alerts")
    assert code == 0, err
    assert "from 3 connectors" in out


def test_a_refused_key_writes_nothing_and_names_the_variable(project, freshdesk, monkeypatch, capsys):
    monkeypatch.setenv("FRESHDESK_API_KEY", "not-the-key")
    code, _, err = run(capsys, "config", "init", "--no-input", "--freshdesk-url", freshdesk.url)
    assert code == 2
    assert "FRESHDESK_API_KEY" in err and "not-the-key" not in err and "nothing written" in err
    assert not (project / "helpdesk-kpis.toml").exists() and not (project / ".env").exists()


def test_sync_with_a_refused_token_exits_2_naming_the_variable(project, intercom, monkeypatch, capsys):
    monkeypatch.setenv("INTERCOM_URL", intercom.url)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "revoked")
    code, _, err = run(capsys, "sync", "--no-alerts")
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err
    assert "Intercom default refused the access token (401 Unauthorized): check INTERCOM_ACCESS_TOKEN" in lines[0]
