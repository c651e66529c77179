"""The columnar yardstick: the same KPIs computed by DuckDB with SQL, from the same store rows.

``load`` copies the store's tables (the columns the KPIs read) into an in-memory DuckDB database;
``compute`` runs one SQL statement per scope that computes every KPI of both windows, the way a
columnar engine would: counts, rates with their Wilson intervals, medians and p90 with
``quantile_cont`` (linear interpolation, like numpy), backlog splits, CSAT, CSSS, NPS, CES, the
first-reply SLA rate, the customer success score and the low-rated list. The figures are used to
cross-check the engine (:func:`rows`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import numpy as np

from kpis.channels import normalise_channel

CHUNK = 200_000

TICKET_COLUMNS = (
    "source", "instance", "id", "created_at", "solved_at", "priority", "assignee_id", "group_id", "url", "subject",
    "channel", "tags",
    "is_deleted", "is_merged", "is_spam", "replies", "reopens",
    "first_reply_minutes", "first_reply_minutes_business", "first_resolution_minutes",
    "first_resolution_minutes_business", "full_resolution_minutes", "full_resolution_minutes_business",
)
RATING_COLUMNS = (
    "source", "instance", "id", "ticket_id", "state", "offered_at", "rated_at", "positive", "score", "score_raw",
    "comment", "reason", "agent_id", "team_id",
)
SURVEY_COLUMNS = (
    "source", "instance", "id", "kind", "value", "answered_at", "scale_min", "scale_max", "higher_is_better",
    "ticket_id", "agent_id", "team_id",
)
DIRECTORY = {"teams": ("source", "instance", "id", "name"), "agents": ("source", "instance", "id", "name")}

_FLOAT = {"first_reply_minutes", "first_reply_minutes_business", "first_resolution_minutes",
          "first_resolution_minutes_business", "full_resolution_minutes", "full_resolution_minutes_business",
          "score", "value", "scale_min", "scale_max", "replies", "reopens"}
_INT = {"created_at", "solved_at", "offered_at", "rated_at", "answered_at"}
_BOOL = {"is_deleted", "is_merged", "is_spam", "positive", "higher_is_better"}


def _column(name: str, values: tuple) -> np.ndarray:
    if name in _FLOAT:  # NULL -> NaN, which DuckDB reads back as NULL
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    if name in _INT:
        # Nullable epoch seconds: DuckDB takes a masked array as NULLs.
        return np.ma.masked_array([0 if v is None else v for v in values], mask=[v is None for v in values],
                                  dtype=np.int64)
    if name in _BOOL:
        return np.ma.masked_array([bool(v) for v in values], mask=[v is None for v in values], dtype=bool)
    return np.array(values, dtype=object)


def _chunks(sqlite_path: str, table: str, columns: tuple[str, ...]) -> Iterator[dict[str, np.ndarray]]:
    connection = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    try:
        cursor = connection.execute(f"SELECT {', '.join(columns)} FROM {table}")
        while rows := cursor.fetchmany(CHUNK):
            yield {name: _column(name, values) for name, values in zip(columns, zip(*rows))}
    finally:
        connection.close()


def load(sqlite_path: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database holding the store's KPI columns (read from the SQLite file)."""
    db = duckdb.connect()
    for table, columns in (("raw_tickets", TICKET_COLUMNS), ("raw_ratings", RATING_COLUMNS),
                           ("raw_survey_answers", SURVEY_COLUMNS), *DIRECTORY.items()):
        first = True
        for chunk in _chunks(sqlite_path, table.removeprefix("raw_"), columns):
            db.register("chunk", chunk)
            db.execute(f"CREATE TABLE {table} AS SELECT * FROM chunk" if first else f"INSERT INTO {table} SELECT * FROM chunk")
            db.unregister("chunk")
            first = False
        if first:
            raise RuntimeError(f"the store has no {table}")
    _channel_names(db)
    db.execute(_PREPARE)
    db.execute(_MACROS)
    return db


def _channel_names(db: duckdb.DuckDBPyConnection) -> None:
    """The helpdesks' raw channels -> the normalised names, as a table (``channel_names``).

    The mapping is the project's own (``kpis.channels``, tested on its own): what this cross-check
    verifies is the grouping and the KPIs of each channel, not the mapping a second time."""
    pairs = db.execute("SELECT DISTINCT source, channel FROM raw_tickets").fetchall()
    mapped = [(source, raw, normalise_channel(source, raw)) for source, raw in pairs]
    db.execute("CREATE TABLE channel_names (source VARCHAR, raw VARCHAR, name VARCHAR)")
    if mapped:
        db.executemany("INSERT INTO channel_names VALUES (?, ?, ?)", mapped)


