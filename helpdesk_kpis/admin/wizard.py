"""`config init`: asks for the helpdesk account(s) and Slack, proves each credential live, proposes a
Slack channel per helpdesk team, and writes ``helpdesk-kpis.toml`` and a private ``.env``.

Every value may come from a flag (``--zendesk-subdomain``) or its variable (``ZENDESK_API_TOKEN``,
also as ``*_FILE`` or from the secrets directory); ``--no-input`` never asks, for scripts. Secrets
are never echoed, and shown afterwards masked (``••••abcd``). The helpdesk part is the same for
every connector (:mod:`helpdesk_kpis.admin.helpdesks`); Slack's is :mod:`helpdesk_kpis.admin.slack_setup`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.console import Console

from helpdesk_kpis.admin.asking import Asking, InitOptions
from helpdesk_kpis.admin.files import PRIVATE, SHARED, ConfigPlan, env_text, kept_variables, toml_text, write_file
from helpdesk_kpis.admin.helpdesks import HelpdeskSetup
from helpdesk_kpis.admin.people_setup import PeopleSetup
from helpdesk_kpis.admin.show import mask
from helpdesk_kpis.admin.slack_setup import SlackSetup
from helpdesk_kpis.settings.instances import instance_prefix
from helpdesk_kpis.settings.models import DEFAULT_CONFIG_FILE, load_settings
from kpis.check_result import shown_url
from kpis.errors import ConfigError
from kpis.records import Team

__all__ = ["InitOptions", "Wizard"]


class Wizard:
    def __init__(
        self, options: InitOptions, console: Console, *, config_path: Path | None,
        env_path: Path = Path(".env"), now: datetime | None = None,
    ) -> None:
        self.asking = Asking(options, console)
        self.options = options
        self.config_path = config_path or Path(self.asking.variables.get("HELPDESK_KPIS_CONFIG") or DEFAULT_CONFIG_FILE)
        self.env_path = env_path
        self.now = now or datetime.now(timezone.utc)

    def run(self) -> None:
        self._confirm_replacing()
        plan = ConfigPlan(timezone=self._timezone())
        helpdesks, slack = HelpdeskSetup(self.asking), SlackSetup(self.asking)
        teams: list[Team] = []
        for account in helpdesks.accounts():
            spec, instance = account.spec, account.instance
            plan.connectors.setdefault(spec.source, {})[instance] = account.settings
            prefix = instance_prefix(spec.env_prefix or spec.source.upper(), instance)
            for key, value in sorted(account.secrets.items()):
                plan.variables[f"{prefix}{key.upper()}"] = value
            if account.unverified:
                plan.unverified[f"{spec.source}.{instance}"] = account.unverified
                continue  # its teams cannot be listed either: [[teams]] come with a working check
            teams += helpdesks.teams(account, self.now)
        bot = slack.credentials(plan)
        plan.teams = slack.channels(teams)
        plan.leads_channel = slack.leads_channel()
        if slack.client is not None:
            people = PeopleSetup(self.asking, slack.client)
            people.leads(plan.teams)
            plan.admins = people.admins()
        self._write(plan, bot)

    def _confirm_replacing(self) -> None:
        for path in (self.config_path, self.env_path):
            if not path.exists() or self.options.force:
                continue
            if not self.asking.interactive:
                raise ConfigError(f"{path} exists; nothing written. Run with --force to replace it")
            if not typer.confirm(f"{path} exists. Replace it?", default=False):
                self.asking.say(f"Nothing written; {path} is unchanged.")
                raise typer.Exit(1)

    def _timezone(self) -> str:
        zone = self.options.timezone
        while True:
            if zone is None:
                interactive = self.asking.interactive
                zone = typer.prompt("Reporting time zone (IANA name)", default="UTC") if interactive else "UTC"
            try:
                ZoneInfo(zone.strip())
                return zone.strip()
            except (ZoneInfoNotFoundError, ValueError):
                if not self.asking.interactive:
                    raise ConfigError(
                        f"--timezone {zone!r} is not a time zone; use an IANA name such as Europe/Berlin"
                    ) from None
                self.asking.say("  use an IANA name such as Europe/Berlin or UTC")
                zone = None

    def _write(self, plan: ConfigPlan, bot: str | None) -> None:
        kept = kept_variables(self.env_path, list(plan.variables))
        write_file(self.config_path, toml_text(plan, self.now.date()), mode=SHARED)
        env_written = bool(plan.variables or kept)
        if env_written:
            write_file(self.env_path, env_text(plan.variables, kept), mode=PRIVATE)
        load_settings(self.config_path, env_file=self.env_path)  # what was written reads back
        accounts = sum(len(instances) for instances in plan.connectors.values())
        say = self.asking.say
        say(f"\nWrote {self.config_path} ({accounts} helpdesk account{'s' if accounts != 1 else ''}, "
            f"{len(plan.teams)} team{'s' if len(plan.teams) != 1 else ''})"
            + (f" and {self.env_path} (mode 0600):" if env_written else "."))
        for name, value in plan.variables.items():
            say(f"  {name}={shown_url(value) if name == 'SLACK_API_URL' else mask(value)}")
        if kept:
            say(f"  and {len(kept)} other variable(s) kept from the previous {self.env_path}")
        channels = [t.channel for t in plan.teams] + [t.leads_channel for t in plan.teams if t.leads_channel]
        channels += [plan.leads_channel] if plan.leads_channel else []
        if bot and channels:
            say(f"Next: invite @{bot} to {', '.join(channels)} (/invite @{bot} in each),")
        say("then run `helpdesk-kpis config check` and `helpdesk-kpis sync`.")
