"""The `file` connector: documented schemas, row-level validation, all-or-nothing imports, KPIs."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import pytest

from helpdesk_kpis.cli import main
from kpis.imported_records import Account, RetentionSpend, Review, SurveyAnswer
from kpis.records import Rating, Ticket, TicketStatus
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
    [overall] = json.loads(capsys.readouterr().out)["digests"]
    text = overall["message"]["text"]
    # 8-14 Nov: 2 of 20 churned; 1,080 spent / 18 retained; 40 a month x 36 months.
    assert "Churn rate 10.0%" in text and "Retention cost per customer 60.00" in text
    assert "Customer lifetime value 1,440.00" in text


REVIEWS_CSV = """ticket_id,reviewer,reviewed_at,score,scale_min,scale_max,accuracy,tone,category_empathy,agent_id,helpdesk,comment
1,qa1,2026-11-10T09:00:00Z,4,1,5,5,3,4,,zendesk:acme,good catch
1,qa1,2026-11-11T09:00:00Z,2,1,5,2,2,,,zendesk:acme,second look: wrong macro
2,qa1,2026-11-10,3,1,5,,,,a2,zendesk:acme,
1,qa2,2026-11-12,5,1,5,,,,,zendesk:acme,
99,qa1,2026-11-12,5,1,5,,,,,zendesk:acme,ticket not synced yet
"""


def _two_tickets(project) -> None:
    solved = datetime(2026, 11, 9, 12, tzinfo=timezone.utc)
    tickets = [Ticket("zendesk", "acme", str(i), solved, solved, TicketStatus.SOLVED, "solved", solved_at=solved,
                      assignee_id="a1", group_id="g1", replies=2, reopens=0) for i in (1, 2)]
    store(project).write_page("zendesk", "acme", "tickets", tickets, None)


def test_reviews_import_keeps_the_newest_per_reviewer_and_follows_the_tickets_agent(project, capsys, caplog):
    _two_tickets(project)
    (project / "reviews.csv").write_text(REVIEWS_CSV)
    configure(project, reviews="reviews.csv")
    with caplog.at_level(logging.WARNING):
        code, out, _ = sync(capsys)
    assert code == 0
    # Two reviews of ticket 1 by qa1: the newer (Nov 11) replaced the older; nothing stored twice.
    assert any("1 older review of a ticket by the same reviewer replaced" in m for m in caplog.messages)
    assert "reviews: 1 name tickets not in the store" in out
    reviews = {r.id: r for r in store(project).iter_records(Review)}
    assert set(reviews) == {"1:qa1", "2:qa1", "1:qa2", "99:qa1"}
    assert reviews["1:qa1"].score == 2 and reviews["1:qa1"].comment == "second look: wrong macro"
    assert dict(reviews["1:qa1"].categories) == {"accuracy": 2, "tone": 2}
    assert (reviews["1:qa1"].agent_id, reviews["1:qa1"].team_id) == ("a1", "g1")  # the ticket's, pinned
    assert (reviews["2:qa1"].agent_id, reviews["2:qa1"].agent_named) == ("a2", True)  # the file names the agent
    assert reviews["99:qa1"].agent_id is None

    code = main(["report", "--from", "2026-11-08", "--to", "2026-11-14", "--by", "overall", "--format", "json"])
    metrics = json.loads(capsys.readouterr().out)["rows"][0]["metrics"]
    assert code == 0
    # 1:qa1 (2 on 1..5) = 25, 2:qa1 (3) = 50, 1:qa2 (5) = 100; ticket 99 is unknown: left out. Mean 58.33.
    assert metrics["qa_score"]["value"] == pytest.approx(58.3) and metrics["qa_score"]["n"] == 3
    assert metrics["qa_accuracy"]["value"] == pytest.approx(25.0)
    assert metrics["review_coverage"]["value"] == pytest.approx(100.0)  # both solved tickets reviewed
    assert metrics["replies_per_solved"]["value"] == pytest.approx(2.0)
    # Ticket 99 arrives with the next helpdesk sync: its review now follows the ticket's agent.
    late = datetime(2026, 11, 11, tzinfo=timezone.utc)
    store(project).write_page("zendesk", "acme", "tickets", [Ticket(
        "zendesk", "acme", "99", late, late, TicketStatus.OPEN, "open", assignee_id="a3", group_id="g2")], None)
    pinned = {r.id: r for r in store(project).iter_records(Review)}["99:qa1"]
    assert (pinned.agent_id, pinned.team_id) == ("a3", "g2")


def test_a_review_outside_its_scale_is_a_bad_row_named_by_line(project, capsys):
    (project / "reviews.jsonl").write_text(
        '{"ticket_id": "1", "reviewer": "qa1", "reviewed_at": "2026-11-10", "score": 6, "scale_min": 1, "scale_max": 5}\n'
        '{"ticket_id": "2", "reviewer": "qa1", "reviewed_at": "2026-11-10", "score": 80,'
        ' "categories": {"tone": 120}}\n'
        '{"ticket_id": "3", "reviewed_at": "2026-11-10", "score": 80}\n'
    )
    configure(project, reviews="reviews.jsonl")
    code, _, err = sync(capsys)
    assert code == 1 and "3 bad rows, nothing imported" in err
    assert "line 1: score 6 is outside the scale 1..5" in err
    assert "line 2: tone 120 is outside the scale 0..100" in err
    assert "line 3: reviewer is missing" in err
    assert "Traceback" not in err
    assert store(project).count(Review) == 0
