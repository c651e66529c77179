"""Done when: one store fed by Zendesk and Freshdesk at once, and one digest reporting both
helpdesks' teams, with the team names the two share kept apart by source."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest

from connectors.http import clock as clocks
from helpdesk_kpis import cli
from helpdesk_kpis.cli import main
from kpis.records import Ticket
from kpis.store import Store
from tests.fakes.freshdesk import FakeFreshdesk, FreshdeskAccount
from tests.fakes.freshdesk import populate as populate_freshdesk
from tests.fakes.zendesk import Account, CompressedClock, FakeZendesk
from tests.fakes.zendesk import populate as populate_zendesk

DAY = "2026-11-19"  # the fakes' clock starts at 2026-11-20 12:00 UTC; the digest's 7 days: 13-19 Nov
WINDOW = ("2026-11-13T00:00:00", "2026-11-20T00:00:00")


@pytest.fixture
def clock(monkeypatch) -> CompressedClock:
    shared = CompressedClock()
    monkeypatch.setattr(clocks, "default_clock", lambda: shared)
    monkeypatch.setattr(cli, "_now", lambda: datetime.fromtimestamp(int(shared.epoch()), tz=timezone.utc))
    return shared


@pytest.fixture
def helpdesks(clock, tmp_path, monkeypatch):
    zendesk = Account(clock)
    populate_zendesk(zendesk, tickets=400, days=20)
    freshdesk = FreshdeskAccount(clock)
    populate_freshdesk(freshdesk, tickets=150, days=20)
    with FakeZendesk(zendesk, clock) as zd, FakeFreshdesk(freshdesk, clock) as fd:
        monkeypatch.chdir(tmp_path)
        for name in ("HELPDESK_KPIS_CONFIG", "ZENDESK_OAUTH_TOKEN", "SLACK_BOT_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpis.db'}")
        monkeypatch.setenv("ZENDESK_SUBDOMAIN", "acme")
        monkeypatch.setenv("ZENDESK_URL", zd.url)
        monkeypatch.setenv("ZENDESK_EMAIL", zd.email)
        monkeypatch.setenv("ZENDESK_API_TOKEN", zd.token)
        monkeypatch.setenv("FRESHDESK_DOMAIN", "acme")
        monkeypatch.setenv("FRESHDESK_URL", fd.url)
        monkeypatch.setenv("FRESHDESK_API_KEY", freshdesk.api_key)
        yield zendesk, freshdesk, tmp_path


def solved_in_window(tickets, solved_at, excluded) -> dict[str, int]:
    """Tickets solved in the digest's window per group, counted from the fakes' raw JSON."""
    counts: dict[str, int] = {}
    for ticket in tickets:
        solved = solved_at(ticket)
        if solved and WINDOW[0] <= solved.rstrip("Z")[:19] < WINDOW[1] and not excluded(ticket) and ticket["group_id"]:
            counts[str(ticket["group_id"])] = counts.get(str(ticket["group_id"]), 0) + 1
    return counts


def test_one_digest_reports_both_helpdesks_teams_kept_apart(helpdesks, capsys):
    zendesk, freshdesk, workdir = helpdesks
    assert main(["sync", "--no-alerts"]) == 0, capsys.readouterr().err
    assert "from 2 connectors" in capsys.readouterr().out
    stored = Store.open(f"sqlite:///{workdir / 'kpis.db'}")
    assert {(t.source, t.instance) for t in stored.iter_records(Ticket)} == {("zendesk", "acme"), ("freshdesk", "acme")}

    assert main(["digest", "--date", DAY, "--team", "overall", "--json"]) == 0
    [overall] = json.loads(capsys.readouterr().out)["digests"]
    breakdown = "\n".join(block["text"]["text"] for block in overall["thread"][0]["blocks"] if block.get("text"))
    lines = {m.group(1): m.group(0) for m in re.finditer(r"\*([^*]+)\*[^\n]*", breakdown)}

    # Zendesk: solved or closed, at the metric set's solved_at; Freshdesk: Resolved (4) or Closed
    # (5), at stats.resolved_at.
    zendesk_solved = solved_in_window(
        zendesk.tickets.values(),
        lambda t: (
            (zendesk.metrics.get(t["id"]) or {}).get("solved_at") if t["status"] in ("solved", "closed") else None
        ),
        lambda t: t["status"] == "deleted" or "closed_by_merge" in t["tags"],
    )
    freshdesk_solved = solved_in_window(
        freshdesk.tickets.values(),
        lambda t: t["stats"]["resolved_at"] if t["status"] in (4, 5) else None,
        lambda t: t.get("deleted") or t.get("spam"),
    )
    expected = {}
    for gid, group in zendesk.groups.items():
        shared = group["name"] in {g["name"] for g in freshdesk.groups.values()}
        expected[f"{group['name']} (zendesk:acme)" if shared else group["name"]] = zendesk_solved.get(str(gid), 0)
    for gid, group in freshdesk.groups.items():
        expected[f"{group['name']} (freshdesk:acme)"] = freshdesk_solved.get(str(gid), 0)
    # Billing and Technical exist in both helpdesks: each source's team is its own row, named
    # with its source; Returns (Zendesk only) keeps its plain name.
    assert set(expected) == {
        "Billing (zendesk:acme)",
        "Billing (freshdesk:acme)",
        "Technical (zendesk:acme)",
        "Technical (freshdesk:acme)",
        "Returns",
    }
    assert set(lines) >= set(expected), breakdown
    for name, count in expected.items():
        assert f"solved {count} " in lines[name], (name, lines[name])
    assert all(count > 0 for count in expected.values())

    # Each team's own digest exists too, one per source.
    assert main(["digest", "--date", DAY, "--json"]) == 0
    scopes = {d["scope"] for d in json.loads(capsys.readouterr().out)["digests"]}
    assert {f"team:{name}" for name in expected} | {"overall"} == scopes
