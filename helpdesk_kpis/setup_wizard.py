"""`config init`: asks for the helpdesk account(s) and Slack, proves each credential live, proposes a
Slack channel per helpdesk team, and writes ``helpdesk-kpis.toml`` and a private ``.env``.

The per-helpdesk part is generic: a connector appears here by listing its
:class:`~connectors.registry.SetupField` values in its spec. The wizard asks them (secrets with
hidden input), builds the connector, runs its ``check()`` and reads its ``teams`` stream.

Every value may come from a flag (``--zendesk-subdomain``) or its variable (``ZENDESK_API_TOKEN``,
also as ``*_FILE`` or from the secrets directory); ``--no-input`` never asks, for scripts. Secrets
are never echoed, and shown afterwards masked (``••••abcd``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.console import Console

from connectors import registry
from connectors.base import Connector
from connectors.registry import ConnectorSpec, SetupField
from helpdesk_kpis.config_check import print_results
from helpdesk_kpis.config_files import PRIVATE, SHARED, ConfigPlan, TeamPlan, env_text, kept_variables, toml_text, write_file
from helpdesk_kpis.config_show import mask
from helpdesk_kpis.instances import instance_prefix
from helpdesk_kpis.settings import DEFAULT_CONFIG_FILE, load_settings
from helpdesk_kpis.variables import Variables
from kpis.checks import CheckResult
from kpis.errors import ConfigError, CredentialError, HelpdeskKpisError
from kpis.records import Team
from notifiers.slack_check import SIGNING_SECRET_FIX, check_token, looks_like_signing_secret
from notifiers.slack_client import make_client

_INSTANCE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


@dataclass
class InitOptions:
    """What the command line gave; ``None`` where a flag was left out."""

    #: "<source>.<field>" -> value, from --<source>-<field> flags.
    given: dict[str, str] = field(default_factory=dict, repr=False)
    #: source -> instance name, from --<source>-instance.
    instance_names: dict[str, str] = field(default_factory=dict)
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    timezone: str | None = None
    leads_channel: str | None = None
    channel_prefix: str = "kpi-"
    teams: bool = True
    force: bool = False
    no_input: bool = False


@dataclass
class _Account:
    spec: ConnectorSpec
    instance: str
    values: dict[str, Any] = field(repr=False)
    connector: Connector


class Wizard:
    def __init__(self, options: InitOptions, console: Console, *, config_path: Path | None, env_path: Path = Path(".env"),
                 now: datetime | None = None) -> None:
        self.options = options
        self.console = console
        # The environment, *_FILE and the secrets directory; not the .env this run may replace.
        self.variables = Variables.read(env_file=None)
        self.config_path = config_path or Path(self.variables.get("HELPDESK_KPIS_CONFIG") or DEFAULT_CONFIG_FILE)
        self.env_path = env_path
        self.now = now or datetime.now(timezone.utc)

    # -- the whole run -------------------------------------------------------------------------

    def run(self) -> None:
        self._confirm_replacing()
        plan = ConfigPlan(timezone=self._timezone())
        teams: list[Team] = []
        for account in self._accounts():
            spec, instance = account.spec, account.instance
            plan.connectors.setdefault(spec.source, {})[instance] = {
                k: v for k, v in account.values.items() if k not in spec.secret_fields
            }
            for key in sorted(spec.secret_fields & account.values.keys()):
                plan.variables[f"{instance_prefix(spec.env_prefix or spec.source.upper(), instance)}{key.upper()}"] = account.values[key]
            teams += self._discover(account)
        bot = self._slack(plan)
        plan.teams = self._channels(teams)
        plan.leads_channel = self._leads_channel()
        self._write(plan, bot)

    def _confirm_replacing(self) -> None:
        for path in (self.config_path, self.env_path):
            if not path.exists() or self.options.force:
                continue
            if self.options.no_input:
                raise ConfigError(f"{path} exists; nothing written. Run with --force to replace it")
            if not typer.confirm(f"{path} exists. Replace it?", default=False):
                self.console.print(f"Nothing written; {path} is unchanged.", highlight=False)
                raise typer.Exit(1)

    # -- helpdesks -----------------------------------------------------------------------------

    def _accounts(self) -> Iterator[_Account]:
        specs = [spec for spec in registry.specs() if spec.setup]
        given = [spec for spec in specs if self._given_values(spec)]
        if self.options.no_input:
            if not given:
                raise ConfigError(
                    "config init --no-input: name a helpdesk account, e.g. --zendesk-subdomain acme --zendesk-email "
                    "admin@acme.com with ZENDESK_API_TOKEN in the environment (see --help)"
                )
            names: set[str] = set()
            for spec in given:
                yield self._account(spec, self._given_values(spec), names)
            return
        names = set()
        for spec in given or [self._choose(specs)]:
            yield self._account(spec, self._given_values(spec), names)
        while typer.confirm("Add another helpdesk account?", default=False):
            yield self._account(self._choose(specs), {}, names)

    def _choose(self, specs: list[ConnectorSpec]) -> ConnectorSpec:
        if len(specs) == 1:
            return specs[0]
        sources = [spec.source for spec in specs]
        chosen = typer.prompt(f"Helpdesk ({', '.join(sources)})", default=sources[0],
                              type=typer.models.click.Choice(sources))
        return registry.spec_for(chosen)

    def _given_values(self, spec: ConnectorSpec) -> dict[str, str]:
        """Values from --<source>-<field> flags, else from the field's variable."""
        values: dict[str, str] = {}
        for setup in spec.setup:
            value = self.options.given.get(f"{spec.source}.{setup.name}")
            if value is None and spec.env_prefix:
                value = self.variables.get(f"{spec.env_prefix}_{setup.name.upper()}")
            if value:
                values[setup.name] = value
        return values

    def _account(self, spec: ConnectorSpec, values: dict[str, str], names: set[str]) -> _Account:
        self.console.print(f"\n[bold]{spec.name}[/]")
        name = self.options.instance_names.get(spec.source) if values else None
        values = self._ask(spec, values)
        while True:
            instance = name or self._instance_name(spec, values, names)
            results, connector = self._try(spec, instance, values)
            failed = [r for r in results if r.failed]
            if connector is not None and not failed:
                names.add(instance)
                return _Account(spec, instance, values, connector)
            if self.options.no_input:
                raise CredentialError(_refusal(failed[0]))
            if not typer.confirm("Enter them again?", default=True):
                self._give_up()
            kept = {k: v for k, v in values.items() if k not in spec.secret_fields}
            values = self._ask(spec, kept, again=True)

    def _ask(self, spec: ConnectorSpec, values: dict[str, str], *, again: bool = False) -> dict[str, str]:
        """Ask what is missing; ``again``: ask every field afresh, non-secret answers as defaults."""
        values = dict(values)
        for setup in spec.setup:
            secret = setup.name in spec.secret_fields
            if setup.name in values and not again:
                shown = mask(values[setup.name]) if secret else values[setup.name]
                self.console.print(f"  {setup.prompt or setup.help}: {shown}", highlight=False, markup=False)
                continue
            if self.options.no_input or setup.prompt is None or any(values.get(other) for other in setup.unless):
                continue
            answer = _prompt(setup, secret, default=values.get(setup.name))
            if answer:
                values[setup.name] = answer
            else:
                values.pop(setup.name, None)
        return values

    def _give_up(self) -> None:
        self.console.print("Nothing written.", highlight=False)
        raise typer.Exit(1)

    def _instance_name(self, spec: ConnectorSpec, values: dict[str, str], names: set[str]) -> str:
        derived = (spec.default_instance(values) if spec.default_instance else None) or spec.source
        if derived not in names and _INSTANCE_NAME.match(derived):
            return derived
        while True:
            name = typer.prompt("A name for this account (letters, digits, dashes)", default=f"{derived}-2").strip().lower()
            if _INSTANCE_NAME.match(name) and name not in names:
                return name
            self.console.print("  use lower-case letters, digits and dashes, a name not used yet", highlight=False)

    def _try(self, spec: ConnectorSpec, instance: str, values: dict[str, str]) -> tuple[list[CheckResult], Connector | None]:
        settings_values: dict[str, Any] = dict(values)
        if spec.env_prefix and "env_prefix" in spec.settings_model.model_fields:
            settings_values["env_prefix"] = f"{spec.env_prefix}_"  # messages name the variables init reads
        try:
            connector = registry.build(spec.source, instance, settings_values)
        except HelpdeskKpisError as error:
            result = CheckResult(f"{spec.source}:{instance}", False, str(error))
            print_results([result], self.console)
            return [result], None
        self.console.print(f"  checking {spec.name} {instance}...", highlight=False)
        results = connector.check()
        print_results(results, self.console)
        return results, connector

    def _discover(self, account: _Account) -> list[Team]:
        if not self.options.teams:
            return []
        try:
            found = account.connector.discover_teams(self.now)
        except HelpdeskKpisError as error:
            self.console.print(f"  could not list the teams ({error}); add [[teams]] later", highlight=False, markup=False)
            return []
        self.console.print(f"  {len(found)} team{'s' if len(found) != 1 else ''} found", highlight=False)
        return found

    # -- Slack ---------------------------------------------------------------------------------

    def _slack(self, plan: ConfigPlan) -> str | None:
        """Ask for, and prove, the bot token; put the Slack variables in the plan; return the bot's name."""
        self.console.print("\n[bold]Slack[/]")
        options = self.options
        api_url = options.slack_api_url or self.variables.get("SLACK_API_URL")
        token = options.slack_bot_token or self.variables.get("SLACK_BOT_TOKEN")
        if token:
            self.console.print(f"  bot token: {mask(token)}", highlight=False, markup=False)
        elif not options.no_input:
            token = typer.prompt("Slack bot token (xoxb-...; blank to skip Slack for now)", default="",
                                 hide_input=True, show_default=False).strip()
        if not token:
            self.console.print("  Slack skipped: digests and alerts need SLACK_BOT_TOKEN (README: Slack)", highlight=False)
            return None
        while True:
            results, bot = check_token(make_client(token, api_url, retry_faults=False))
            print_results(results, self.console)
            if bot is not None:
                break
            if options.no_input:
                raise CredentialError(_refusal(results[0]))
            if not typer.confirm("Enter it again?", default=True):
                self._give_up()
            token = typer.prompt("Slack bot token (xoxb-...)", hide_input=True).strip()
        if any(r.failed for r in results):
            self.console.print("  config check fails until the app has these scopes; the token itself works",
                               highlight=False)
        plan.variables["SLACK_BOT_TOKEN"] = token
        if api_url:
            plan.variables["SLACK_API_URL"] = api_url
        secret = self._signing_secret()
        if secret:
            plan.variables["SLACK_SIGNING_SECRET"] = secret
        return bot.user

    def _signing_secret(self) -> str | None:
        secret = self.options.slack_signing_secret or self.variables.get("SLACK_SIGNING_SECRET")
        while True:
            if not secret and not self.options.no_input:
                secret = typer.prompt("Slack signing secret (for /kpi; blank to skip)", default="", hide_input=True,
                                      show_default=False).strip()
            if not secret or looks_like_signing_secret(secret):
                return secret or None
            if self.options.no_input:
                raise ConfigError(f"the Slack signing secret is not 32 hexadecimal characters: {SIGNING_SECRET_FIX}")
            self.console.print(f"  not 32 hexadecimal characters: {SIGNING_SECRET_FIX}", highlight=False)
            secret = None

    def _channels(self, teams: list[Team]) -> list[TeamPlan]:
        merged: dict[str, TeamPlan] = {}
        for team in sorted(teams, key=lambda t: (t.name.lower(), t.source, t.instance, t.id)):
            key = team.name.strip().lower()
            plan = merged.setdefault(key, TeamPlan(team.name.strip(), f"#{self.options.channel_prefix}{slug(team.name)}"))
            plan.sources.append(f"{team.source}:{team.instance}:{team.id}")
        if not merged:
            return []
        self.console.print("\n[bold]Teams[/] (a digest per team, in its own channel)")
        chosen: list[TeamPlan] = []
        for plan in merged.values():
            if self.options.no_input:
                self.console.print(f"  {plan.name}: {plan.channel}", highlight=False, markup=False)
            else:
                answer = typer.prompt(f"Channel for {plan.name} ('-' to leave the team out)", default=plan.channel).strip()
                if answer == "-":
                    continue
                plan.channel = answer if answer.startswith("#") or _CHANNEL_ID.match(answer) else f"#{answer}"
            chosen.append(plan)
        return chosen

    def _leads_channel(self) -> str | None:
        channel = self.options.leads_channel
        if channel is None and not self.options.no_input:
            channel = typer.prompt("Channel for the leads' overall digest (blank for none)", default="",
                                   show_default=False).strip()
        return channel or None

    def _timezone(self) -> str:
        zone = self.options.timezone
        while True:
            if zone is None:
                zone = "UTC" if self.options.no_input else typer.prompt("Reporting time zone (IANA name)", default="UTC")
            try:
                ZoneInfo(zone.strip())
                return zone.strip()
            except (ZoneInfoNotFoundError, ValueError):
                if self.options.no_input:
                    raise ConfigError(f"--timezone {zone!r} is not a time zone; use an IANA name such as Europe/Berlin") from None
                self.console.print("  use an IANA name such as Europe/Berlin or UTC", highlight=False)
                zone = None

    # -- writing -------------------------------------------------------------------------------

    def _write(self, plan: ConfigPlan, bot: str | None) -> None:
        kept = kept_variables(self.env_path, list(plan.variables))
        write_file(self.config_path, toml_text(plan, self.now.date()), mode=SHARED)
        if plan.variables or kept:
            write_file(self.env_path, env_text(plan.variables, kept), mode=PRIVATE)
        load_settings(self.config_path, env_file=self.env_path)  # what was written reads back
        accounts = sum(len(instances) for instances in plan.connectors.values())
        self.console.print(
            f"\nWrote {self.config_path} ({accounts} helpdesk account{'s' if accounts != 1 else ''}, "
            f"{len(plan.teams)} team{'s' if len(plan.teams) != 1 else ''}) and {self.env_path} (mode 0600):",
            highlight=False, markup=False,
        )
        for name, value in plan.variables.items():
            shown = value if name == "SLACK_API_URL" else mask(value)
            self.console.print(f"  {name}={shown}", highlight=False, markup=False)
        if kept:
            self.console.print(f"  and {len(kept)} other variable(s) kept from the previous {self.env_path}",
                               highlight=False, markup=False)
        channels = [t.channel for t in plan.teams] + ([plan.leads_channel] if plan.leads_channel else [])
        if bot and channels:
            self.console.print(f"Next: invite @{bot} to {', '.join(channels)} (/invite @{bot} in each),", highlight=False,
                               markup=False)
        self.console.print("then run `helpdesk-kpis config check` and `helpdesk-kpis sync`.", highlight=False, markup=False)


def _prompt(setup: SetupField, secret: bool, default: str | None) -> str:
    if secret:
        return typer.prompt(setup.prompt, hide_input=True, default="" if setup.optional else None,
                            show_default=False).strip()
    fallback = default if default is not None else ("" if setup.optional else None)
    return typer.prompt(setup.prompt, default=fallback, show_default=bool(default)).strip()


def _refusal(result: CheckResult) -> str:
    fix = f"; {result.fix}" if result.fix else ""
    return f"{result.name}: {result.detail}{fix}; nothing written"


def slug(name: str) -> str:
    """A Slack channel name from a team name: lower case, dashes, at most 80 characters."""
    text = re.sub(r"[^a-z0-9_-]+", "-", name.strip().lower()).strip("-")
    return re.sub(r"-{2,}", "-", text)[:60] or "team"
