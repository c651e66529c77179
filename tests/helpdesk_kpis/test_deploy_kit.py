"""The deploy kit as far as this machine can run it: no container runtime here, so the compose
file's commands run as plain processes on one store, the image's health check command runs
against them, and the systemd units pass `systemd-analyze verify`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
import yaml

from tests.fakes.slack.api import FakeSlack
from tests.helpdesk_kpis.server.serving import serve_env, serving

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "docs" / "deploy" / "systemd"
CONFIG = """
[connectors.sample.tiny]
tickets = 20
days = 3

[[teams]]
name = "Billing"
channel = "C0BILLING"
"""


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def dockerfile_instruction(name: str) -> str:
    """The text of one Dockerfile instruction, continuation lines joined."""
    joined = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    found = [line.strip() for line in joined.splitlines() if line.strip().startswith(name + " ")]
    assert len(found) >= 1, f"no {name} in the Dockerfile"
    return found[-1][len(name) + 1:].strip()


def test_compose_runs_one_scheduler_and_two_endpoints_on_postgresql():
    services = compose()["services"]
    roles = {name: s["command"][s["command"].index("--role") + 1] for name, s in services.items() if "command" in s}
    assert sorted(roles.values()) == ["endpoint", "endpoint", "scheduler"]
    for name in roles:
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["db"]["image"].startswith("postgres:")


def test_the_image_runs_as_a_user_and_checks_its_health_on_healthz():
    user = dockerfile_instruction("USER")
    assert user not in {"root", "0"}
    assert "/healthz" in dockerfile_instruction("HEALTHCHECK")
    assert json.loads(dockerfile_instruction("ENTRYPOINT")) == ["helpdesk-kpis"]


def test_compose_commands_run_as_processes_on_one_store_and_pass_the_image_health_check(store_url, tmp_path):
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    services = {name: s for name, s in compose()["services"].items() if "command" in s}
    health_check = json.loads(dockerfile_instruction("HEALTHCHECK").split("CMD", 1)[1])
    assert health_check[0] == "python"
    with FakeSlack() as slack, ExitStack() as running:
        started = {}
        for name, service in services.items():
            env = serve_env(tmp_path, slack)
            env.update({key: str(value) for key, value in service["environment"].items()})
            env.update(DATABASE_URL=store_url, HELPDESK_KPIS_CONFIG=str(tmp_path / "helpdesk-kpis.toml"))
            assert service["command"][0] == "serve"
            # serving() adds its own --host/--port after the compose file's; the last one wins.
            started[name] = running.enter_context(serving(tmp_path, env, *service["command"][1:]))
        for name, (url, _process) in started.items():
            health = requests.get(url + "/healthz", timeout=10)
            assert health.status_code == 200, (name, health.text)
            assert health.json()["status"] == "ok"
            assert health.json()["role"] == ("scheduler" if name == "scheduler" else "endpoint")
            port = url.rsplit(":", 1)[1]
            checked = subprocess.run([sys.executable, *health_check[1:]], env={"HEALTHCHECK_PORT": port}, check=False,
                                     capture_output=True, text=True, timeout=60)
            assert checked.returncode == 0, checked.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_units_verify(tmp_path):
    executable = Path(sys.executable).with_name("helpdesk-kpis")
    assert executable.exists()
    for unit in UNITS.iterdir():
        # The units name the install path of docs/deploy.md; here the test's own virtualenv stands in.
        text = unit.read_text().replace("/srv/helpdesk-kpis/.venv/bin/helpdesk-kpis", str(executable))
        (tmp_path / unit.name).write_text(text)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "helpdesk-kpis-digest.service", "helpdesk-kpis-digest.timer", "helpdesk-kpis-sync.service",
        "helpdesk-kpis-sync.timer", "helpdesk-kpis.service",
    ]
    verified = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / n) for n in names)],
                              capture_output=True, text=True, timeout=120, check=False)
    assert verified.returncode == 0, verified.stderr
    assert verified.stderr.strip() == ""  # an unknown key is only a warning: fail on it too
    # Each ExecStart is a command the CLI knows.
    for name in names:
        for command in re.findall(r"^ExecStart=\S+ (.+)$", (tmp_path / name).read_text(), re.MULTILINE):
            done = subprocess.run([str(executable), *command.split(), "--help"], capture_output=True, timeout=60, check=False)
            assert done.returncode == 0, (name, command)
