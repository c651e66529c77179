"""The command line as a user runs it: exit codes, one-line errors, demo, sync, report, export."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest

from helpdesk_kpis.cli import main
from kpis.records import Rating, Ticket
from kpis.store import Store

SAMPLE_TOML = """
[reporting]
timezone = "Europe/Berlin"

[connectors.sample.demo]
tickets = 1500
days = 30
anchor = "2026-11-20T12:00:00Z"
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A project folder with a config naming the sample connector and a SQLite store."""
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "HELPDESK_KPIS_CONFIG", "ZENDESK_SUBDOMAIN", "ZENDESK_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "helpdesk-kpis.toml").write_text(SAMPLE_TOML)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpis.db'}")
    return tmp_path


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


def test_demo_needs_no_configuration_and_shows_each_teams_kpis(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "140")  # a wide terminal: full team names
    (tmp_path / "helpdesk-kpis.toml").write_text("this is = not [valid toml")  # demo ignores it
    code, out, _ = run(capsys, "demo", "--out", str(tmp_path / "demo"), "--tickets", "800")
    assert code == 0
    for team in ("Billing", "Technical Support", "Onboarding", "Enterprise", "Returns"):
        assert team in out
    assert "CSAT" in out and "Backlog" in out
    assert (tmp_path / "demo" / "demo.db").exists()
    # One team's digest is shown; every digest is saved as Block Kit Builder JSON ({"blocks": [...]}
    # per message: the digest, then its thread reply) and its chart (PNG).
    assert "Billing KPIs · " in out and "Enterprise KPIs · " not in out
    slack = tmp_path / "demo" / "slack"
    for stem in ("billing", "technical-support", "onboarding", "enterprise", "returns", "all-teams"):
        [message] = slack.glob(f"{stem}-????-??-??.json")
        blocks = json.loads(message.read_text())
        assert list(blocks) == ["blocks"] and blocks["blocks"][0]["type"] == "header"
        thread = json.loads(message.with_name(f"{message.stem}-thread-1.json").read_text())
        assert list(thread) == ["blocks"] and thread["blocks"][0]["text"]["text"].startswith("*By ")
        assert message.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    assert "slack/ (6 digests as Block Kit JSON" in " ".join(out.split())
    # Running it again starts from a fresh store, not on top of the old one.
    assert run(capsys, "demo", "--out", str(tmp_path / "demo"), "--tickets", "800")[0] == 0
    assert Store.open(f"sqlite:///{tmp_path / 'demo' / 'demo.db'}").count(Ticket) == 800


def test_the_default_demo_fits_in_120_lines_of_an_80_column_terminal_with_no_emoji_codes(tmp_path, monkeypatch,
                                                                                          capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "demo", "--out", str(tmp_path / "demo"))  # 6,000 tickets: 113 lines measured
    assert code == 0
    lines = out.splitlines()
    assert len(lines) <= 120, out
    assert max(len(line) for line in lines) <= 80
    assert ":bar_chart:" not in out and re.search(r"(?<![\w:]):[a-z_]+:(?![\w:])", out) is None, out
    # The tables, the first team's top scorecards, one comparison of churn, one digest, then where the rest is.
    for shown in ("Last 7 days, overall", "Last 7 days, team", "Top 3 of", "An association, not a cause",
                  "Billing KPIs · ", "scorecards.txt, outcomes.txt (the full tables)"):
        assert shown in " ".join(out.split()), shown
    assert "Enterprise KPIs" not in out and "notification text" not in out
    assert "Agent scorecards, Billing" in (tmp_path / "demo" / "scorecards.txt").read_text()
    assert "NPS (latest)" in (tmp_path / "demo" / "outcomes.txt").read_text()


def test_sync_then_resync_on_unchanged_data_changes_and_duplicates_nothing(workdir, capsys):
    code, out, _ = run(capsys, "sync")
    assert code == 0 and "synced" in out
    store = Store.open(f"sqlite:///{workdir / 'kpis.db'}")
    tickets_before = list(store.iter_records(Ticket))
    ratings_before = list(store.iter_records(Rating))
    assert len(tickets_before) == 1500 and ratings_before
    code, out, _ = run(capsys, "sync")
    assert code == 0 and "synced 0 records" in out
    assert list(store.iter_records(Ticket)) == tickets_before
    assert list(store.iter_records(Rating)) == ratings_before
    # --full starts over from --since and lands on the same records again, none twice.
    code, out, _ = run(capsys, "sync", "--full", "--since", "2026-09-01", "--connector", "sample")
    assert code == 0
    assert list(store.iter_records(Ticket)) == tickets_before


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("sync", "--connector", "nosuchdesk"), ("unknown connector 'nosuchdesk'", "sample")),
        (("sync", "--since", "last tuesday"), ("--since", "YYYY-MM-DD")),
        (("report", "--period", "fortnight"), ("unknown period",)),
        (("report", "--from", "2026-11-01"), ("--from and --to go together",)),
        (("report", "--kpi", "happiness"), ("unknown KPI 'happiness'",)),
    ],
)
def test_bad_usage_exits_2_with_one_line(workdir, capsys, args, fragments):
    code, _, err = run(capsys, *args)
    assert code == 2
    assert_one_line_error(err, *fragments)


def test_bad_database_url_exits_2_naming_the_variable(workdir, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite-ish://what")
    code, _, err = run(capsys, "sync")
    assert code == 2
    assert_one_line_error(err, "DATABASE_URL")


def test_postgres_password_never_appears_in_errors(workdir, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://kpis:s3cr3t-pw@127.0.0.1:1/nowhere")
    code, out, err = run(capsys, "report")
    assert code == 1
    assert "s3cr3t-pw" not in out + err
    assert_one_line_error(err, "cannot reach the PostgreSQL store")


def test_invalid_config_file_exits_2_naming_the_key(workdir, capsys):
    (workdir / "helpdesk-kpis.toml").write_text('[reporting]\ntimezone = "Mars/Olympus"\n')
    code, _, err = run(capsys, "report")
    assert code == 2
    assert_one_line_error(err, "reporting.timezone", "unknown time zone")
    (workdir / "helpdesk-kpis.toml").write_text("[reporting\n")
    code, _, err = run(capsys, "report")
    assert code == 2
    assert_one_line_error(err, "not valid TOML")


def test_no_connector_configured_says_how_to_add_one(workdir, capsys):
    (workdir / "helpdesk-kpis.toml").write_text("")
    code, _, err = run(capsys, "sync")
    assert code == 2
    assert_one_line_error(err, "no connector is configured", "helpdesk-kpis demo")


def test_locked_store_fails_the_run_and_keeps_the_data(workdir, capsys, monkeypatch):
    assert run(capsys, "sync")[0] == 0
    monkeypatch.setattr("kpis.store.connection.DEFAULT_LOCK_TIMEOUT", 0.2)
    holder = sqlite3.connect(workdir / "kpis.db")
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, _, err = run(capsys, "sync", "--full")
    finally:
        holder.rollback()
        holder.close()
    assert code == 1
    assert_one_line_error(err, "locked by another process")
    assert Store.open(f"sqlite:///{workdir / 'kpis.db'}").count(Ticket) == 1500


def test_store_from_a_newer_release_exits_2_and_is_left_alone(workdir, capsys):
    assert run(capsys, "sync")[0] == 0
    db = sqlite3.connect(workdir / "kpis.db")
    db.execute("UPDATE alembic_version SET version_num = 'fffffff'")
    db.commit()
    code, _, err = run(capsys, "report")
    assert code == 2
    assert_one_line_error(err, "newer helpdesk-kpis", "upgrade")
    assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("fffffff",)
    db.close()


def test_report_json_follows_the_contract_and_csv_is_long_format(workdir, capsys):
    assert run(capsys, "sync")[0] == 0
    code, out, _ = run(capsys, "report", "--from", "2026-11-10", "--to", "2026-11-16", "--format", "json")
    assert code == 0
    report = json.loads(out)
    # Whole local days in Europe/Berlin (UTC+1 in November).
    assert report["window"] == {"start": "2026-11-09T23:00:00+00:00", "end": "2026-11-16T23:00:00+00:00",
                                "timezone": "Europe/Berlin"}
    assert report["previous_window"]["end"] == report["window"]["start"]
    names = {row["name"] for row in report["rows"]}
    assert names == {"Billing", "Technical Support", "Onboarding", "Enterprise", "Returns"}
    csat = report["rows"][0]["metrics"]["csat"]
    assert {"value", "n", "ci_low", "ci_high", "previous", "change", "band", "insufficient_data"} <= set(csat)

    code, out, _ = run(capsys, "report", "--by", "agent", "--team", "billing", "--format", "csv", "--kpi", "csat")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {row["team"] for row in rows} == {"Billing"} and {row["kpi"] for row in rows} == {"csat"}

    code, out, _ = run(capsys, "report", "--period", "30d", "--by", "agent")
    assert code == 0 and "Agent" in out


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_writes_every_normalized_record(workdir, capsys, fmt):
    assert run(capsys, "sync")[0] == 0
    out_file = workdir / f"tickets.{fmt}"
    code, _, err = run(capsys, "export", "tickets", "--format", fmt, "--output", str(out_file))
    assert code == 0 and "wrote 1,500 tickets" in err
    text = out_file.read_text()
    rows = list(csv.DictReader(io.StringIO(text))) if fmt == "csv" else [json.loads(line) for line in text.splitlines()]
    assert len(rows) == 1500
    first = rows[0]
    assert first["key"].startswith("sample:demo:")
    assert first["created_at"].endswith("Z")
    code, out, _ = run(capsys, "export", "ratings", "--format", fmt)
    assert code == 0 and out.strip()


def test_customer_success_score_weights_come_from_the_config(workdir, capsys):
    assert run(capsys, "sync")[0] == 0
    window = ("report", "--from", "2026-11-10", "--to", "2026-11-16", "--by", "overall", "--format", "json")
    default = json.loads(run(capsys, *window)[1])["rows"][0]["metrics"]
    value = {key: default[key]["value"] for key in ("csat", "fcr_rate", "first_reply_sla_rate",
                                                     "customer_success_score")}
    # The definitions' defaults: 0.5 csat + 0.25 fcr_rate + 0.25 first_reply_sla_rate (JSON rounds to 0.1).
    expected = 0.5 * value["csat"] + 0.25 * value["fcr_rate"] + 0.25 * value["first_reply_sla_rate"]
    assert value["customer_success_score"] == pytest.approx(expected, abs=0.1)

    (workdir / "helpdesk-kpis.toml").write_text(SAMPLE_TOML + "\n[kpis]\nsuccess_weights = { csat = 3, fcr_rate = 1 }\n")
    weighted = json.loads(run(capsys, *window)[1])["rows"][0]["metrics"]
    assert weighted["customer_success_score"]["value"] == pytest.approx(
        (3 * value["csat"] + value["fcr_rate"]) / 4, abs=0.1)

    (workdir / "helpdesk-kpis.toml").write_text(SAMPLE_TOML + "\n[kpis]\nsuccess_weights = { backlog = 1 }\n")
    code, _, err = run(capsys, *window)
    assert code == 2
    assert_one_line_error(err, "kpis.success_weights", "backlog")


def test_shutdown_grace_defaults_to_5_seconds_and_a_bad_one_is_one_line_and_exit_2(workdir, capsys):
    code, out, _ = run(capsys, "config", "show", "--json")
    assert code == 0
    [grace] = [row for row in json.loads(out)["settings"] if row["setting"] == "shutdown_grace_seconds"]
    assert (grace["section"], grace["value"], grace["source"]) == ("server", "5.0", "default")
    (workdir / "helpdesk-kpis.toml").write_text(SAMPLE_TOML + "\n[server]\nshutdown_grace_seconds = 0\n")
    code, _, err = run(capsys, "sync")
    assert code == 2
    assert_one_line_error(err, "shutdown_grace_seconds")
