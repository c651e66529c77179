"""The ``helpdesk-kpis`` command line (contract: docs/commands.md).

Exit codes: 0 success, 1 a run that failed, 2 bad usage or configuration -- always with one line
saying what is wrong and what to do, never a traceback for an expected failure; 143 a `sync`
stopped by SIGTERM at a page boundary (130 after Ctrl-C), with a line saying the next run resumes.

Each command imports what it runs inside its body: the jobs pull in SQLAlchemy, numpy, matplotlib,
Slack's SDKs and every connector's HTTP stack, which ``--help`` and ``config show`` do not need
and which would otherwise cost over a second at every start.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from helpdesk_kpis.admin.commands import config_app
from helpdesk_kpis.context import AppContext
from helpdesk_kpis.export_cli import export
from helpdesk_kpis.json_output import asks_for_json, package_version, write_json_error
from helpdesk_kpis.report_cli import report
from kpis.errors import ConfigError, HelpdeskKpisError
from kpis.windows import parse_day

app = typer.Typer(
    name="helpdesk-kpis",
    help="Support KPIs from your helpdesk, computed to Zendesk Explore's definitions and brought to Slack.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Help texts are plain text: rich markup would swallow the TOML tables they name ("[[alerts]]").
    rich_markup_mode=None,
)
app.add_typer(config_app, name="config")

console = Console()
err = Console(stderr=True)


def _print_version(asked: bool) -> None:
    if asked:
        console.print(f"helpdesk-kpis {package_version()}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    _version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_print_version, help="Print the version and exit."),
    ] = False,
    config: Annotated[
        Optional[Path], typer.Option("--config", metavar="FILE", help="TOML config file (default: helpdesk-kpis.toml).")
    ] = None,
    log_level: Annotated[
        Optional[str], typer.Option("--log-level", metavar="LEVEL", help="debug, info, warning or error (serve: info; others: only warnings).")
    ] = None,
    log_format: Annotated[
        Optional[str], typer.Option("--log-format", metavar="FORMAT", help="text, or json: one JSON object per line on stderr.")
    ] = None,
) -> None:
    ctx.obj = AppContext(config_path=config, warn=_warn)
    ctx.meta["clock"] = _now  # for the commands defined elsewhere (report, export): the one clock, which tests set
    ctx.meta["log"] = (log_level, log_format)
    if log_level is not None or log_format is not None:
        from helpdesk_kpis.log_output import configure

        configure(log_level or "info", log_format or "text")


def _warn(line: str) -> None:
    err.print(line, markup=False, highlight=False, soft_wrap=True)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(metavar="DIR", help="Folder for the demo store and outputs.")] = Path("helpdesk-kpis-demo"),
    tickets: Annotated[int, typer.Option(min=100, metavar="N", help="How many sample tickets to generate.")] = 6000,
) -> None:
    """Try it with no credentials: a sample helpdesk, synced into a fresh store, with its KPIs."""
    from helpdesk_kpis.jobs import demo as demo_module

    demo_module.run(out=out, tickets=tickets, now=_now(), console=console)


@app.command()
def sync(
    ctx: typer.Context,
    connector: Annotated[
        Optional[str], typer.Option(metavar="NAME", help="Only this connector (source, or source:instance).")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Forget the saved cursors and re-backfill from --since.")] = False,
    since: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Start of a first or --full sync: YYYY-MM-DD, or a date word such as last-month (default: 90 days back).")
    ] = None,
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Imported files: import the good rows, warn about the bad ones.")
    ] = False,
    no_alerts: Annotated[
        bool, typer.Option("--no-alerts", help="Do not evaluate the [[alerts]] rules after the sync.")
    ] = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="When another process is syncing a connector, wait for it instead of skipping.")
    ] = False,
) -> None:
    """Pull new and changed records from each configured connector; resumes where it stopped.

    A connector another process is syncing right now is skipped (a line beginning "skipped:"), or
    waited for with --wait. Then, when [[alerts]] rules are configured, evaluates them and posts what changed.
    """
    import signal

    from helpdesk_kpis.jobs import slack_runs
    from helpdesk_kpis.jobs.sync import publish_seconds, run_sync
    from helpdesk_kpis.stop_signals import SIGTERM_EXIT, StopSignals

    app_ctx: AppContext = ctx.obj
    now = _now()
    start = now - timedelta(days=90)
    if since is not None:
        start = datetime.combine(parse_day(since, "--since", today=now.date()), datetime.min.time(),
                                 tzinfo=timezone.utc)
        if start >= now:
            raise ConfigError(f"--since {since} is not in the past")
    # --skip-bad-rows does for this run what skip_bad_rows = true does in a [connectors.file] section.
    overrides = {"file": {"skip_bad_rows": True}} if skip_bad_rows else None
    connectors = app_ctx.connectors(only=connector, overrides=overrides)
    store = app_ctx.store()
    schedule = app_ctx.settings().config.schedule
    # SIGTERM (a supervisor stopping the run) ends the sync at its next page boundary.
    with StopSignals([signal.SIGTERM]) as stop:
        summary = run_sync(
            store, connectors, since=start, now=now, full=full, console=console,
            failover_seconds=schedule.failover_seconds, wait=wait,
            notice=lambda line: console.print(line, highlight=False, markup=False, soft_wrap=True),
            should_stop=stop.should_stop, publish_seconds=publish_seconds(app_ctx.settings().config),
        )
    if len(summary.skipped) == len(connectors):
        return  # the process syncing them evaluates the alerts after its sync
    console.print(summary.line())
    if summary.stopped:
        err.print("sync stopped by SIGTERM at a page boundary: every page stored so far is kept; the next sync "
                  "resumes from there", highlight=False, soft_wrap=True)
        raise typer.Exit(SIGTERM_EXIT)
    if app_ctx.settings().config.alerts and schedule.alerts_after_sync and not no_alerts:
        slack_runs.run_alerts(app_ctx, now=_now(), console=console)


app.command()(report)  # in its own module: the command and its four variants


app.command()(export)


@app.command()
def digest(
    ctx: typer.Context,
    date: Annotated[Optional[str], typer.Option(metavar="DATE", help="Last day the digest reports on: YYYY-MM-DD, today or yesterday (default: yesterday); a weekly or monthly digest reports on the last full week or month up to it.")] = None,
    team: Annotated[Optional[str], typer.Option(metavar="TEAM", help="Only this team's digest ('overall': the leads' digest).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the messages here instead of posting.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw Slack payloads (implies --dry-run).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Post again even if this day's digest was posted.")] = False,
) -> None:
    """Build and post the team digests (and the leads' overall digest) to Slack; a weekly or monthly one
    only on its day unless --team or --date names it."""
    from helpdesk_kpis.jobs import slack_runs

    day = None
    if date is not None:
        from kpis.windows import today_in

        today = today_in(ctx.obj.settings().config.reporting.zone, _now())
        day = parse_day(date, "--date", today=today, last=True)
    ctx.obj.reads_only()
    slack_runs.run_digests(ctx.obj, day=day, only=team, now=_now(), console=console, dry_run=dry_run,
                           as_json=as_json, force=force)


@app.command()
def alerts(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be posted; change nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw Slack payloads (implies --dry-run).")] = False,
) -> None:
    """Evaluate the threshold rules and post breaches that start and end."""
    from helpdesk_kpis.jobs import slack_runs

    ctx.obj.reads_only()
    slack_runs.run_alerts(ctx.obj, now=_now(), console=console, dry_run=dry_run, as_json=as_json)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[Optional[str], typer.Option(metavar="HOST", help="Address the /kpi endpoint listens on (default: [server] host).")] = None,
    port: Annotated[Optional[int], typer.Option(min=0, max=65535, metavar="PORT", help="Its port (default: [server] port, 3000).")] = None,
    role: Annotated[
        str, typer.Option(metavar="ROLE", help="What this process runs: all (endpoint and jobs), endpoint (only /kpi), scheduler (only jobs).")
    ] = "all",
    socket_mode: Annotated[
        bool, typer.Option("--socket-mode", help="Receive /kpi over Slack's Socket Mode (needs SLACK_APP_TOKEN) instead of HTTP.")
    ] = False,
) -> None:
    """The /kpi slash-command endpoint plus the scheduler: syncs, alerts and each team's digest at its time."""
    import logging

    from helpdesk_kpis.log_output import ConsoleLines, configure
    from helpdesk_kpis.server.process import run_forever
    from helpdesk_kpis.stop_signals import exit_now

    # serve logs what an admin needs to see (denied /kpi requests, Slack trouble) at INFO on stderr.
    level, fmt = ctx.meta.get("log", (None, None))
    configure(level or "info", fmt or "text")
    out = console
    if fmt == "json":  # its printed lines become records too: the whole output is JSON
        out = Console(file=ConsoleLines(logging.getLogger("helpdesk_kpis.serve")), width=10_000, no_color=True,
                      highlight=False, soft_wrap=True)
    run_forever(ctx.obj, console=out, host=host, port=port, role=role, socket_mode=socket_mode)
    out.file.flush()
    exit_now(0)  # stopped on a signal, everything settled: threads still blocked on the network must not hold the exit


def _json_logs() -> bool:
    """Whether --log-format json was asked for (the failure line is then a JSON record too)."""
    module = sys.modules.get("helpdesk_kpis.log_output")
    return module is not None and module.active_format() == "json"


_GLOBAL_OPTIONS = ("--config", "--log-level", "--log-format")


def _globals_first(args: list[str]) -> list[str]:
    """The global options moved before the subcommand, so that ``report --config x.toml`` works as
    ``--config x.toml report`` does (the parser takes them only before it)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg in _GLOBAL_OPTIONS and i + 1 < len(args):
            front += args[i:i + 2]
            i += 2
            continue
        (front if arg.split("=", 1)[0] in _GLOBAL_OPTIONS else rest).append(arg)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and turn expected failures into one line and an exit code."""
    args = _globals_first(list(sys.argv[1:] if argv is None else argv))
    # --json asked: a failure is a JSON object on stdout too (the line on stderr stays, for people).
    json_out = asks_for_json(args)
    try:
        # Without standalone mode, click hands back a typer.Exit's code instead of raising it.
        code = app(args=args, prog_name="helpdesk-kpis", standalone_mode=False)
        if isinstance(code, int):
            return code
    except typer.Exit as done:
        return done.exit_code
    except typer.TyperException as usage:  # bad options or arguments: the parser's own message
        usage.show()
        if json_out:
            write_json_error(usage.format_message(), usage.exit_code)
        return usage.exit_code
    except typer.Abort:
        err.print("aborted")
        return 1
    except HelpdeskKpisError as error:
        if _json_logs():
            import logging

            logging.getLogger("helpdesk_kpis").error("error: %s", error)
        else:
            err.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        if json_out:
            write_json_error(str(error), error.exit_code)
        return error.exit_code
    except KeyboardInterrupt:
        err.print("interrupted; everything synced so far is kept and the next run resumes")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