_MACROS = """
CREATE MACRO pct(k, n) AS CASE WHEN n > 0 THEN k * 100.0 / n END;
CREATE MACRO wilson_low(k, n) AS CASE WHEN n > 0 AND k <= n THEN 100 * greatest(0.0,
    ((k / n + 3.841458820694124 / (2 * n)) - 1.959963984540054 * sqrt((k / n) * (1 - k / n) / n
      + 3.841458820694124 / (4 * n * n))) / (1 + 3.841458820694124 / n)) END;
CREATE MACRO wilson_high(k, n) AS CASE WHEN n > 0 AND k <= n THEN 100 * least(1.0,
    ((k / n + 3.841458820694124 / (2 * n)) + 1.959963984540054 * sqrt((k / n) * (1 - k / n) / n
      + 3.841458820694124 / (4 * n * n))) / (1 + 3.841458820694124 / n)) END;
"""

def _scoped(table: str, column: str) -> str:
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE {table}.source || ':' || {table}.instance || ':' || {column} END"


# Data preparation, done once at load (not timed), as a columnar store would hold the data: the
# scoped keys the report groups by, the exclusion flag, and one join key per ticket.
_PREPARE = f"""
CREATE TABLE tickets AS SELECT raw.*, {_scoped("raw", "group_id")} AS team_key,
    {_scoped("raw", "assignee_id")} AS agent_key, {_scoped("raw", "id")} AS ticket_key,
    is_deleted OR is_merged OR is_spam AS excluded, c.name AS channel_key,
    CASE WHEN priority IN ('low', 'normal', 'high', 'urgent') THEN priority END AS priority_key
  FROM raw_tickets raw LEFT JOIN channel_names c ON c.source = raw.source AND c.raw IS NOT DISTINCT FROM raw.channel;
-- By tag: a ticket once per distinct tag (lower-cased, trimmed), so that it counts in each tag's row.
CREATE TABLE tagged_tickets AS SELECT t.* EXCLUDE (tags), g.tag_key FROM tickets t JOIN (
    SELECT DISTINCT ticket_key, lower(trim(tag)) AS tag_key
    FROM (SELECT ticket_key, unnest(from_json(tags, '["VARCHAR"]')) AS tag FROM tickets) WHERE trim(tag) <> ''
  ) g USING (ticket_key);
CREATE TABLE ratings AS SELECT *, {_scoped("raw", "team_id")} AS team_key, {_scoped("raw", "agent_id")} AS agent_key,
    {_scoped("raw", "ticket_id")} AS ticket_key FROM raw_ratings raw;
CREATE TABLE survey_answers AS SELECT *, {_scoped("raw", "team_id")} AS team_key,
    {_scoped("raw", "agent_id")} AS agent_key, {_scoped("raw", "ticket_id")} AS ticket_key FROM raw_survey_answers raw;
DROP TABLE raw_tickets; DROP TABLE raw_ratings; DROP TABLE raw_survey_answers;
"""


#: Scopes whose group is the ticket's alone: its ratings and survey answers follow it.
TICKET_SCOPES = ("channel", "priority", "tag")


def _keys(scope: str) -> tuple[str, str]:
    """The group key of a ticket, and of a rating or survey answer (``x``) joined to its ticket ``t``."""
    if scope == "overall":
        return "'overall'", "'overall'"
    column = f"{scope}_key"
    if scope in TICKET_SCOPES:
        return column, f"t.{column}"
    # Attribution: the agent/team recorded on the rating at rating time, else the ticket's current one.
    return column, f"coalesce(x.{column}, t.{column})"


def _time_columns(stem: str, column: str) -> str:
    return ",\n    ".join(
        f"quantile_cont({col}, [0.5, 0.9]) AS {stem}_q{b}, avg({col}) AS {stem}_mean{b}, count({col}) AS {stem}_n{b}"
        for b, col in (("", column), ("_business", f"{column}_business"))
    )


def _time_outputs() -> str:
    return ",\n  ".join(
        f"{stem}_q{b}[1] AS {stem}_median{b}, {stem}_mean{b}, {stem}_q{b}[2] AS {stem}_p90{b}, {stem}_n{b}"
        for stem in ("frt", "first_res", "full_res") for b in ("", "_business")
    )


def _tickets(scope: str) -> str:
    return "tagged_tickets" if scope == "tag" else "tickets"


