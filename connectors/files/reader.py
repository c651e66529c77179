"""Rows of a CSV (with a header line) or JSON Lines file, each with the line it came from."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kpis.errors import ConfigError

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def file_format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise ConfigError(f"{path}: use a .csv (with a header line) or .jsonl file") from None


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, row) for every data line; a row that cannot be parsed at all comes as its error text."""
    fmt = file_format(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    with handle:
        if fmt == "csv":
            reader = csv.DictReader(handle)
            for row in reader:
                if None in row:  # more cells than header names
                    yield reader.line_num, f"{len(row[None])} more cells than the header has columns"
                    continue
                yield reader.line_num, {k.strip().lower(): (v.strip() if isinstance(v, str) else v)
                                        for k, v in row.items() if k is not None}
            return
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, f"not valid JSON ({error.msg})"
                continue
            if not isinstance(value, dict):
                yield number, "not a JSON object"
                continue
            yield number, {str(k).lower(): v for k, v in value.items()}
