"""Every command-line test also proves that no rendered message lost a bracketed word to rich markup;
``sample_project``: a folder with a store synced from the sample helpdesk (synced once per test module)."""

from __future__ import annotations

import shutil

import pytest

from helpdesk_kpis.cli import main
from tests.helpdesk_kpis.markup_guard import markup_guard
from tests.helpdesk_kpis.sample_project import TOML, isolate


@pytest.fixture(autouse=True)
def no_swallowed_brackets(monkeypatch):
    with markup_guard(monkeypatch) as found:
        yield found
    assert not found, "rich markup swallowed bracketed text:\n" + "\n".join(found)


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    """A folder with the config above and a store synced from the sample helpdesk (once per module)."""
    folder = tmp_path_factory.mktemp("json-store")
    (folder / "helpdesk-kpis.toml").write_text(TOML)
    with pytest.MonkeyPatch.context() as patch:
        isolate(patch, folder)
        assert main(["sync", "--since", "2026-10-15", "--no-alerts"]) == 0
    return folder


@pytest.fixture
def sample_project(synced, tmp_path, monkeypatch):
    """A copy of the synced folder of the test's own (a run may record what it did)."""
    folder = tmp_path / "project"
    shutil.copytree(synced, folder)
    isolate(monkeypatch, folder)
    return folder
