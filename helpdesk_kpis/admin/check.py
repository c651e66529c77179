"""`config check`: real calls proving the configuration will work, one row per thing checked.

Every configured connector instance (its own ``check()``), Slack (token, scopes, channels, people,
and a reminder of the app's surfaces, which a bot token cannot read) and the store. A check that fails is reported with its fix and the others still run; nothing is
changed anywhere (the store is not migrated, nothing is posted).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from connectors import registry
from helpdesk_kpis.admin.files import UNVERIFIED
from helpdesk_kpis.context import AppContext
from helpdesk_kpis.settings.models import Settings
from kpis.check_result import CheckResult
from kpis.errors import HelpdeskKpisError
from kpis.store.health import check_store
from notifiers.slack_client import make_client
from notifiers.slack_verify import (
    APP_TOKEN_FIX,
    SIGNING_SECRET_FIX,
    Person,
    check_app_token,
    check_channels,
    check_people,
    check_token,
    looks_like_signing_secret,
)


def run_checks(ctx: AppContext) -> list[CheckResult]:
    settings = ctx.settings()
    store = check_store(settings.env.database_url.get_secret_value())
    return [*connector_checks(settings), *slack_checks(settings), store, *unverified_notes(settings.config_path)]


def unverified_notes(config_path: Path) -> list[CheckResult]:
    """A row per part `config init` saved although its check failed (the TOML comment it wrote):
    the checks above say whether it works now; the comment goes once they pass."""
    if not config_path.is_file():
        return []
    notes = []
    for line in config_path.read_text(encoding="utf-8").splitlines():
        if UNVERIFIED in line:
            notes.append(CheckResult("saved unverified", False, line.lstrip("# ").strip(),
                                     "when the checks above pass, delete this comment from the TOML file", skipped=True))
    return notes


def connector_checks(settings: Settings) -> list[CheckResult]:
    sections = settings.connector_sections()
    if not sections:
        return [CheckResult("connectors", False, "no connector is configured",
                            "run `helpdesk-kpis config init`, or add a [connectors.<source>.<instance>] section")]
    results: list[CheckResult] = []
    for source, instance, values in sections:
        label = f"{source}:{instance}"
        try:
            results.extend(registry.build(source, instance, values).check())
        except HelpdeskKpisError as error:
            results.append(CheckResult(label, False, str(error), "set what it names, then run again"))
        except Exception as error:  # noqa: BLE001 - one broken connector must not hide the other checks
            results.append(CheckResult(label, False, f"the check itself failed ({type(error).__name__})",
                                       "run again; if it persists, report it with `helpdesk-kpis config show`"))
    return results


def slack_checks(settings: Settings) -> list[CheckResult]:
    env, config = settings.env, settings.config
    channels = [t.channel for t in config.teams] + [t.leads_channel for t in config.teams if t.leads_channel]
    channels += [c for c in [config.digest.leads_channel, *(rule.channel for rule in config.alerts)] if c]
    people = configured_people(settings)
    token = env.slack_bot_token.get_secret_value().strip() if env.slack_bot_token else ""
    if not token and not channels and not people:
        return [CheckResult("Slack", True, "not configured (no SLACK_BOT_TOKEN, no [[teams]])", skipped=True)]
    if not token:
        return [CheckResult("Slack bot token", False,
                            "SLACK_BOT_TOKEN is not set, but helpdesk-kpis.toml names channels",
                            "put the app's Bot User OAuth Token (xoxb-...) in the environment or .env")]
    client = make_client(token, env.slack_api_url, retry_faults=False)
    results, bot = check_token(client)
    if bot is not None:
        results += check_channels(client, channels, bot)
        results += check_people(client, people)
    results.append(_signing_secret(settings))
    results.append(_app_token(settings, client))
    results.append(_surfaces(settings))
    return results


def _surfaces(settings: Settings) -> CheckResult:
    """The Home tab, interactivity, the shortcuts and the app_home_opened event are the app's
    configuration, which only an app configuration token may read (apps.manifest.export:
    https://docs.slack.dev/reference/methods/apps.manifest.export); the bot token cannot, so this
    is a reminder, not a check."""
    variant = "--socket-mode" if settings.config.slack.socket_mode else "--http"
    return CheckResult(
        "Slack app surfaces", True,
        "not readable with a bot token: the Home tab, Interactivity, the Support KPIs and Explain this shortcuts "
        "and the app_home_opened event are set in the app's configuration",
        f"compare them with `helpdesk-kpis config manifest {variant}` (or paste it under App Manifest and reinstall)",
        skipped=True,
    )


def _app_token(settings: Settings, client) -> CheckResult:
    token = settings.env.slack_app_token
    value = token.get_secret_value().strip() if token is not None else ""
    if not value:
        if settings.config.slack.socket_mode:
            return CheckResult("Slack app token (Socket Mode)", False,
                               "[slack] socket_mode is on but SLACK_APP_TOKEN is not set", APP_TOKEN_FIX)
        return CheckResult("Slack app token (Socket Mode)", True, "not set: /kpi arrives over HTTP", skipped=True)
    return check_app_token(client, value)


def configured_people(settings: Settings) -> list[Person]:
    """Every Slack member or user-group id the configuration names, with where it names it."""
    config = settings.config
    people = [Person(lead, f"lead of {team.name}") for team in config.teams for lead in team.leads]
    people += [Person(admin, "admin") for admin in config.slash.admins]
    people += [Person(rule.mention, f"mentioned by alert {rule.id}") for rule in config.alerts
               if rule.mention and rule.mention[0] in "UWS"]
    return people


def _signing_secret(settings: Settings) -> CheckResult:
    secret = settings.env.slack_signing_secret
    if secret is None or not secret.get_secret_value().strip():
        return CheckResult("Slack signing secret", True, "not set: `serve` does not answer /kpi", skipped=True)
    if not looks_like_signing_secret(secret.get_secret_value()):
        return CheckResult("Slack signing secret", False, "SLACK_SIGNING_SECRET is not 32 hexadecimal characters",
                           SIGNING_SECRET_FIX)
    return CheckResult("Slack signing secret", True, "set; Slack proves it on the first /kpi request", skipped=True)


def results_table(results: Sequence[CheckResult]) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("", width=1)
    table.add_column("check", no_wrap=True)
    table.add_column("result", overflow="fold")
    for result in results:
        if result.skipped:
            mark = Text("–", style="dim")
        else:
            mark = Text("✓", style="green") if result.ok else Text("✗", style="bold red")
        cell = Text(result.detail)
        if result.fix and result.failed:
            cell.append("\nfix: ", style="bold")
            cell.append(result.fix)
        elif result.fix:
            cell.append("\n" + result.fix, style="dim")
        table.add_row(mark, Text(result.name), cell)
    return table


def summary(results: Sequence[CheckResult]) -> str:
    failed = sum(1 for r in results if r.failed)
    passed = sum(1 for r in results if r.ok and not r.skipped)
    skipped = len(results) - failed - passed
    parts = [f"{passed} passed", f"{failed} failed"] + ([f"{skipped} not checked"] if skipped else [])
    return ", ".join(parts)


def print_results(results: Sequence[CheckResult], console: Console) -> None:
    console.print(results_table(results))
    console.print(summary(results), highlight=False)
