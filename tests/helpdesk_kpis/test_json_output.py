"""Every --json / --format json output is one JSON object carrying the version, in every case:
with data, with nothing to show, and when the run fails (the error and the usual exit code)."""

from __future__ import annotations

import json
from importlib.metadata import version

import pytest

from helpdesk_kpis.cli import main
from tests.helpdesk_kpis.sample_project import TOML, WINDOW, isolate

VERSION = version("helpdesk-kpis")

def run_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(list(args))
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"not one line of JSON: {out!r}"
    payload = json.loads(out)
    assert isinstance(payload, dict)
    assert payload["version"] == VERSION
    return code, payload


# The command, and the key its data is under (the report contract's keys stay at the top level).
OUTPUTS = [
    (["report", "--format", "json", *WINDOW], "rows"),
    (["report", "--by", "agent", "--team", "Billing", "--format", "json", *WINDOW], "rows"),
    (["report", "--explain", "csat", "--by", "agent", "--format", "json", *WINDOW], "kpi"),
    (["report", "--themes", "--format", "json", *WINDOW], "themes"),
    (["report", "--scorecard", "--format", "json", *WINDOW], "scorecards"),
    (["report", "--outcomes", "--format", "json", "--from", "2026-10-20", "--to", "2026-11-18"], "window"),
    (["digest", "--date", "2026-11-16", "--json"], "digests"),
    (["alerts", "--json"], "alerts"),
    (["config", "show", "--json"], "settings"),
    (["config", "check", "--json"], "checks"),
]


@pytest.mark.parametrize(("args", "key"), OUTPUTS, ids=[" ".join(a[:3]) for a, _ in OUTPUTS])
def test_every_json_output_is_one_object_with_the_version(sample_project, capsys, args, key):
    code, payload = run_json(capsys, *args)
    assert key in payload
    assert "error" not in payload
    expected = 1 if args[:2] == ["config", "check"] else 0  # no Slack token: the check fails, still JSON
    assert code == expected


def test_the_report_contract_keeps_its_keys_beside_the_version(sample_project, capsys):
    _, payload = run_json(capsys, "report", "--by", "overall", "--format", "json", *WINDOW)
    assert list(payload) == ["version", "window", "previous_window", "rows"]
    assert payload["window"] == {"start": "2026-11-10T00:00:00+00:00", "end": "2026-11-17T00:00:00+00:00",
                                 "timezone": "UTC"}
    assert [row["scope"] for row in payload["rows"]] == ["overall"]


def test_the_digest_and_alert_payloads_are_under_their_keys(sample_project, capsys):
    _, digests = run_json(capsys, "digest", "--date", "2026-11-16", "--team", "Billing", "--json")
    [billing] = digests["digests"]
    assert billing["scope"] == "team:Billing" and billing["channel"] == "#kpi-billing"
    assert billing["message"]["blocks"]
    _, alerts = run_json(capsys, "alerts", "--json")
    [breach] = alerts["alerts"]  # CSAT below 101 %: Billing, the one team configured, breaches
    assert breach["kind"] == "breach" and breach["alert_id"].startswith("csat-floor|")


def test_no_alert_rules_is_an_empty_list_not_text(sample_project, capsys):
    (sample_project / "helpdesk-kpis.toml").write_text("[reporting]\ntimezone = \"UTC\"\n")
    code, payload = run_json(capsys, "alerts", "--json")
    assert code == 0
    assert payload == {"version": VERSION, "alerts": []}


ERRORS = [
    # no store: every reading command refuses to create one
    ("no store", ["report", "--format", "json"], 1, "no store at helpdesk-kpis.db; run `helpdesk-kpis sync` first"),
    ("no store", ["report", "--format=json", "--by", "agent"], 1, "no store at helpdesk-kpis.db"),
    ("no store", ["digest", "--json"], 1, "no store at helpdesk-kpis.db"),
    ("no store", ["alerts", "--json"], 1, "no store at helpdesk-kpis.db"),  # with rules (below): they need one
    # usage
    ("unknown KPI", ["report", "--kpi", "csta", "--format", "json"], 2, "unknown KPI 'csta'; did you mean csat?"),
    ("unknown scope", ["report", "--by", "agnet", "--format", "json"], 2, "Invalid value for '--by'"),
    ("unknown option", ["alerts", "--json", "--bogus"], 2, "No such option: --bogus"),
    ("bad date", ["digest", "--date", "fortnight", "--json"], 2, "fortnight"),
]


@pytest.mark.parametrize(("case", "args", "exit_code", "message"), ERRORS,
                         ids=[f"{c}: {' '.join(a)}" for c, a, _, _ in ERRORS])
def test_a_failure_with_json_asked_is_one_json_object_too(tmp_path, monkeypatch, capsys, case, args, exit_code,
                                                         message):
    isolate(monkeypatch, tmp_path)
    monkeypatch.delenv("DATABASE_URL")  # the default store: helpdesk-kpis.db, not there
    config = tmp_path / "rules.toml"
    if args[0] == "alerts":
        config.write_text(TOML[TOML.index("[[alerts]]"):] + 'channel = "#kpi-alerts"\n')
        args = [*args, "--config", str(config)]
    code = main(args)
    out, err = capsys.readouterr()
    assert code == exit_code
    payload = json.loads(out)
    assert payload["version"] == VERSION and payload["exit_code"] == exit_code
    assert message in payload["error"]
    assert message in err  # the line for people stays on stderr
    assert [p.name for p in tmp_path.iterdir()] in ([], ["rules.toml"])  # no store created


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["report", "--team", "Biling", "--format", "json", *WINDOW], 2, "no team named 'Biling'; did you mean 'Billing'?"),
        (["digest", "--team", "Biling", "--json"], 2, "no digest for 'Biling'; did you mean 'Billing'?"),
        (["report", "--explain", "bogus", "--by", "agent", "--format", "json"], 2, "bogus"),
    ],
)
def test_a_failure_on_a_store_with_json_asked_is_json(sample_project, capsys, args, exit_code, message):
    code = main(args)
    out, err = capsys.readouterr()
    assert code == exit_code
    payload = json.loads(out)
    assert payload == {"version": VERSION, "error": payload["error"], "exit_code": exit_code}
    assert message in payload["error"]


@pytest.mark.parametrize("args", [["report", "--format", "json"], ["config", "show", "--json"],
                                  ["config", "check", "--json"]])
def test_a_broken_config_with_json_asked_is_json(tmp_path, monkeypatch, capsys, args):
    isolate(monkeypatch, tmp_path)
    (tmp_path / "helpdesk-kpis.toml").write_text('[reporting]\ntimezon = "UTC"\n')
    code = main(args)
    out = capsys.readouterr().out
    assert code == 2
    payload = json.loads(out)
    assert payload["version"] == VERSION
    assert payload["error"] == ("helpdesk-kpis.toml: reporting.timezon: Extra inputs are not permitted; "
                                "did you mean 'timezone'?")
