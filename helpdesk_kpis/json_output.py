"""What every ``--json`` / ``--format json`` output is: one JSON object on one line, carrying the
version of helpdesk-kpis that wrote it, with the data under a key -- or, when the run failed, the
error line and the exit code (contract: docs/commands.md#json-output)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from functools import cache
from typing import IO, Any


@cache
def package_version() -> str:
    from importlib.metadata import version

    return version("helpdesk-kpis")


def write_json(payload: dict[str, Any], out: IO[str] | None = None) -> None:
    """``payload`` with ``version`` added (first, so that a reader sees it before the data)."""
    (out or sys.stdout).write(json.dumps({"version": package_version(), **payload}, ensure_ascii=False) + "\n")


def write_json_error(message: str, exit_code: int, out: IO[str] | None = None) -> None:
    """A failed run as JSON too, so that a script reading stdout gets an object in every case."""
    write_json({"error": message, "exit_code": exit_code}, out)


def asks_for_json(args: Sequence[str]) -> bool:
    """Whether the command line asks for JSON output (``--json``, ``--format json``), before any parsing:
    a usage error must come out as JSON too. Only the part before ``--`` counts."""
    args = list(args[:list(args).index("--")] if "--" in args else args)
    for i, arg in enumerate(args):
        if arg == "--json" or arg == "--format=json":
            return True
        if arg == "--format" and i + 1 < len(args) and args[i + 1] == "json":
            return True
    return False
