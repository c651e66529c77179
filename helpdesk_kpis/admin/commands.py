"""The ``helpdesk-kpis config`` commands: ``init``, ``check`` and ``show`` (docs/configuration.md).

``init``'s helpdesk flags are made from the connector specs: each :class:`SetupField` of a spec
becomes ``--<source>-<field>``, plus ``--<source>-instance``, so a connector that lists its setup
fields gets its flags and its place in the wizard without a line here.

The commands import their workings (the wizard, the checks, the table) when they run: building
this command group happens at every start, ``--help`` included. For the same reason ``init`` itself
is made when it is asked for (:class:`_ConfigGroup`): its flags need every connector's settings model.
"""

from __future__ import annotations

import inspect
import sys
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.console import Console
from typer.core import TyperGroup

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.json_output import write_json

if TYPE_CHECKING:
    import click

    from connectors.registry import ConnectorSpec


class _ConfigGroup(TyperGroup):
    """The ``config`` group, whose ``init`` is built on first lookup: listing the commands (``--help``)
    then imports no connector's settings."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return ["init", *(name for name in super().list_commands(ctx) if name != "init")]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "init" and "init" not in self.commands:
            self.add_command(_init_command(self.rich_markup_mode), "init")
        return super().get_command(ctx, cmd_name)


config_app = typer.Typer(help="Write, check and show the configuration.", no_args_is_help=True, cls=_ConfigGroup)

console = Console()


def _config_init(ctx: typer.Context, **options: Any) -> None:
    """Write helpdesk-kpis.toml and .env: asks for the helpdesk and Slack, checks each credential live,
    proposes a Slack channel per helpdesk team. --no-input for scripts (secrets may come from the environment)."""
    from helpdesk_kpis.admin.asking import InitOptions
    from helpdesk_kpis.admin.wizard import Wizard

    given: dict[str, str] = {}
    instance_names: dict[str, str] = {}
    for spec in _setup_specs():
        for setup in spec.setup:
            value = options.pop(_param(spec.source, setup.name))
            if value:
                given[f"{spec.source}.{setup.name}"] = value
        name = options.pop(_param(spec.source, "instance"))
        if name:
            instance_names[spec.source] = name.strip().lower()
    init = InitOptions(given=given, instance_names=instance_names, **options)
    app_ctx: AppContext = ctx.obj
    Wizard(init, console, config_path=app_ctx.config_path).run()


def _setup_specs() -> list[ConnectorSpec]:
    from connectors import registry

    return [spec for spec in registry.specs() if spec.setup]


def _param(source: str, name: str) -> str:
    return f"{source}_{name}".replace("-", "_")


def _option(flag: str, help_text: str, annotation: Any = Optional[str], default: Any = None) -> inspect.Parameter:
    name = flag.split("/")[0].lstrip("-").replace("-", "_")
    # A metavar that reads as a word (--zendesk-api-token TOKEN), not the type's name.
    metavar = None if annotation is bool else flag.rsplit("-", 1)[-1].upper()
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default,
        annotation=Annotated[annotation, typer.Option(flag, help=help_text, metavar=metavar,
                                                      show_default=default not in (None, False))],
    )


def _init_signature() -> None:
    """Give ``_config_init`` its options: the fixed ones and those of every connector's setup fields."""
    params = [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)]
    for spec in _setup_specs():
        for setup in spec.setup:
            variable = f" (or {spec.env_prefix}_{setup.name.upper()})" if spec.env_prefix else ""
            flag = f"--{spec.source}-{setup.name.replace('_', '-')}"
            params.append(_option(flag, f"{spec.name}: {setup.help}{variable}"))
        params.append(_option(f"--{spec.source}-instance", f"{spec.name}: the account's name here"))
    params += [
        _option("--slack-bot-token", "Slack bot token xoxb-... (or SLACK_BOT_TOKEN)"),
        _option("--slack-signing-secret", "Slack signing secret, for /kpi (or SLACK_SIGNING_SECRET)"),
        _option("--slack-app-token", "Slack app-level token xapp-..., for /kpi over Socket Mode (or SLACK_APP_TOKEN)"),
        _option("--slack-api-url", "Slack Web API base URL, for a proxy (or SLACK_API_URL)"),
        _option("--timezone", "reporting time zone, an IANA name (default UTC)"),
        _option("--leads-channel", "Slack channel of the leads' overall digest"),
        _option("--admins", "admins of the tool: emails, @user-groups or Slack ids, comma-separated"),
        _option("--channel-prefix", "proposed channel per team: #<prefix><team>", str, "kpi-"),
        _option("--teams/--no-teams", "discover the helpdesk's teams and propose a channel each", bool, True),
        _option("--force", "replace existing files without asking", bool, False),
        _option("--no-input", "never ask: take everything from flags and variables (scripts)", bool, False),
        _option("--save-unverified", "with --no-input: save what a failed check refused, marked unverified, "
                "instead of writing nothing", bool, False),
    ]
    _config_init.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    _config_init.__annotations__ = {p.name: p.annotation for p in params}


