"""Terminal tables fit 80 columns by wrapping into more tables, never by cutting a value; --wide
puts every KPI on one line."""

from __future__ import annotations

import pytest

from helpdesk_kpis.cli import main

CONFIG = """
[connectors.sample.demo]
tickets = 1500
days = 30
anchor = "2026-11-20T12:00:00Z"
"""
MANY = "frt,sla,nps,ces,csss,fcr,reopens,backlog,csat,created"


@pytest.fixture
def synced(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("HELPDESK_KPIS_CONFIG", "HELPDESK_KPIS_SECRETS_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpis.db'}")
    (tmp_path / "helpdesk-kpis.toml").write_text(CONFIG)
    assert main(["sync", "--no-alerts"]) == 0
    capsys.readouterr()
    return tmp_path


def report(capsys, monkeypatch, columns: int, *args: str) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["report", "--from", "2026-11-10", "--to", "2026-11-19", *args]) == 0
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("by", ["team", "agent"])
def test_at_80_columns_many_kpis_wrap_into_tables_and_nothing_is_cut(synced, capsys, monkeypatch, by):
    lines = report(capsys, monkeypatch, 80, "--by", by, "--kpi", MANY)
    assert max(len(line) for line in lines) <= 80
    assert not [line for line in lines if "…" in line]
    text = "\n".join(lines)
    assert sum(1 for line in lines if line.startswith("┏")) >= 2  # more than one table
    for header in ("NPS", "FCR", "CSAT", "Backlog", "New", "Reply"):
        assert header in text
    assert "Support" in text and "satisfaction" in text  # a long label wraps onto lines, whole words


def test_the_headline_agent_table_keeps_whole_headers(synced, capsys, monkeypatch):
    text = "\n".join(report(capsys, monkeypatch, 80, "--by", "agent"))
    assert "Resolve" in text and "Resol…" not in text


def test_wide_puts_every_kpi_on_one_line(synced, capsys, monkeypatch):
    lines = report(capsys, monkeypatch, 80, "--kpi", MANY, "--wide")
    assert sum(1 for line in lines if line.startswith("┏")) == 1
    assert max(len(line) for line in lines) > 80
