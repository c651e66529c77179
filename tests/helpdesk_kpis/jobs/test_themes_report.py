"""`report --themes` as a user runs it: the JSON contract, the table, the team and low-only filters."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sklearn")

from helpdesk_kpis.cli import main  # noqa: E402
from kpis.store import Store  # noqa: E402
from tests.kpis.themes.planted import ENGLISH  # noqa: E402
from tests.kpis.themes.seeding import NOW, seed_planted  # noqa: E402


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "HELPDESK_KPIS_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "helpdesk-kpis.toml").write_text('[reporting]\ntimezone = "UTC"\n')
    url = f"sqlite:///{tmp_path / 'kpis.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setattr("helpdesk_kpis.cli._now", lambda: NOW)
    seed_planted(Store.open(url), before={"refund": 2, "password": 4})
    return tmp_path


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_follows_the_contract_with_trend_against_the_week_before(workdir, capsys):
    code, out, err = run(capsys, "report", "--themes", "--team", "Billing", "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["window"] == {"start": "2026-11-13T00:00:00+00:00", "end": "2026-11-20T00:00:00+00:00"}
    assert result["previous_window"] == {"start": "2026-11-06T00:00:00+00:00", "end": "2026-11-13T00:00:00+00:00"}
    assert result["comments"] == 48 and result["uncategorised"] == 0  # the tech comment is not Billing's
    assert len(result["themes"]) == 8
    refund = next(t for t in result["themes"] if "refund" in t["label"])
    assert refund["count"] == 6 and refund["previous_count"] == 2 and refund["low_rated"] == 6 and refund["csat"] == 0.0
    assert refund["agents"] == [{"id": "zendesk:acme:ana", "name": "Ana", "count": 4},
                                {"id": "zendesk:acme:ben", "name": "Ben", "count": 2}]
    assert refund["tags"] == [{"tag": "refunds", "count": 6}]
    newest = refund["examples"][0]
    assert newest == {"ticket_id": "1006", "url": "https://acme.zendesk.test/agent/tickets/1006",
                      "comment": ENGLISH["refund"][5], "score_raw": "bad", "agent": "Ben",
                      "rated_at": "2026-11-13T06:00:00+00:00"}  # ticket 1006: hour 6
    assert len(refund["examples"]) == 3
    assert next(t for t in result["themes"] if "password" in t["label"])["previous_count"] == 4
    praise = next(t for t in result["themes"] if "friendly" in t["label"])
    assert praise["csat"] == 100.0 and praise["previous_count"] == 0


def test_low_only_and_every_team(workdir, capsys):
    code, out, _ = run(capsys, "report", "--themes", "--low-only", "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["low_only"] is True
    assert result["comments"] == 6 * 6 + 1  # six low planted themes, and the tech team's refund comment
    assert all(t["low_rated"] == t["count"] for t in result["themes"])


def test_table_names_each_theme(workdir, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    code, out, _ = run(capsys, "report", "--themes", "--team", "billing")
    assert code == 0
    for label in ("refund processed", "slow reply", "friendly agent", "passwort zurücksetzen"):
        assert label in out
    assert "48 comments: 48 in themes, 0 uncategorised, 0 in other languages" in out


def test_too_few_and_bad_usage_say_so_in_one_line(workdir, capsys):
    code, out, _ = run(capsys, "report", "--themes", "--from", "2026-11-01", "--to", "2026-11-01")
    assert code == 0 and "No rating comments in 2026-11-01" in out
    code, out, _ = run(capsys, "report", "--themes", "--period", "14d")
    assert code == 0 and "refund" in out
    for args, fragment in ((("--low-only",), "--low-only goes with --themes"),
                           (("--themes", "--format", "csv"), "--format table or --format json"),
                           (("--themes", "--team", "Nobody"), "no team 'Nobody'"),
                           (("--themes", "--kpi", "csat"), "leave out --kpi")):
        code, _, err = run(capsys, "report", *args)
        assert code == 2 and fragment in err and "Traceback" not in err


def test_the_digest_of_a_team_with_many_low_ratings_says_what_customers_said(workdir, capsys):
    seed_planted(Store.open(f"sqlite:///{workdir / 'kpis.db'}"), before={"refund": 2, "password": 4},
                 extra=["refund not processed again", "still no refund, it is not processed"])
    code, out, err = run(capsys, "digest", "--date", "2026-11-19", "--json")
    assert code == 0, err
    by_scope = {d["scope"]: json.dumps(d["message"]["blocks"], ensure_ascii=False) for d in json.loads(out)["digests"]}
    billing = by_scope["team:Billing"]  # 39 low ratings, 38 of them with a comment
    assert "themes of 38 low-rating comments in 13–19 Nov 2026, against the 7 days before\\n• *refund processed*: 8, up from 2" in billing
    assert billing.count("\\n• *") == 3 and "3 more themes:_ `/kpi comments Billing low`" in billing
    assert "Newest low ratings" not in billing
    tech = by_scope["team:Tech"]  # one low rating: the list stays
    assert "Newest low ratings" in tech and "What customers said" not in tech