def _init_command(rich_markup_mode: Any) -> click.Command:
    from typer.main import get_command_from_info
    from typer.models import CommandInfo

    _init_signature()
    info = CommandInfo(name="init", callback=_config_init)
    return get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=rich_markup_mode)


@config_app.command("check")
def config_check(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Check every credential against its service: connectors, Slack, the store. Exit 0 only when all pass."""
    from helpdesk_kpis.admin.check import print_results, run_checks

    app_ctx: AppContext = ctx.obj
    results = run_checks(app_ctx)
    if as_json:
        rows = [{"name": r.name, "ok": r.ok, "skipped": r.skipped, "detail": r.detail, "fix": r.fix} for r in results]
        write_json({"checks": rows})
    else:
        print_results(results, console)
    if any(r.failed for r in results):
        raise typer.Exit(1)


@config_app.command("manifest")
def config_manifest(
    ctx: typer.Context,
    socket_mode: Annotated[
        Optional[bool],
        typer.Option("--socket-mode/--http", help="Which app: Socket Mode or HTTP (default: as [slack] socket_mode says)."),
    ] = None,
) -> None:
    """Print the Slack app manifest to create the app from (the scopes, /kpi, HTTP or Socket Mode)."""
    from notifiers.manifests import manifest_text

    app_ctx: AppContext = ctx.obj
    if socket_mode is None:
        socket_mode = app_ctx.settings().config.slack.socket_mode
    sys.stdout.write(manifest_text(socket_mode=socket_mode))


@config_app.command("show")
def config_show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the settings as JSON.")] = False,
) -> None:
    """Show the effective configuration, where each value comes from, secrets masked."""
    from helpdesk_kpis.admin.show import INVALID, effective_rows, rows_table

    app_ctx: AppContext = ctx.obj
    settings = app_ctx.settings()
    if app_ctx.config_path is not None:
        config_source = "--config"
    else:
        found = settings.variables.find("HELPDESK_KPIS_CONFIG")
        config_source = found.source("HELPDESK_KPIS_CONFIG") if found else "default"
    rows = effective_rows(settings, config_source=config_source)
    invalid = [r for r in rows if r.setting == INVALID]
    problem = None
    if invalid:
        more = f" (and {len(invalid) - 1} more)" if len(invalid) > 1 else ""
        problem = f"{invalid[0].section}: {invalid[0].value}{more}; the configuration is not usable until it is fixed"
    if as_json:
        payload = [{"section": r.section, "setting": r.setting, "value": r.value, "source": r.source} for r in rows]
        write_json({"settings": payload, **({"error": problem, "exit_code": 2} if problem else {})})
    else:
        console.print(rows_table(rows))
    if problem:
        # Shown in full above, so the admin sees everything; the exit code tells scripts it is not usable.
        Console(stderr=True).print(f"error: {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2)
