"""`report --scorecard` as a user runs it, on the sample helpdesk."""

from __future__ import annotations

import json

import pytest

from helpdesk_kpis.cli import main
from tests.helpdesk_kpis.test_cli import SAMPLE_TOML, assert_one_line_error, run, workdir  # noqa: F401 - the fixture

# A project folder (the working directory, tmp_path) configured with the sample helpdesk.
pytestmark = pytest.mark.usefixtures("workdir")

COMPONENTS = {"csat", "qa_score", "fcr_rate", "reopen_rate", "first_reply_sla_rate"}


def test_scorecards_of_a_team_as_json_with_parts_medians_and_a_four_window_trend(capsys):
    assert main(["sync"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "report", "--scorecard", "--team", "Billing", "--period", "30d", "--format", "json")
    assert code == 0
    result = json.loads(out)
    cards = result["scorecards"]
    assert cards and {card["team"] for card in cards} == {"Billing"}
    assert len(result["trend_windows"]) == 4 and result["trend_windows"][-1]["end"] == result["window"]["end"]
    for card in cards:
        assert set(card["components"]) == COMPONENTS and len(card["trend"]) == 4
        kept = [c for c in card["components"].values() if not c["left_out"]]
        # The weights used are the configured ones renormalised over the parts kept.
        assert abs(sum(c["used_weight"] for c in kept) - 1.0) < 0.01 or not kept
        assert card["partial"] == (len(kept) < len(COMPONENTS))
        if kept:
            by_hand = sum(c["points"] * c["used_weight"] for c in kept)
            assert abs(card["score"] - by_hand) < 0.2  # rounded to one decimal on both sides
    # Highest score first.
    scores = [card["score"] for card in cards if card["score"] is not None]
    assert scores == sorted(scores, reverse=True)


def test_the_table_has_the_score_trend_and_team_medians(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    assert main(["sync"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "report", "--scorecard", "--period", "30d")
    assert code == 0
    assert "Agent scorecards" in out and "Trend" in out and "team's median" in out
    assert any(block in out for block in "▁▂▃▄▅▆▇█")


def test_scorecard_with_kpis_or_csv_is_a_usage_error(capsys):
    code, _, err = run(capsys, "report", "--scorecard", "--kpi", "csat")
    assert code == 2
    assert_one_line_error(err, "--scorecard")


def test_scorecard_weights_are_validated_with_one_line(tmp_path, capsys):
    (tmp_path / "helpdesk-kpis.toml").write_text(SAMPLE_TOML + "\n[scorecard]\nweights = { csat = 1, speed = 2 }\n")
    code, _, err = run(capsys, "report", "--scorecard")
    assert code == 2
    assert_one_line_error(err, "speed", "scorecard components are")