def _statement(scope: str) -> str:
    ticket_key, attributed_key = _keys(scope)
    tickets = _tickets(scope)
    ages = [("lt1d", 0, 86400), ("d1_3", 86400, 3 * 86400), ("d3_7", 3 * 86400, 7 * 86400), ("gt7d", 7 * 86400, None)]
    age_columns = ",\n    ".join(
        f"count(*) FILTER (we - created_at >= {lo}{'' if hi is None else f' AND we - created_at < {hi}'})"
        f" AS backlog_{name}" for name, lo, hi in ages
    )
    priority_columns = ",\n    ".join(
        f"count(*) FILTER (priority {'IS NULL' if p is None else f'= {p!r}'}) AS backlog_{p or 'none'}"
        for p in ("low", "normal", "high", "urgent", None)
    )
    excluded = "coalesce(t.excluded, false)"
    # One aggregate per population (created in W, solved in W, open at W.end), each scanning only
    # its own rows: the fastest shape found for DuckDB here (FILTER clauses over a union of the
    # populations cost about twice as much).
    return f"""
WITH win(w, ws, we) AS (VALUES (0, $cs, $ce), (1, $ps, $pe)),
created AS (
  SELECT w, {ticket_key} AS key, count(*) AS tickets_created, count(*) FILTER (solved_at < we) AS resolution_k,
    {_time_columns("frt", "first_reply_minutes")},
    count(*) FILTER (first_reply_minutes <= target) AS sla_k,
    count(*) FILTER (first_reply_minutes IS NOT NULL
        OR (solved_at IS NULL AND created_at + target * 60 <= least(we, $now))) AS sla_n
  FROM (SELECT *, CASE priority WHEN 'low' THEN $sla_low WHEN 'normal' THEN $sla_normal WHEN 'high' THEN $sla_high
                  WHEN 'urgent' THEN $sla_urgent ELSE $sla_default END AS target FROM {tickets})
  JOIN win ON created_at >= ws AND created_at < we
  WHERE NOT excluded GROUP BY ALL
),
solved AS (
  SELECT w, {ticket_key} AS key, count(*) AS tickets_solved,
    count(reopens) AS reopen_n, count(*) FILTER (reopens > 0) AS reopen_k,
    count(replies) AS one_touch_n, count(*) FILTER (replies <= 1) AS one_touch_k,
    count(*) FILTER (replies IS NOT NULL AND reopens IS NOT NULL) AS fcr_n,
    count(*) FILTER (replies <= 1 AND reopens = 0) AS fcr_k,
    {_time_columns("first_res", "first_resolution_minutes")},
    {_time_columns("full_res", "full_resolution_minutes")}
  FROM {tickets} JOIN win ON solved_at >= ws AND solved_at < we
  WHERE NOT excluded GROUP BY ALL
),
open AS (
  SELECT w, {ticket_key} AS key, count(*) AS backlog,
    {age_columns},
    {priority_columns}
  FROM {tickets} JOIN win ON created_at < we AND (solved_at IS NULL OR solved_at >= we)
  WHERE NOT excluded GROUP BY ALL
),
rated AS (
  SELECT w, {attributed_key} AS key,
    count(*) FILTER (x.state = 'received' AND x.rated_at >= ws AND x.rated_at < we) AS csat_n,
    count(*) FILTER (x.state = 'received' AND x.rated_at >= ws AND x.rated_at < we AND x.positive) AS csat_k,
    count(*) FILTER (x.state <> 'unoffered' AND x.offered_at >= ws AND x.offered_at < we) AS offered_n,
    avg(x.score) FILTER (x.state = 'received' AND x.rated_at >= ws AND x.rated_at < we) * 100 AS csss
  FROM ratings x LEFT JOIN {tickets} t ON t.ticket_key = x.ticket_key
  JOIN win ON (x.rated_at >= ws AND x.rated_at < we) OR (x.offered_at >= ws AND x.offered_at < we)
  WHERE NOT {excluded} GROUP BY ALL
),
surveyed AS (
  SELECT w, {attributed_key} AS key,
    count(*) FILTER (x.kind = 'nps') AS nps_n,
    (count(*) FILTER (x.kind = 'nps' AND x.value >= 9) - count(*) FILTER (x.kind = 'nps' AND x.value <= 6)) * 100.0
      / nullif(count(*) FILTER (x.kind = 'nps'), 0) AS nps,
    count(*) FILTER (x.kind = 'ces') AS ces_n,
    avg(x.value) FILTER (x.kind = 'ces') AS ces,
    count(*) FILTER (x.kind = 'ces' AND CASE WHEN x.higher_is_better THEN x.value >= x.scale_max - 1
                                             ELSE x.value <= x.scale_min + 1 END) AS ces_easy_k
  FROM survey_answers x LEFT JOIN {tickets} t ON t.ticket_key = x.ticket_key
  JOIN win ON x.answered_at >= ws AND x.answered_at < we
  WHERE NOT {excluded} GROUP BY ALL
),
groups AS (
  SELECT w, key FROM created UNION SELECT w, key FROM solved UNION SELECT w, key FROM open
  UNION SELECT w, key FROM rated UNION SELECT w, key FROM surveyed
),
k AS (
  SELECT * FROM groups
  LEFT JOIN created USING (w, key) LEFT JOIN solved USING (w, key) LEFT JOIN open USING (w, key)
  LEFT JOIN rated USING (w, key) LEFT JOIN surveyed USING (w, key)
)
SELECT w, key,
  coalesce(tickets_created, 0) AS tickets_created, coalesce(tickets_solved, 0) AS tickets_solved,
  pct(resolution_k, tickets_created) AS resolution_rate, wilson_low(resolution_k, tickets_created) AS resolution_ci_low,
  wilson_high(resolution_k, tickets_created) AS resolution_ci_high,
  coalesce(backlog, 0) AS backlog, backlog_lt1d, backlog_d1_3, backlog_d3_7, backlog_gt7d,
  backlog_low, backlog_normal, backlog_high, backlog_urgent, backlog_none,
  pct(reopen_k, reopen_n) AS reopen_rate, wilson_low(reopen_k, reopen_n) AS reopen_ci_low,
  wilson_high(reopen_k, reopen_n) AS reopen_ci_high,
  pct(one_touch_k, one_touch_n) AS one_touch_rate, wilson_low(one_touch_k, one_touch_n) AS one_touch_ci_low,
  wilson_high(one_touch_k, one_touch_n) AS one_touch_ci_high,
  pct(fcr_k, fcr_n) AS fcr_rate, wilson_low(fcr_k, fcr_n) AS fcr_ci_low, wilson_high(fcr_k, fcr_n) AS fcr_ci_high,
  {_time_outputs()},
  pct(sla_k, sla_n) AS sla_rate, wilson_low(sla_k, sla_n) AS sla_ci_low, wilson_high(sla_k, sla_n) AS sla_ci_high,
  sla_n,
  pct(csat_k, csat_n) AS csat, wilson_low(csat_k, csat_n) AS csat_ci_low, wilson_high(csat_k, csat_n) AS csat_ci_high,
  coalesce(csat_n, 0) AS csat_responses, pct(csat_n, offered_n) AS csat_response_rate, csss,
  nps, nps_n, ces, ces_n, pct(ces_easy_k, ces_n) AS ces_easy_rate,
  wilson_low(ces_easy_k, ces_n) AS ces_easy_ci_low, wilson_high(ces_easy_k, ces_n) AS ces_easy_ci_high,
  0.5 * pct(csat_k, csat_n) + 0.25 * pct(fcr_k, fcr_n) + 0.25 * pct(sla_k, sla_n) AS customer_success_score
FROM k WHERE key IS NOT NULL ORDER BY w, key
"""


