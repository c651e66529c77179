"""Command-line conventions a user expects of any tool: --version, python -m, shell completion."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

from helpdesk_kpis.cli import main


def test_version_prints_the_installed_version_and_exits_0(capsys):
    code = main(["--version"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.strip() == f"helpdesk-kpis {version('helpdesk-kpis')}"
    assert err == ""


def test_python_dash_m_runs_the_same_command_line():
    done = subprocess.run([sys.executable, "-m", "helpdesk_kpis", "--version"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("helpdesk-kpis ")


def test_shell_completion_can_be_installed(capsys):
    main(["--help"])
    out = capsys.readouterr().out
    assert "--install-completion" in out
    assert "--show-completion" in out
