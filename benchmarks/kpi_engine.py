"""Time the full KPI report on a large synthetic store, on SQLite and PostgreSQL, against DuckDB.

    python benchmarks/kpi_engine.py                      # 1,000,000 tickets, 200 agents, 20 teams, 90 days
    python benchmarks/kpi_engine.py --tickets 100000     # a quicker look
    python benchmarks/kpi_engine.py --postgres postgresql+psycopg://user@host:5432/db   # or TEST_DATABASE_URL
    python benchmarks/kpi_engine.py --only-breakdowns   # just `--by tag` and `--explain csat --by agent` (tables and JSON)

The store is filled by the sample connector through ``Store.write_page`` (as ``sync`` does), its
block cache refreshed (as the end of a sync does), and kept under ``--cache-dir`` keyed by the
parameters, so that a re-run does not rebuild it. PostgreSQL gets a schema of its own, dropped
afterwards. "The full report" is what ``report`` computes for ``--by overall``, ``team`` and
``agent`` over a window and its previous window: one ``load_kpi_data`` and three
``compute_report`` calls. It runs in a fresh process (so that building the store does not count
in its peak RSS), once cold and ``--repeat`` times warm. DuckDB computes the same KPIs with SQL
from the same rows in memory, and the two are cross-checked value by value, for those scopes and
for the breakdown scopes (channel, priority, tag; also after ``--only-breakdowns``, unless
``--no-cross-check``): any mismatch is listed and the run exits with status 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import compare  # noqa: E402
import duckdb_kpis  # noqa: E402
import figures  # noqa: E402

from connectors import registry  # noqa: E402
from connectors.base import SyncOptions  # noqa: E402
from kpis.catalogue import HEADLINE  # noqa: E402
from kpis.columnar.cache import refresh  # noqa: E402
from kpis.engine import compute_report  # noqa: E402
from kpis.explain import explain_change  # noqa: E402
from kpis.imported_records import SurveyAnswer  # noqa: E402
from kpis.query import load_kpi_data  # noqa: E402
from kpis.records import Rating, Ticket  # noqa: E402
from kpis.store import Store  # noqa: E402
from kpis.store.migrate import head_revision  # noqa: E402
from kpis.windows import Window, window_for_period  # noqa: E402

#: The synthetic helpdesk's "now" and the report's clock: fixed, so runs are comparable.
ANCHOR = datetime(2026, 11, 20, tzinfo=timezone.utc)
SCOPES = ("overall", "team", "agent")
#: What the DuckDB cross-check covers: the full report's scopes and the breakdowns.
CHECKED_SCOPES = (*SCOPES, *duckdb_kpis.TICKET_SCOPES)


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up as it happens, even in a file
    # Stopped with SIGTERM, still drop the PostgreSQL schema (the context manager's exit runs).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    args = _arguments()
    if args.child:
        print(json.dumps(_child(args)))
        return
    settings = {"tickets": args.tickets, "agents": args.agents, "teams": args.teams, "days": args.days,
                "anchor": ANCHOR, "page_size": 5000, "tag_pool": args.tags}
    window = window_for_period(args.period, now=ANCHOR, zone=ZoneInfo("UTC"))
    sqlite_path = _cached_sqlite_store(settings, Path(args.cache_dir))
    sqlite_url = f"sqlite:///{sqlite_path}"
    counts = _counts(sqlite_url)
    print(f"store: {counts[Ticket]:,} tickets, {counts[Rating]:,} ratings, {counts[SurveyAnswer]:,} survey answers; "
          f"{args.agents} agents, {args.teams} teams, {args.days} days (cached: {sqlite_path})")
    print(f"report: {args.period} window {window.label()} and the previous {window.days} days; "
          f"scopes {', '.join(SCOPES)}; {args.repeat} warm runs after a cold one\n")
    _print_breakdowns(args, sqlite_url)
    if args.only_breakdowns:
        if not args.no_cross_check:
            db, windows = _duckdb(sqlite_path, window)
            duck_result = duckdb_kpis.compute(db, windows, CHECKED_SCOPES)
            compare.check_all({"SQLite": _reports(sqlite_url, window)}, duck_result)
        return

    db, windows = _duckdb(sqlite_path, window)
    duck_times, duck_result = [], None
    for _ in range(args.repeat + 1):
        started = time.perf_counter()
        duck_result = duckdb_kpis.compute(db, windows, SCOPES)
        duck_times.append(time.perf_counter() - started)
    duck_result.update(duckdb_kpis.compute(db, windows, duckdb_kpis.TICKET_SCOPES))  # for the check, not timed
    del db

    table = figures.Table(duck_times)
    results = {"SQLite": _run_child(args, sqlite_url)}
    table.row("SQLite", results["SQLite"])
    reports = {"SQLite": _reports(sqlite_url, window)}
    postgres = args.postgres or os.environ.get("TEST_DATABASE_URL")
    if postgres and not args.no_postgres:
        with _postgres_schema(postgres) as url:
            started = time.perf_counter()
            _fill(url, settings)
            print(f"PostgreSQL store filled in {time.perf_counter() - started:.0f} s (write_page + block refresh)")
            results["PostgreSQL"] = _run_child(args, url)
            table.row("PostgreSQL", results["PostgreSQL"])
            reports["PostgreSQL"] = _reports(url, window)
    else:
        print("PostgreSQL: skipped (give --postgres URL or set TEST_DATABASE_URL)")
    table.duckdb()
    figures.print_narrowed(results)

    compare.check_all(reports, duck_result)


def _duckdb(sqlite_path: Path, window: Window) -> tuple:
    started = time.perf_counter()
    db = duckdb_kpis.load(str(sqlite_path))
    print(f"DuckDB loaded from the SQLite store in {time.perf_counter() - started:.0f} s "
          f"({db.execute('select current_setting(' + repr('threads') + ')').fetchone()[0]} threads)\n")
    return db, duckdb_kpis.Windows(_epochs(window), _epochs(window.previous()), int(ANCHOR.timestamp()))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--period", default="30d")
    parser.add_argument("--repeat", type=int, default=5, help="warm runs of each measurement")
    parser.add_argument("--postgres", help="PostgreSQL URL (default: TEST_DATABASE_URL)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--clients", type=int, default=8, help="concurrent processes for the narrowed queries")
    parser.add_argument("--cache-dir", default=str(Path(__file__).resolve().parent / ".cache"))
    parser.add_argument("--tags", type=int, default=200, help="distinct tags, 1-4 per ticket")
    parser.add_argument("--only-breakdowns", action="store_true", help="time only the breakdown and explain reports")
    parser.add_argument("--no-cross-check", action="store_true", help="with --only-breakdowns: skip the DuckDB check")
    parser.add_argument("--child", choices=["report", "narrowed", "breakdowns"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--team", help=argparse.SUPPRESS)
    parser.add_argument("--query", help=argparse.SUPPRESS)
    return parser.parse_args()


# -- building the stores ---------------------------------------------------------------------------

def _cached_sqlite_store(settings: dict, cache_dir: Path) -> Path:
    # Keyed by the data's parameters and the schema revision (a store from another revision of the
    # code may not migrate to this one's).
    shape = json.dumps({**{k: str(v) for k, v in settings.items()}, "schema": head_revision()}, sort_keys=True)
    path = cache_dir / f"kpi-engine-{hashlib.sha256(shape.encode()).hexdigest()[:12]}.db"
    if path.exists():
        refresh(Store.open(f"sqlite:///{path}"))  # a newer block format: brought up to date once
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    print(f"building the SQLite store ({settings['tickets']:,} tickets); it is cached for later runs")
    started = time.perf_counter()
    _fill(f"sqlite:///{building}", settings)
    print(f"SQLite store built in {time.perf_counter() - started:.0f} s (write_page + block refresh)")
    building.rename(path)
    return path


def _fill(url: str, settings: dict) -> None:
    """The sample helpdesk through the connector interface and Store.write_page, as ``sync`` runs it."""
    store = Store.open(url)
    connector = registry.build("sample", "bench", settings)
    options = SyncOptions(since=ANCHOR - timedelta(days=settings["days"]), now=ANCHOR)
    for stream in connector.streams():
        for page in stream.pages(store.cursor("sample", "bench", stream.name), options):
            store.write_page("sample", "bench", stream.name, page.records, page.cursor)
    started = time.perf_counter()
    days = refresh(store)
    print(f"  block cache: {days} days built in {time.perf_counter() - started:.1f} s")
    store.close()


def _counts(url: str) -> dict[type, int]:
    store = Store.open(url)
    return {kind: store.count(kind) for kind in (Ticket, Rating, SurveyAnswer)}


class _postgres_schema:  # noqa: N801 - a context manager used like a function
    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.schema = f"bench_kpis_{uuid.uuid4().hex[:8]}"
        self.admin = create_engine(url)
        self.url = make_url(url).update_query_dict({"options": f"-csearch_path={self.schema}"}).render_as_string(
            hide_password=False)

    def __enter__(self) -> str:
        from sqlalchemy import text

        with self.admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        return self.url

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        from sqlalchemy import text

        with self.admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
        self.admin.dispose()


# -- measuring (in fresh processes) ----------------------------------------------------------------

def _epochs(window: Window) -> tuple[int, int]:
    return int(window.start.timestamp()), int(window.end.timestamp())


def _reports(url: str, window: Window) -> dict:
    data = load_kpi_data(Store.open(url), window.previous().start, window.end)
    return {scope: compute_report(data, window, now=ANCHOR, by=scope) for scope in CHECKED_SCOPES}


def _run_child(args: argparse.Namespace, url: str) -> dict:
    command = [sys.executable, __file__, "--child", "report", "--url", url, "--period", args.period,
               "--repeat", str(args.repeat)]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    result["narrowed"] = _narrowed(args, url, result["teams"])
    return result


def _child(args: argparse.Namespace) -> dict:
    window = window_for_period(args.period, now=ANCHOR, zone=ZoneInfo("UTC"))
    store = Store.open(args.url)
    if args.child == "narrowed":
        return _narrowed_queries(store, window, args.team, args.query, args.repeat)
    if args.child == "breakdowns":
        return _breakdown_queries(store, window, args.repeat)
    runs = []
    for _ in range(args.repeat + 1):
        started = time.perf_counter()
        data = load_kpi_data(store, window.previous().start, window.end)
        fetched = time.perf_counter()
        rows = sum(len(compute_report(data, window, now=ANCHOR, by=scope).rows) for scope in SCOPES)
        done = time.perf_counter()
        runs.append({"total": done - started, "fetch": fetched - started, "compute": done - fetched, "rows": rows})
        teams = data.directory.team_names
        del data
    return {"runs": runs, "teams": teams, "peak_rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage's ru_maxrss: Linux carries the
    parent's peak over fork and exec into ru_maxrss, and the parent holds DuckDB's copy of the data."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _narrowed(args: argparse.Namespace, url: str, teams: list[str]) -> dict:
    """One team's row (``--team X``) and its agents (``--by agent --team X``), each measured alone,
    then from ``--clients`` processes asking the same kind of query at once (as a slash-command
    server's workers would), each process after one untimed warm-up query."""
    out: dict = {"clients": args.clients}
    for query, runs in (("team", args.repeat * 4), ("agents of team", args.repeat)):
        def command(team: str, query: str = query, runs: int = runs) -> list[str]:
            return [sys.executable, __file__, "--child", "narrowed", "--url", url, "--period", args.period,
                    "--repeat", str(runs), "--team", team, "--query", query]

        alone = json.loads(subprocess.run(command(teams[0]), check=True, capture_output=True, text=True).stdout)
        workers = [subprocess.Popen(command(teams[i % len(teams)]), stdout=subprocess.PIPE, text=True)
                   for i in range(args.clients)]
        together = [t for worker in workers for t in json.loads(worker.communicate()[0])]
        out[query] = {"alone": alone, "together": together}
    return out


def _narrowed_queries(store: Store, window: Window, team: str, query: str, repeat: int) -> list[float]:
    def once() -> None:
        if query == "team":
            data = load_kpi_data(store, window.previous().start, window.end, team=team)
            compute_report(data, window, now=ANCHOR, by="team", team=team)
        else:  # agent rows need every team's records
            data = load_kpi_data(store, window.previous().start, window.end)
            compute_report(data, window, now=ANCHOR, by="agent", team=team)

    once()  # warm-up: imports, compiled statements, the page cache
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        once()
        times.append(time.perf_counter() - started)
    return times


# -- the breakdown scopes and explanations against `report --by team` -------------------------------

#: What `report` runs for each, store read included: ``report`` (the overall row), ``--by team``,
#: ``--by tag``, ``--explain csat --by agent`` -- a table computes only the KPIs it prints, the
#: headline -- and the two scopes with ``--format json`` (every KPI).
BREAKDOWN_QUERIES = ("overall", "by team", "by tag", "explain csat by agent", "by team --format json",
                     "by tag --format json")


def _breakdown_queries(store: Store, window: Window, repeat: int) -> dict[str, list[float]]:
    def once(query: str) -> None:
        # As `report` reads: the tags only for the tag scope.
        data = load_kpi_data(store, window.previous().start, window.end, tags="by tag" in query)
        kpis = None if query.endswith("json") else HEADLINE
        if query == "overall":
            compute_report(data, window, now=ANCHOR, by="overall", kpis=kpis)
        elif query.startswith("by "):
            scope = query.split()[1]
            compute_report(data, window, now=ANCHOR, by=scope, fold_small_tags=kpis is not None, kpis=kpis)
        else:
            explain_change(data, window, now=ANCHOR, kpi="csat", by="agent")

    times: dict[str, list[float]] = {query: [] for query in BREAKDOWN_QUERIES}
    for query in BREAKDOWN_QUERIES:
        once(query)  # warm-up
    for _ in range(repeat):  # interleaved, so that a busy moment of the machine hits each alike
        for query in BREAKDOWN_QUERIES:
            started = time.perf_counter()
            once(query)
            times[query].append(time.perf_counter() - started)
    return times


def _print_breakdowns(args: argparse.Namespace, url: str) -> None:
    command = [sys.executable, __file__, "--child", "breakdowns", "--url", url, "--period", args.period,
               "--repeat", str(args.repeat)]
    times = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    medians = {query: sorted(runs)[len(runs) // 2] for query, runs in times.items()}
    print(f"breakdowns ({args.tags} distinct tags, 1-4 per ticket), median of {args.repeat} warm runs, store read included:")
    for query in BREAKDOWN_QUERIES:
        base = "by team --format json" if query.endswith("json") else "by team"
        print(f"  report {query:<24} {medians[query]:6.2f} s   {medians[query] / medians[base]:4.2f} x {base}")
    print()


if __name__ == "__main__":
    main()