_LOW_RATED = """
SELECT {key} AS key, x.source || ':' || x.instance || ':' || x.id AS rating_id, x.ticket_id, t.url, t.subject,
       x.score_raw, x.comment, x.reason, x.rated_at
FROM ratings x LEFT JOIN {tickets} t ON t.ticket_key = x.ticket_key
WHERE x.state = 'received' AND x.rated_at >= $cs AND x.rated_at < $ce AND x.score < 0.5
  AND NOT coalesce(t.excluded, false)
ORDER BY key, x.rated_at DESC, rating_id
"""


@dataclass(frozen=True)
class Windows:
    current: tuple[int, int]
    previous: tuple[int, int]
    now: int
    #: First-reply targets in minutes: low, normal, high, urgent, none.
    sla_minutes: tuple[float, float, float, float, float] = (1440.0,) * 5


def compute(db: duckdb.DuckDBPyConnection, windows: Windows,
            scopes=("overall", "team", "agent", *TICKET_SCOPES)) -> dict:
    """Every KPI of both windows for each scope: {scope: (columns, rows, low_rated rows)}."""
    low, normal, high, urgent, default = windows.sla_minutes
    params = {"cs": windows.current[0], "ce": windows.current[1], "ps": windows.previous[0], "pe": windows.previous[1],
              "now": windows.now, "sla_low": low, "sla_normal": normal, "sla_high": high, "sla_urgent": urgent,
              "sla_default": default}
    out = {}
    for scope in scopes:
        result = db.execute(_statement(scope), params)
        columns = [d[0] for d in result.description]
        rows = result.fetchall()
        low_rated = db.execute(_LOW_RATED.format(key=_keys(scope)[1], tickets=_tickets(scope)),
                               {"cs": windows.current[0], "ce": windows.current[1]}).fetchall()
        out[scope] = (columns, rows, low_rated)
    return out


def rows(result: dict, scope: str) -> dict[tuple[int, str], dict]:
    """``{(window 0 current / 1 previous, key): {column: value}}`` of one scope."""
    columns, values, _ = result[scope]
    return {(row[0], row[1]): dict(zip(columns, row)) for row in values}
