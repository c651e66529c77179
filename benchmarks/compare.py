"""Cross-check the engine's reports against DuckDB's figures, value by value (both windows)."""

from __future__ import annotations

import sys
from collections import Counter

import duckdb_kpis

from kpis.results import Report

_TIMES = {"first_reply_time": "frt", "first_resolution_time": "first_res", "full_resolution_time": "full_res"}

#: Engine KPI key -> DuckDB column (for ``value`` and ``previous``), and its ``n`` column if any.
COLUMNS: dict[str, tuple[str, str | None]] = {
    "tickets_created": ("tickets_created", None),
    "tickets_solved": ("tickets_solved", None),
    "backlog": ("backlog", None),
    "resolution_rate": ("resolution_rate", "tickets_created"),
    "reopen_rate": ("reopen_rate", None),
    "one_touch_rate": ("one_touch_rate", None),
    "fcr_rate": ("fcr_rate", None),
    "first_reply_sla_rate": ("sla_rate", "sla_n"),
    "csat": ("csat", "csat_responses"),
    "csat_responses": ("csat_responses", None),
    "csat_response_rate": ("csat_response_rate", None),
    "csss": ("csss", None),
    "nps": ("nps", "nps_n"),
    "ces": ("ces", "ces_n"),
    "ces_easy_rate": ("ces_easy_rate", "ces_n"),
    "customer_success_score": ("customer_success_score", None),
    **{f"{stem}_{stat}{b}": (f"{short}_{stat}{b}", f"{short}_n{b}")
       for stem, short in _TIMES.items() for stat in ("median", "mean", "p90") for b in ("", "_business")},
}
INTERVALS = {"resolution_rate": "resolution", "fcr_rate": "fcr", "csat": "csat", "first_reply_sla_rate": "sla",
             "reopen_rate": "reopen", "one_touch_rate": "one_touch", "ces_easy_rate": "ces_easy"}
SPLITS = {"by_age": {"<1d": "backlog_lt1d", "1-3d": "backlog_d1_3", "3-7d": "backlog_d3_7", ">7d": "backlog_gt7d"},
          "by_priority": {p: f"backlog_{p}" for p in ("low", "normal", "high", "urgent", "none")}}
_ZERO_WHEN_ABSENT = {"tickets_created", "tickets_solved", "backlog", "csat_responses", "sla_n", "nps_n", "ces_n",
                     *SPLITS["by_age"].values(), *SPLITS["by_priority"].values(),
                     *(f"{short}_n{b}" for short in _TIMES.values() for b in ("", "_business"))}


def cross_check(reports: dict[str, Report], duck: dict) -> tuple[int, list[str]]:
    """Compare every row of every scope's report with DuckDB's; return (values compared, mismatches)."""
    checked, mismatches = 0, []
    for scope, report in reports.items():
        figures = duckdb_kpis.rows(duck, scope)
        low_rated = Counter(row[0] for row in duck[scope][2])
        for row in report.rows:
            current, previous = figures.get((0, row.id), {}), figures.get((1, row.id), {})
            for key, (column, n_column) in COLUMNS.items():
                metric = row.metrics[key]
                pairs = [("value", metric.value, _get(current, column)), ("previous", metric.previous, _get(previous, column))]
                if n_column is not None:
                    pairs.append(("n", metric.n, _get(current, n_column)))
                if key in INTERVALS and f"{INTERVALS[key]}_ci_low" in current:
                    pairs.append(("ci_low", metric.ci_low, _get(current, f"{INTERVALS[key]}_ci_low")))
                for what, ours, theirs in pairs:
                    checked += 1
                    if not _same(ours, theirs):
                        mismatches.append(f"{scope} {row.name}: {key} {what}: engine {ours!r}, DuckDB {theirs!r}")
            for split, buckets in SPLITS.items():
                for bucket, column in buckets.items():
                    checked += 1
                    ours, theirs = row.metrics["backlog"].splits[split][bucket], _get(current, column)
                    if not _same(ours, theirs):
                        mismatches.append(f"{scope} {row.name}: backlog {split}[{bucket}]: engine {ours}, DuckDB {theirs}")
            checked += 1
            if row.metrics["low_rated"].n != low_rated.get(row.id, 0):
                mismatches.append(f"{scope} {row.name}: low_rated n: engine {row.metrics['low_rated'].n}, "
                                  f"DuckDB {low_rated.get(row.id, 0)}")
        if scope in duckdb_kpis.TICKET_SCOPES:
            # Every group DuckDB finds is a row of the report (it lists each one with anything in it).
            missing = sorted({key for _, key in figures} - {row.id for row in report.rows})
            checked += 1
            if missing:
                mismatches.append(f"{scope}: groups DuckDB has and the report lacks: {', '.join(missing[:10])}")
    return checked, mismatches


def check_all(reports: dict[str, dict[str, Report]], duck_result: dict) -> None:
    """Compare every backend's reports with DuckDB's figures, scope by scope; exit 1 on any mismatch."""
    print()
    failed = False
    for backend, backend_reports in reports.items():
        for scope, report in backend_reports.items():
            checked, mismatches = cross_check({scope: report}, duck_result)
            print(f"cross-check with DuckDB ({backend}, by {scope}): {len(report.rows)} rows, {checked:,} values "
                  f"compared, {len(mismatches)} mismatches")
            for line in mismatches[:20]:
                print("  " + line)
            failed = failed or bool(mismatches)
    if failed:
        print("CROSS-CHECK FAILED: the engine and DuckDB disagree (see above)", file=sys.stderr)
        sys.exit(1)


def _get(figures: dict, column: str):  # noqa: ANN202
    value = figures.get(column)
    return 0 if value is None and column in _ZERO_WHEN_ABSENT else value


def _same(ours, theirs) -> bool:  # noqa: ANN001
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return abs(float(ours) - float(theirs)) <= 1e-9 * max(1.0, abs(float(ours)), abs(float(theirs)))
