"""`export`: every kind, --since, --instance and the three formats, read back as a BI tool would."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest

from helpdesk_kpis.cli import main
from kpis.imported_records import Review, SurveyAnswer
from kpis.records import Agent, Membership, Rating, RatingScale, RatingState, SurveyKind, Team, Ticket, TicketStatus
from kpis.store import Store

UTC = timezone.utc


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def ticket(instance: str, id_: str, updated: int, **extra) -> Ticket:
    return Ticket("zendesk", instance, id_, created_at=at(1), updated_at=at(updated), status=TicketStatus.SOLVED,
                  status_raw="solved", solved_at=at(updated), tags=("refund", "vip"), **extra)


@pytest.fixture
def stored(tmp_path, monkeypatch, store_url):
    """The records below, on SQLite and (with TEST_DATABASE_URL) on PostgreSQL."""
    monkeypatch.chdir(tmp_path)
    for name in ("HELPDESK_KPIS_CONFIG", "HELPDESK_KPIS_SECRETS_DIR"):
        monkeypatch.delenv(name, raising=False)
    url = store_url
    monkeypatch.setenv("DATABASE_URL", url)
    store = Store.open(url)
    store.write_page("zendesk", "acme", "all", [
        Team("zendesk", "acme", "g1", "Billing"),
        Agent("zendesk", "acme", "a1", "Ann", email="ann@acme.test", active=True),
        Agent("zendesk", "acme", "a2", "Bob", active=False),
        Membership("zendesk", "acme", "a1", "g1"),
        ticket("acme", "1", updated=3, is_spam=True, replies=2),
        ticket("acme", "2", updated=20),
        Rating("zendesk", "acme", "r1", "2", RatingState.RECEIVED, RatingScale.GOOD_BAD, offered_at=at(20),
               rated_at=at(21), score_raw="good", positive=True, score=1.0),
        SurveyAnswer("zendesk", "acme", "s1", SurveyKind.NPS, 9, answered_at=at(22), scale_min=0, scale_max=10),
        Review("zendesk", "acme", "2:qa@acme.test", "2", "qa@acme.test", at(23), 4, 1, 5,
               categories={"tone": 5, "accuracy": 3}, agent_id="a1"),
    ], None)
    store.write_page("zendesk", "eu", "all", [ticket("eu", "7", updated=25)], None)
    store.close()
    return tmp_path


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("kind", "count"), [("tickets", 3), ("ratings", 1), ("surveys", 1), ("reviews", 1),
                                             ("agents", 2), ("teams", 1), ("memberships", 1)])
def test_every_kind_exports_its_records(stored, capsys, kind, count):
    code, out, _ = run(capsys, "export", kind, "--format", "jsonl")
    assert code == 0
    assert len(out.splitlines()) == count


def test_csv_writes_booleans_as_true_false_times_with_their_zone_and_nothing_for_missing(stored, capsys):
    code, out, _ = run(capsys, "export", "tickets")
    assert code == 0
    rows = {row["key"]: row for row in csv.DictReader(io.StringIO(out))}
    spam = rows["zendesk:acme:1"]
    assert spam["is_spam"] == "true" and spam["is_merged"] == "false"
    assert spam["updated_at"] == "2026-11-03T09:00:00Z"
    assert spam["replies"] == "2" and rows["zendesk:acme:2"]["replies"] == ""
    assert spam["tags"] == "refund vip"
    agents = list(csv.DictReader(io.StringIO(run(capsys, "export", "agents")[1])))
    assert [(a["name"], a["active"]) for a in agents] == [("Ann", "true"), ("Bob", "false")]


def test_since_keeps_records_changed_on_or_after_that_day_and_instance_narrows(stored, capsys):
    code, out, _ = run(capsys, "export", "tickets", "--format", "jsonl", "--since", "2026-11-20")
    assert code == 0
    assert [json.loads(line)["key"] for line in out.splitlines()] == ["zendesk:acme:2", "zendesk:eu:7"]
    _, out, _ = run(capsys, "export", "tickets", "--format", "jsonl", "--since", "2026-11-20", "--instance", "eu")
    assert [json.loads(line)["key"] for line in out.splitlines()] == ["zendesk:eu:7"]
    _, out, _ = run(capsys, "export", "tickets", "--format", "jsonl", "--instance", "zendesk:acme")
    assert len(out.splitlines()) == 2
    assert json.loads(out.splitlines()[0])["is_spam"] is True  # JSON keeps real booleans


def test_parquet_keeps_types_a_bi_tool_reads(stored, capsys):
    pq = pytest.importorskip("pyarrow.parquet")
    path = stored / "tickets.parquet"
    code, _, err = run(capsys, "export", "tickets", "--format", "parquet", "--output", str(path))
    assert code == 0 and "wrote 3 tickets" in err
    table = pq.read_table(path)
    assert str(table.schema.field("updated_at").type) == "timestamp[us, tz=UTC]"
    assert str(table.schema.field("is_spam").type) == "bool"
    assert str(table.schema.field("tags").type.value_type) == "string"  # a list of tags, not one text
    assert str(table.schema.field("replies").type) == "int64"
    rows = table.to_pylist()
    assert rows[0]["key"] == "zendesk:acme:1" and rows[0]["tags"] == ["refund", "vip"]
    assert rows[0]["updated_at"] == at(3)


def test_parquet_of_nothing_is_an_empty_file_with_its_columns(stored, capsys):
    pq = pytest.importorskip("pyarrow.parquet")
    path = stored / "none.parquet"
    assert run(capsys, "export", "surveys", "--format", "parquet", "--output", str(path), "--since", "2026-11-29")[0] == 0
    table = pq.read_table(path)
    assert table.num_rows == 0 and "answered_at" in table.schema.names


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "tickets", "--format", "parquet"], "error: --format parquet writes a file: add --output FILE"),
        (["export", "agents", "--since", "2026-11-01"],
         "error: --since: agents carry no time to filter by; leave it out to export them all"),
    ],
)
def test_usage_errors_are_one_line(stored, capsys, args, message):
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err.strip() == message


def test_a_reviews_categories_are_one_json_object_in_csv_and_parquet(stored, capsys):
    [row] = list(csv.DictReader(io.StringIO(run(capsys, "export", "reviews")[1])))
    assert json.loads(row["categories"]) == {"accuracy": 3.0, "tone": 5.0}
    assert row["reviewed_at"] == "2026-11-23T09:00:00Z" and row["agent_named"] == "false"
    pq = pytest.importorskip("pyarrow.parquet")
    path = stored / "reviews.parquet"
    assert run(capsys, "export", "reviews", "--format", "parquet", "--output", str(path))[0] == 0
    [record] = pq.read_table(path).to_pylist()
    assert json.loads(record["categories"]) == {"accuracy": 3.0, "tone": 5.0}


@pytest.mark.parametrize(
    ("instance", "message"),
    [
        ("acm", "error: --instance 'acm': the store holds no helpdesk instance of that name; did you mean 'acme'? "
                "(instances: acme, eu)"),
        ("zendesk:ue", "error: --instance 'zendesk:ue': the store holds no helpdesk instance of that name; "
                       "did you mean 'zendesk:eu'? (instances: zendesk:acme, zendesk:eu)"),
        ("freshdesk:acme", "error: --instance 'freshdesk:acme': the store holds no helpdesk instance of that name; "
                           "did you mean 'zendesk:acme'? (instances: zendesk:acme, zendesk:eu)"),
        ("xyz", "error: --instance 'xyz': the store holds no helpdesk instance of that name; instances: acme, eu"),
    ],
)
def test_an_unknown_instance_is_refused_before_anything_is_written(stored, capsys, instance, message):
    output = stored / "tickets.csv"
    output.write_text("yesterday's export\n")
    for args in (["export", "tickets", "--instance", instance],
                 ["export", "tickets", "--instance", instance, "--output", str(output)],
                 ["export", "ratings", "--format", "parquet", "--instance", instance, "--output", str(output)]):
        code, out, err = run(capsys, *args)
        assert code == 2, args
        assert err.strip() == message and out == ""  # not even the CSV header
    assert output.read_text() == "yesterday's export\n"  # the file there before is left as it was


def test_an_instance_with_nothing_of_that_kind_exports_an_empty_file(stored, capsys):
    # "eu" holds one ticket and no ratings: its ratings are an empty export, no error.
    code, out, _ = run(capsys, "export", "ratings", "--instance", "eu")
    assert code == 0 and len(out.splitlines()) == 1 and out.startswith("key,source,instance,id,ticket_id,")
