"""`helpdesk-kpis --help` must not import what only the commands use: those imports took over a
second at every start before they were deferred, and nothing else would notice them coming back."""

from __future__ import annotations

import subprocess
import sys

#: pydantic: the settings models (every connector's, for ``config init``'s flags) are built only by
#: the commands that read settings.
HEAVY = ("matplotlib", "numpy", "sqlalchemy", "slack_bolt", "zenpy", "pydantic", "requests")

PROBE = f"""
import contextlib, io, sys
from helpdesk_kpis.cli import main
with contextlib.redirect_stdout(io.StringIO()) as shown:
    code = main(["--help"])
assert code == 0 and "config" in shown.getvalue(), (code, shown.getvalue())
print(" ".join(name for name in {HEAVY!r} if name in sys.modules))
"""


def test_help_imports_no_heavy_library():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_config_init_still_has_every_connectors_flags():
    from typer.testing import CliRunner

    from helpdesk_kpis.cli import app

    shown = CliRunner().invoke(app, ["config", "init", "--help"], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    for flag in ("--zendesk-subdomain", "--freshdesk-api-key", "--intercom-instance", "--helpscout-app-id", "--no-input"):
        assert flag in shown.output
