"""Digests as files: each message's blocks as ``{"blocks": [...]}``, the form Slack's Block Kit
Builder takes (https://app.slack.com/block-kit-builder, https://docs.slack.dev/block-kit/), the
thread reply in a file of its own, and the chart as the PNG the thread would carry."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from helpdesk_kpis.jobs.team_digests import BuiltDigest


def write_digest_files(built: Sequence[BuiltDigest], folder: Path) -> list[Path]:
    """Write every digest's files into ``folder`` (emptied of earlier ones first); the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in [*folder.glob("*.json"), *folder.glob("*.png")]:
        leftover.unlink()  # a fresh set every time
    written = []
    for item in built:
        stem = digest_stem(item)
        messages = [(f"{stem}.json", item.post.message)]
        if item.post.breakdown:
            messages.append((f"{stem}-thread-1.json", item.post.breakdown))
        for name, message in messages:
            path = folder / name
            path.write_text(json.dumps({"blocks": message["blocks"]}, ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
            written.append(path)
        if item.post.chart is not None:
            path = folder / f"{stem}.png"
            path.write_bytes(item.post.chart.png)
            written.append(path)
    return written


def digest_stem(item: BuiltDigest) -> str:
    """"billing-2026-12-02": the digest's files are named after its chart's."""
    if item.post.chart is not None:
        return item.post.chart.filename.removesuffix(".png")
    return f"{item.post.scope.replace(':', '-').lower()}-{item.post.date_key}"
