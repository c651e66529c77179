"""How fast the command line starts: `helpdesk-kpis --help` and `helpdesk-kpis config show`.

    .venv/bin/python benchmarks/startup.py [--runs 10] [--command .venv/bin/helpdesk-kpis]

Runs each command ``--runs`` times as its own process, through the installed console script (what
a person types), after one untimed run that leaves Python's bytecode caches warm. `config show`
reads a minimal ``helpdesk-kpis.toml`` (one Zendesk instance, a team) and a dummy API token from
a temporary directory, so no real credentials are needed and nothing outside it is read. Prints
the median, min and max wall time of each, and the median CPU time (user + system) of the
process, which other work on a shared machine inflates much less than the wall time.

Target: under 0.4 s each. On a shared machine the figures vary with the load: compare medians
taken one after the other.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = """\
[reporting]
timezone = "Europe/Berlin"

[connectors.zendesk.acme]
subdomain = "acme"
email = "admin@example.com"

[[teams]]
name = "Billing"
channel = "#kpi-billing"
"""

#: Only what a process needs to run: the caller's own configuration variables (DATABASE_URL,
#: ZENDESK_*...) would change what `config show` reads.
KEPT_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each command (default 10)")
    parser.add_argument(
        "--command",
        default=str(Path(sys.executable).with_name("helpdesk-kpis")),
        help="the console script (default: helpdesk-kpis beside this Python)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        (where / "helpdesk-kpis.toml").write_text(CONFIG, encoding="utf-8")
        env = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
        env["ZENDESK_ACME_API_TOKEN"] = "dummy-token-for-the-startup-benchmark"
        print(f"{'command':<28}{'median':>9}{'min':>9}{'max':>9}{'CPU median':>12}   ({args.runs} runs each)")
        for label, argv in (("helpdesk-kpis --help", ["--help"]), ("helpdesk-kpis config show", ["config", "show"])):
            times, cpu = _times([args.command, *argv], cwd=where, env=env, runs=args.runs)
            print(f"{label:<28}{statistics.median(times):>8.3f}s{min(times):>8.3f}s{max(times):>8.3f}s"
                  f"{statistics.median(cpu):>11.3f}s")


def _times(argv: list[str], *, cwd: Path, env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each run."""
    _run(argv, cwd=cwd, env=env)  # untimed: writes the bytecode caches a fresh install lacks
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        _run(argv, cwd=cwd, env=env)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, cpu


def _run(argv: list[str], *, cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")


if __name__ == "__main__":
    main()
