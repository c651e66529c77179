"""Does `serve` stop cleanly every time, on a machine whose cores are busy?

    .venv/bin/python benchmarks/serve_stops_cleanly.py [--runs 20] [--busy 2] [--test <pytest id>]

Starts ``--busy`` CPU burners (``while 1: pass`` processes), then runs the `serve ... stops
cleanly` test (a real `serve` process answering signed requests, stopped by SIGINT, which must
exit 0 within its bound) ``--runs`` times in a row, each in a fresh pytest process. Prints each
run's result and seconds, then how many passed in a row; the burners are stopped by their pid.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = (
    "tests/helpdesk_kpis/server/test_serve_slash.py"
    "::test_serve_answers_signed_commands_over_http_and_stops_cleanly"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--busy", type=int, default=2, help="CPU burners to run meanwhile")
    parser.add_argument("--test", default=TEST)
    args = parser.parse_args()

    burners = [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(args.busy)]
    in_a_row, seconds = 0, []
    try:
        for run in range(1, args.runs + 1):
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", args.test],
                cwd=ROOT, capture_output=True, text=True,
            )
            took = time.monotonic() - started
            seconds.append(took)
            ok = done.returncode == 0
            print(f"run {run:>2}: {'passed' if ok else 'FAILED'} in {took:.1f}s", flush=True)
            if not ok:
                print(done.stdout[-3000:], done.stderr[-2000:], sep="\n")
                break
            in_a_row += 1
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    print(f"{in_a_row}/{args.runs} passed in a row with {args.busy} busy cores; "
          f"per run {min(seconds):.1f}-{max(seconds):.1f}s (pytest start included)")
    return 0 if in_a_row == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
