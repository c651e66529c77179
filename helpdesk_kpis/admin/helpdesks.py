"""The helpdesk part of ``config init``, the same for every connector: a connector takes part by
listing its :class:`~connectors.registry.SetupField` values in its spec. Each account's fields
are asked (secrets with hidden input) or taken from flags and variables, the connector is built
and its ``check()`` run live, and on a refused credential the fields are asked again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import typer

from connectors import registry
from connectors.base import Connector
from connectors.registry import ConnectorSpec, SetupField
from helpdesk_kpis import redaction
from helpdesk_kpis.admin.asking import Asking, refusal
from helpdesk_kpis.admin.check import print_results
from helpdesk_kpis.admin.show import mask
from kpis.check_result import CheckResult, shown_url
from kpis.errors import ConfigError, CredentialError, HelpdeskKpisError
from kpis.records import Team

_INSTANCE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass
class Account:
    spec: ConnectorSpec
    instance: str
    values: dict[str, Any] = field(repr=False)
    connector: Connector
    #: Why its check failed, when the admin saved it unverified; ``None``: verified.
    unverified: str | None = None

    @property
    def settings(self) -> dict[str, Any]:
        """What goes to the TOML section: every value but the secrets."""
        return {k: v for k, v in self.values.items() if k not in self.spec.secret_fields}

    @property
    def secrets(self) -> dict[str, str]:
        return {k: v for k, v in self.values.items() if k in self.spec.secret_fields}


class HelpdeskSetup:
    def __init__(self, asking: Asking) -> None:
        self.asking = asking
        self.options = asking.options
        #: (source, instance) of the accounts set up so far: names are unique within a helpdesk,
        #: as records are keyed by both (intercom:default and helpscout:default are two accounts).
        self._names: set[tuple[str, str]] = set()

    def accounts(self) -> Iterator[Account]:
        """The accounts given by flags or variables, then (asked) any more."""
        specs = [spec for spec in registry.specs() if spec.setup]
        given = [spec for spec in specs if self._given_values(spec)]
        if not self.asking.interactive:
            if not given:
                raise ConfigError(
                    "config init --no-input: name a helpdesk account, e.g. --zendesk-subdomain acme --zendesk-email "
                    "admin@acme.com with ZENDESK_API_TOKEN in the environment (see --help)"
                )
            for spec in given:
                account = self._account(spec, self._given_values(spec))
                if account is not None:
                    yield account
            return
        last = None
        for spec in given or [self._choose(specs)]:
            last = spec
            account = self._account(spec, self._given_values(spec))
            if account is not None:
                yield account
        while typer.confirm("Add another helpdesk account?", default=False):
            # A second account is most often another one of the same helpdesk.
            last = self._choose(specs, default=last)
            account = self._account(last, {})
            if account is not None:
                yield account

    def teams(self, account: Account, now: datetime) -> list[Team]:
        """The account's teams (its ``teams`` stream), for a channel each; none when it cannot say."""
        if not self.options.teams:
            return []
        try:
            found = account.connector.discover_teams(now)
        except HelpdeskKpisError as error:
            self.asking.say(f"  could not list the teams ({error}); add [[teams]] later")
            return []
        self.asking.say(f"  {len(found)} team{'s' if len(found) != 1 else ''} found")
        return found

    def _choose(self, specs: list[ConnectorSpec], default: ConnectorSpec | None = None) -> ConnectorSpec:
        if len(specs) == 1:
            return specs[0]
        sources = [spec.source for spec in specs]
        first = default.source if default else "zendesk" if "zendesk" in sources else sources[0]
        while True:
            chosen = typer.prompt(f"Helpdesk ({', '.join(sources)})", default=first).strip().lower()
            if chosen in sources:
                return registry.spec_for(chosen)
            self.asking.say(f"  one of: {', '.join(sources)}")

    def _given_values(self, spec: ConnectorSpec) -> dict[str, str]:
        """Values from --<source>-<field> flags, else from the field's variable (ZENDESK_API_TOKEN)."""
        values: dict[str, str] = {}
        for setup in spec.setup:
            value = self.options.given.get(f"{spec.source}.{setup.name}")
            if value is None and spec.env_prefix:
                value = self.asking.variables.get(f"{spec.env_prefix}_{setup.name.upper()}")
            if value:
                values[setup.name] = value
        # A flag or variable holding the vendor's own URL of the account (--zendesk-url
        # https://acme.zendesk.com) names the account, as the same answer at the prompt does.
        for setup in spec.setup:
            if setup.read is None:
                continue
            if setup.name in values:
                values.update(setup.read(values.pop(setup.name)))
            elif "url" in setup.unless and "url" in values:
                values.update(setup.read(values.pop("url")))
        return values

    def _account(self, spec: ConnectorSpec, values: dict[str, str]) -> Account | None:
        """The account, checked live; on a failed check the admin re-enters it, skips it (``None``)
        or saves it unverified (only when its settings are whole: a check, not a typo, failed)."""
        self.asking.heading(spec.name)
        name = self.options.instance_names.get(spec.source) if values else None
        values = self._ask(spec, values)
        while True:
            instance = name or self._instance_name(spec, values)
            results, connector = self._try(spec, instance, values)
            failed = [r for r in results if r.failed]
            if connector is not None and not failed:
                self._names.add((spec.source, instance))
                return Account(spec, instance, values, connector)
            choice = self.asking.after_refusal(f"this {spec.name} account", can_save=connector is not None)
            if choice == "fail":
                raise CredentialError(refusal(failed[0]))
            if choice == "skip":
                self.asking.say(f"  {spec.name} {instance} skipped: nothing of it is written")
                return None
            if choice == "save" and connector is not None:
                self._names.add((spec.source, instance))
                self.asking.say(f"  {spec.name} {instance} saved unverified: `helpdesk-kpis config check` retries it")
                return Account(spec, instance, values, connector, unverified=failed[0].detail)
            kept = {k: v for k, v in values.items() if k not in spec.secret_fields}
            values = self._ask(spec, kept, again=True)

    def _ask(self, spec: ConnectorSpec, values: dict[str, str], *, again: bool = False) -> dict[str, str]:
        """Ask what is missing; ``again``: ask every field afresh, non-secret answers as defaults."""
        values = dict(values)
        for setup in spec.setup:
            secret = setup.name in spec.secret_fields
            if setup.name in values and not again:
                shown = mask(values[setup.name]) if secret else shown_url(values[setup.name])
                self.asking.say(f"  {setup.prompt or setup.help}: {shown}")
                continue
            if not self.asking.interactive or setup.prompt is None:
                continue
            if not again and any(values.get(other) for other in setup.unless):
                continue
            current = values.get(setup.name)
            if current is None and setup.read is not None:
                current = next((values[other] for other in setup.unless if values.get(other)), None)
            answer = _prompt(setup, secret, default=None if secret else current)
            if setup.read is not None:
                for other in setup.unless:
                    values.pop(other, None)
            values.pop(setup.name, None)
            if answer:
                values.update(setup.read(answer) if setup.read is not None else {setup.name: answer})
        return values

    def _instance_name(self, spec: ConnectorSpec, values: dict[str, str]) -> str:
        derived = (spec.default_instance(values) if spec.default_instance else None) or spec.source
        if (spec.source, derived) not in self._names and _INSTANCE_NAME.match(derived):
            return derived
        while True:
            name = typer.prompt("A name for this account (letters, digits, dashes)", default=f"{derived}-2")
            name = name.strip().lower()
            if _INSTANCE_NAME.match(name) and (spec.source, name) not in self._names:
                return name
            self.asking.say("  use lower-case letters, digits and dashes, a name not used yet")

    def _try(
        self, spec: ConnectorSpec, instance: str, values: dict[str, str]
    ) -> tuple[list[CheckResult], Connector | None]:
        redaction.protect([v for k, v in values.items() if k in spec.secret_fields], values.values())
        settings_values: dict[str, Any] = dict(values)
        if spec.env_prefix and "env_prefix" in spec.settings_model.model_fields:
            settings_values["env_prefix"] = f"{spec.env_prefix}_"  # messages name the variables init reads
        try:
            connector = registry.build(spec.source, instance, settings_values)
        except HelpdeskKpisError as error:
            result = CheckResult(f"{spec.source}:{instance}", False, str(error))
            print_results([result], self.asking.console)
            return [result], None
        self.asking.say(f"  checking {spec.name} {instance}...")
        results = connector.check()
        print_results(results, self.asking.console)
        return results, connector


def _prompt(setup: SetupField, secret: bool, default: str | None) -> str:
    if secret:
        return typer.prompt(setup.prompt, hide_input=True, default="" if setup.optional else None,
                            show_default=False).strip()
    fallback = default if default is not None else ("" if setup.optional else None)
    return typer.prompt(setup.prompt, default=fallback, show_default=bool(default)).strip()
