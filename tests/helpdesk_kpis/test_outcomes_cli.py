"""`report --outcomes` as a lead runs it: accounts imported from a file naming their helpdesk
organisations, bad rows reported, churn by the support each account got (worked out by hand in
tests/helpdesk_kpis/outcome_desk.py)."""

from __future__ import annotations

import json
from datetime import datetime

from kpis.imported_records import Account
from kpis.store import Store
from tests.connectors.test_files import configure, project, store, sync  # noqa: F401 - project is a fixture
from tests.helpdesk_kpis import outcome_desk
from tests.helpdesk_kpis.test_cli import assert_one_line_error, run

ACCOUNTS_CSV = """id,name,started_at,ended_at,monthly_revenue,helpdesk
o1,One,2025-06-01,2026-10-12,100,zendesk:acme
o2,Two,2025-06-01,2026-10-20,100,zendesk:acme
o3,Three,2025-06-01,,100,zendesk:acme
o4,Four,2025-06-01,,100,zendesk:acme
o5,Five,2025-06-01,,100,zendesk:acme
o9,Nine,2025-06-01,,100,zendesk:acme
crm-7,Seven,2025-06-01,,100,
"""
OCTOBER = ("--from", "2026-10-01", "--to", "2026-10-31")


def imported(project, capsys, text: str = ACCOUNTS_CSV) -> None:  # noqa: F811
    outcome_desk.fill(Store.open(f"sqlite:///{project / 'kpis.db'}"), with_accounts=False)
    (project / "accounts.csv").write_text(text)
    configure(project, accounts="accounts.csv")
    assert sync(capsys)[0] == 0


def test_accounts_name_their_organisation_through_the_helpdesk_column(project, capsys):  # noqa: F811
    imported(project, capsys)
    keys = {(a.source, a.instance, a.id) for a in store(project).iter_records(Account)}
    assert ("zendesk", "acme", "o1") in keys and ("file", "imports", "crm-7") in keys


def test_outcomes_json_gives_every_count_and_churn_by_bad_rating(project, capsys):  # noqa: F811
    imported(project, capsys)
    code, out, _ = run(capsys, "report", "--outcomes", *OCTOBER, "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert result["window"]["start"] == "2026-10-01T00:00:00+00:00"
    # 7 customers on 1 October; o1 o2 churned; crm-7 names no helpdesk; o9 is on no ticket; o8 has no account.
    assert result["accounts"] == {"accounts": 7, "cohort": 7, "churned": 2, "no_churn_date": 5, "not_linked": 1,
                                  "unknown_organisation": 1, "without_support": 0, "with_support": 5,
                                  "organisations_without_account": 1}
    bad_rating = next(d for d in result["dimensions"] if d["dimension"] == "bad_rating")
    groups = {g["group"]: (g["n"], g["churned"], round(g["churn_rate"]["value"], 1)) for g in bad_rating["groups"]}
    assert groups == {"bad": (2, 1, 50.0), "none": (3, 1, 33.3)}
    assert round(bad_rating["differences"][0]["value"], 1) == 16.7
    assert bad_rating["differences"][0]["significant"] is False


def test_outcomes_table_reads_as_association_and_defaults_to_ninety_days(project, capsys):  # noqa: F811
    imported(project, capsys)
    code, out, _ = run(capsys, "report", "--outcomes", *OCTOBER)
    assert code == 0
    words = " ".join(out.split())  # the caption wraps at the terminal's width
    assert "Any bad rating" in words and "reference" in words and "An association, not a cause" in words
    assert "1 naming no helpdesk organisation" in words and "1 whose organisation is on no ticket" in words
    code, out, _ = run(capsys, "report", "--outcomes", "--format", "json")
    window = json.loads(out)["window"]
    start, end = (datetime.fromisoformat(window[k]) for k in ("start", "end"))
    assert code == 0 and (end - start).days == 90


def test_a_bad_helpdesk_column_is_a_bad_row_and_skip_bad_rows_imports_the_rest(project, capsys):  # noqa: F811
    outcome_desk.fill(Store.open(f"sqlite:///{project / 'kpis.db'}"), with_accounts=False)
    (project / "accounts.csv").write_text(ACCOUNTS_CSV + "o4,Four again,2025-06-01,,100,zendesk\n")
    configure(project, accounts="accounts.csv")
    code, _, err = sync(capsys)
    assert code == 1
    assert "line 9" in err and "helpdesk 'zendesk' must be source:instance" in err
    assert not list(store(project).iter_records(Account))  # nothing imported from a file with a bad row
    configure(project, accounts="accounts.csv", skip_bad_rows=True)
    assert sync(capsys)[0] == 0
    assert len(list(store(project).iter_records(Account))) == 7
    (project / "accounts.csv").write_text(ACCOUNTS_CSV.replace("o5,Five,2025-06-01,,", "o5,Five,2025-06-01,2026-11-02,"))
    assert sync(capsys)[0] == 0  # a changed file is imported again: updated in place, nothing twice
    accounts = {a.id: a for a in store(project).iter_records(Account)}
    assert len(accounts) == 7 and accounts["o5"].ended_at is not None


def test_outcomes_without_accounts_or_with_kpi_flags_say_so_in_one_line(project, capsys):  # noqa: F811
    store(project).close()  # a store with no accounts in it (report never creates one)
    code, out, _ = run(capsys, "report", "--outcomes")
    assert code == 0 and "No customer accounts in the store" in out
    code, _, err = run(capsys, "report", "--outcomes", "--kpi", "csat")
    assert code == 2
    assert_one_line_error(err, "--outcomes covers every account")
    code, _, err = run(capsys, "report", "--outcomes", "--format", "csv")
    assert code == 2
    assert_one_line_error(err, "--outcomes prints a table or JSON")
