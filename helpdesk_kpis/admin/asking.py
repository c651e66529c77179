"""What every part of ``config init`` shares: the command line's answers, the variables it may
read, and how it talks to the person at the terminal (or, with ``--no-input``, never asks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from helpdesk_kpis.settings.variables import Variables
from kpis.check_result import CheckResult


@dataclass
class InitOptions:
    """What the command line gave; ``None`` where a flag was left out."""

    #: "<source>.<field>" -> value, from --<source>-<field> flags.
    given: dict[str, str] = field(default_factory=dict, repr=False)
    #: source -> instance name, from --<source>-instance.
    instance_names: dict[str, str] = field(default_factory=dict)
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    timezone: str | None = None
    leads_channel: str | None = None
    channel_prefix: str = "kpi-"
    teams: bool = True
    force: bool = False
    no_input: bool = False
    #: --save-unverified: keep what a failed check refused (scripts on a host that cannot reach
    #: the service yet), marked as unverified, instead of writing nothing.
    save_unverified: bool = False
    #: --admins: emails, @user-group handles or Slack ids, comma-separated.
    admins: str | None = None


@dataclass
class Asking:
    options: InitOptions
    console: Console
    #: The environment, ``*_FILE`` and the secrets directory; not the ``.env`` this run may replace.
    variables: Variables = field(default_factory=lambda: Variables.read(env_file=None))

    @property
    def interactive(self) -> bool:
        return not self.options.no_input

    def say(self, text: str) -> None:
        self.console.print(text, highlight=False, markup=False)

    def heading(self, text: str) -> None:
        self.console.print(f"\n[bold]{escape(text)}[/]", highlight=False)

    def after_refusal(self, what: str, *, can_save: bool = True) -> str:
        """What to do once ``what`` failed its check: ``again``, ``skip`` or ``save`` (unverified).

        Asked at a terminal; a script gets ``save`` with --save-unverified, else ``fail``."""
        if not self.interactive:
            return "save" if self.options.save_unverified and can_save else "fail"
        choices = {"r": "again", "s": "skip", **({"u": "save"} if can_save else {})}
        words = "[r]e-enter, [s]kip " + what + (", or save it [u]nverified" if can_save else "")
        while True:
            answer = typer.prompt(f"{words}?", default="r").strip().lower()[:1]
            if answer in choices:
                return choices[answer]
            self.say(f"  one of: {', '.join(choices)}")

    def give_up(self) -> NoReturn:
        self.say("Nothing written.")
        raise typer.Exit(1)


def refusal(result: CheckResult) -> str:
    """The one line a script sees for a credential that failed its check."""
    fix = f"; {result.fix}" if result.fix else ""
    return f"{result.name}: {result.detail}{fix}; nothing written"
