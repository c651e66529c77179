"""The `file` connector: documented schemas, row-level validation, all-or-nothing imports, KPIs."""

from __future__ import annotations

import json
import logging

import pytest

from helpdesk_kpis.cli import main
from kpis.records import Account, Rating, RetentionSpend, SurveyAnswer
from kpis.store import Store

SURVEYS_CSV = """id,kind,value,answered_at,scale,helpdesk,ticket_id,comment
n1,nps,10,2026-11-10,,,,Love it
n2,nps,9,2026-11-10T08:00:00Z,,,,
n3,nps,3,2026-11-11,,,,Too slow
c1,ces,6,2026-11-11,,,,
c2,ces,2,2026-11-12,,,,
s1,csat,5,2026-11-12,1-5,sample:demo,12,
s2,csat,3,2026-11-12,1-5,sample:demo,13,meh
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("HELPDESK_KPIS_CONFIG", "ZENDESK_SUBDOMAIN", "ZENDESK_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpis.db'}")
    return tmp_path


def configure(project, **files) -> None:
    lines = ["[connectors.file.imports]"] + [
        f"{key} = {json.dumps(value) if isinstance(value, str) else str(value).lower()}" for key, value in files.items()
    ]
    (project / "helpdesk-kpis.toml").write_text("\n".join(lines) + "\n")


def sync(capsys):
    code = main(["sync", "--connector", "file"])
    out, err = capsys.readouterr()
    return code, out, err


def store(project) -> Store:
    return Store.open(f"sqlite:///{project / 'kpis.db'}")


def test_surveys_csv_imports_nps_ces_and_csat_into_their_helpdesk(project, capsys):
    (project / "surveys.csv").write_text(SURVEYS_CSV)
    configure(project, surveys="surveys.csv")
    assert sync(capsys)[0] == 0
    answers = {a.id: a for a in store(project).iter_records(SurveyAnswer)}
    assert {a.id for a in answers.values()} == {f"import:imports:{i}" for i in ("n1", "n2", "n3", "c1", "c2")}
    assert answers["import:imports:c1"].scale_max == 7  # CES defaults to 1..7
    ratings = list(store(project).iter_records(Rating))
    # CSAT about helpdesk tickets lives in that helpdesk's namespace, joined to its ticket.
    assert {(r.source, r.instance, r.ticket_id, r.positive) for r in ratings} == {
        ("sample", "demo", "12", True), ("sample", "demo", "13", False)}

    code = main(["report", "--from", "2026-11-10", "--to", "2026-11-12", "--by", "overall", "--format", "json"])
    metrics = json.loads(capsys.readouterr().out)["rows"][0]["metrics"]
    assert code == 0
    # NPS: 2 promoters, 1 detractor of 3 -> 33.3. CES mean (6 + 2) / 2 = 4, easy (6-7): 1 of 2.
    assert metrics["nps"]["value"] == pytest.approx(33.3)
    assert metrics["ces"]["value"] == pytest.approx(4.0)
    assert metrics["ces_easy_rate"]["value"] == pytest.approx(50.0)
    assert metrics["csat"]["value"] == pytest.approx(50.0) and metrics["csat"]["n"] == 2


def test_a_file_with_bad_rows_imports_nothing_and_names_every_line(project, capsys):
    (project / "surveys.csv").write_text(
        SURVEYS_CSV + "n4,nps,11,2026-11-12,,,,\nn5,nps,7,someday,,,,\nc3,happiness,4,2026-11-12,,,,\n"
    )
    configure(project, surveys="surveys.csv")
    code, _, err = sync(capsys)
    assert code == 1
    assert "3 bad rows, nothing imported" in err
    assert "line 9: value 11 is outside 0..10" in err
    assert "line 10: answered_at 'someday' is not a date" in err
    assert "line 11: kind 'happiness' is not nps, ces or csat" in err
    assert "Traceback" not in err
    assert store(project).count(SurveyAnswer) == 0


def test_skip_bad_rows_imports_the_rest_and_warns(project, capsys, caplog):
    (project / "surveys.csv").write_text(SURVEYS_CSV + "n4,nps,11,2026-11-12,,,,\n")
    configure(project, surveys="surveys.csv", skip_bad_rows=True)
    with caplog.at_level(logging.WARNING):
        assert sync(capsys)[0] == 0
    assert store(project).count(SurveyAnswer) == 5
    assert any("line 9" in message for message in caplog.messages)


def test_an_unchanged_file_is_not_read_again_and_a_changed_one_updates_in_place(project, capsys):
    (project / "accounts.jsonl").write_text(
        '{"id": "a1", "name": "Acme", "started_at": "2026-01-05", "monthly_revenue": 50}\n'
        '{"id": "a2", "started_at": "2026-02-01", "monthly_revenue": "80.5"}\n'
    )
    configure(project, accounts="accounts.jsonl")
    assert sync(capsys)[0] == 0
    assert "synced 0 records" in sync(capsys)[1]
    (project / "accounts.jsonl").write_text(
        '{"id": "a1", "name": "Acme", "started_at": "2026-01-05", "ended_at": "2026-11-10", "monthly_revenue": 50}\n'
        '{"id": "a2", "started_at": "2026-02-01", "monthly_revenue": "80.5"}\n'
    )
    assert sync(capsys)[0] == 0
    accounts = {a.id: a for a in store(project).iter_records(Account)}
    assert len(accounts) == 2 and accounts["a1"].ended_at is not None and accounts["a2"].monthly_revenue == 80.5


def test_accounts_and_spend_give_churn_retention_cost_and_clv(project, capsys):
    rows = ["id,name,started_at,ended_at,monthly_revenue"]
    rows += [f"c{i},,2026-01-01,{'2026-11-10' if i < 2 else ''},40" for i in range(20)]  # 2 of 20 leave
    (project / "accounts.csv").write_text("\n".join(rows) + "\n")
    (project / "spend.csv").write_text("spent_at,amount,note\n2026-11-09,900,renewal calls\n2026-11-11,180,\n")
    configure(project, accounts="accounts.csv", retention_spend="spend.csv")
    assert sync(capsys)[0] == 0
    assert store(project).count(RetentionSpend) == 2
    (project / "helpdesk-kpis.toml").write_text(
        (project / "helpdesk-kpis.toml").read_text() + "\n[kpis]\nclv_lifetime_months = 36\n"
    )
    code = main(["report", "--from", "2026-11-08", "--to", "2026-11-14", "--by", "overall", "--format", "json"])
    metrics = json.loads(capsys.readouterr().out)["rows"][0]["metrics"]
    assert code == 0
    assert metrics["churn_rate"]["value"] == pytest.approx(10.0) and metrics["churn_rate"]["n"] == 20
    assert metrics["customer_retention_cost"]["value"] == pytest.approx(60.0)  # 1,080 / 18 retained
    assert metrics["clv"]["value"] == pytest.approx(40.0 * 36)


def test_a_missing_file_or_an_unknown_format_is_a_config_error(project, capsys):
    configure(project, surveys="nope.csv")
    code, _, err = sync(capsys)
    assert code == 2 and "no file at nope.csv" in err
    (project / "surveys.xlsx").write_text("")
    configure(project, surveys="surveys.xlsx")
    code, _, err = sync(capsys)
    assert code == 2 and ".csv (with a header line) or .jsonl" in err


def test_sync_skip_bad_rows_flag_imports_the_good_rows_for_this_run(project, capsys, caplog):
    (project / "surveys.csv").write_text(SURVEYS_CSV + "n4,nps,11,2026-11-12,,,,\n")
    configure(project, surveys="surveys.csv")
    code, _, err = sync(capsys)
    assert code == 1 and "run sync --skip-bad-rows to import the rest" in err
    with caplog.at_level(logging.WARNING):
        code = main(["sync", "--connector", "file", "--skip-bad-rows"])
    assert code == 0
    assert store(project).count(SurveyAnswer) == 5  # the 5 good NPS and CES rows; line 9 skipped
    assert any("line 9: value 11 is outside 0..10" in message for message in caplog.messages)


def test_business_kpis_appear_in_the_digest(project, capsys):
    rows = ["id,started_at,ended_at,monthly_revenue"] + [
        f"c{i},2026-01-01,{'2026-11-10' if i < 2 else ''},40" for i in range(20)]  # 2 of 20 leave in the window
    (project / "accounts.csv").write_text("\n".join(rows) + "\n")
    (project / "spend.csv").write_text("spent_at,amount\n2026-11-09,900\n2026-11-11,180\n")
    configure(project, accounts="accounts.csv", retention_spend="spend.csv")
    (project / "helpdesk-kpis.toml").write_text((project / "helpdesk-kpis.toml").read_text() + (
        '\n[digest]\nkpis = ["churn_rate", "customer_retention_cost", "clv"]\n\n[kpis]\nclv_lifetime_months = 36\n'))
    assert sync(capsys)[0] == 0
    assert main(["digest", "--date", "2026-11-14", "--team", "overall", "--json"]) == 0
    [overall] = json.loads(capsys.readouterr().out)
    text = overall["message"]["text"]
    # 8-14 Nov: 2 of 20 churned; 1,080 spent / 18 retained; 40 a month x 36 months.
    assert "Churn rate 10.0%" in text and "Retention cost per customer 60.00" in text
    assert "Customer lifetime value 1,440.00" in text
