"""The Slack part of ``config init``: the bot token proved with ``auth.test`` (and its scopes
shown), the signing secret, the app-level token for Socket Mode proved with
``apps.connections.open``, a channel per helpdesk team and the leads' channel."""

from __future__ import annotations

import re

import typer

from helpdesk_kpis import redaction
from helpdesk_kpis.admin.asking import Asking, refusal
from helpdesk_kpis.admin.check import print_results
from helpdesk_kpis.admin.files import ConfigPlan, TeamPlan
from helpdesk_kpis.admin.show import mask
from kpis.directory import name_key, scoped_id
from kpis.errors import ConfigError, CredentialError
from kpis.records import Team
from notifiers.slack_client import make_client
from notifiers.slack_verify import SIGNING_SECRET_FIX, check_app_token, check_token, looks_like_signing_secret

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


class SlackSetup:
    def __init__(self, asking: Asking) -> None:
        self.asking = asking
        self.options = asking.options
        #: The bot's Web API client once its token passed its check; ``None`` before or without.
        self.client = None

    def credentials(self, plan: ConfigPlan) -> str | None:
        """Ask for, and prove, the bot token; put the Slack variables in the plan; the bot's name."""
        self.asking.heading("Slack")
        options, variables = self.options, self.asking.variables
        api_url = options.slack_api_url or variables.get("SLACK_API_URL")
        token = options.slack_bot_token or variables.get("SLACK_BOT_TOKEN")
        if token:
            self.asking.say(f"  bot token: {mask(token)}")
        elif self.asking.interactive:
            token = typer.prompt("Slack bot token (xoxb-...; blank to skip Slack for now)", default="",
                                 hide_input=True, show_default=False).strip()
        if not token:
            self.asking.say("  Slack skipped: digests and alerts need SLACK_BOT_TOKEN (docs/slack.md)")
            return None
        while True:
            redaction.protect([token], [api_url])
            client = make_client(token, api_url, retry_faults=False)
            results, bot = check_token(client)
            print_results(results, self.asking.console)
            if bot is not None:
                self.client = client  # leads and admins are looked up with it
                break
            choice = self.asking.after_refusal("Slack")
            if choice == "fail":
                raise CredentialError(refusal(results[0]))
            if choice == "skip":
                self.asking.say("  Slack skipped: digests and alerts need SLACK_BOT_TOKEN (docs/slack.md)")
                return None
            if choice == "save":
                plan.slack_unverified = results[0].detail
                self.asking.say("  Slack saved unverified: `helpdesk-kpis config check` retries it")
                break
            token = typer.prompt("Slack bot token (xoxb-...)", hide_input=True).strip()
        if bot is not None and any(r.failed for r in results):
            self.asking.say("  config check fails until the app has these scopes; the token itself works")
        plan.variables["SLACK_BOT_TOKEN"] = token
        if api_url:
            plan.variables["SLACK_API_URL"] = api_url
        secret = self._signing_secret()
        if secret:
            plan.variables["SLACK_SIGNING_SECRET"] = secret
        app_token = self._app_token(make_client(token, api_url, retry_faults=False), check=bot is not None)
        if app_token:
            plan.variables["SLACK_APP_TOKEN"] = app_token
            plan.socket_mode = True
        return bot.user if bot is not None else None

    def _app_token(self, client, *, check: bool = True) -> str | None:  # noqa: ANN001 - a WebClient
        """The app-level token, for /kpi over Socket Mode where no public address can reach us.
        ``check``: False when Slack itself was saved unverified (it cannot be reached to check)."""
        token = self.options.slack_app_token or self.asking.variables.get("SLACK_APP_TOKEN")
        while True:
            if not token and self.asking.interactive:
                token = typer.prompt("Slack app-level token for Socket Mode (xapp-...; blank for /kpi over HTTP)",
                                     default="", hide_input=True, show_default=False).strip()
            if not token:
                return None
            redaction.protect([token])
            if not check:
                return token
            result = check_app_token(client, token)
            print_results([result], self.asking.console)
            if result.ok:
                return token
            if not self.asking.interactive:
                raise CredentialError(refusal(result))
            if not typer.confirm("Enter it again? (no: /kpi over HTTP)", default=True):
                return None
            token = None

    def _signing_secret(self) -> str | None:
        secret = self.options.slack_signing_secret or self.asking.variables.get("SLACK_SIGNING_SECRET")
        while True:
            if not secret and self.asking.interactive:
                secret = typer.prompt("Slack signing secret (for /kpi; blank to skip)", default="", hide_input=True,
                                      show_default=False).strip()
            redaction.protect([secret])
            if not secret or looks_like_signing_secret(secret):
                return secret or None
            if not self.asking.interactive:
                raise ConfigError(f"the Slack signing secret is not 32 hexadecimal characters: {SIGNING_SECRET_FIX}")
            self.asking.say(f"  not 32 hexadecimal characters: {SIGNING_SECRET_FIX}")
            secret = None

    def channels(self, teams: list[Team]) -> list[TeamPlan]:
        """A ``[[teams]]`` entry per helpdesk team (same-named teams of several accounts as one),
        each with the proposed ``#<prefix><team>`` channel or the one given instead."""
        merged: dict[str, TeamPlan] = {}
        for team in sorted(teams, key=lambda t: (name_key(t.name), t.source, t.instance, t.id)):
            key = name_key(team.name)
            proposed = f"#{self.options.channel_prefix}{slug(team.name)}"
            plan = merged.setdefault(key, TeamPlan(team.name.strip(), proposed))
            plan.sources.append(scoped_id(team.source, team.instance, team.id))
        if not merged:
            return []
        self.asking.heading("Teams (a digest per team, in its own channel)")
        chosen: list[TeamPlan] = []
        for plan in merged.values():
            if not self.asking.interactive:
                self.asking.say(f"  {plan.name}: {plan.channel}")
            else:
                question = f"Channel for {plan.name} ('-' to leave the team out)"
                answer = typer.prompt(question, default=plan.channel).strip()
                if answer == "-":
                    continue
                plan.channel = channel_name(answer)
            chosen.append(plan)
        return chosen

    def leads_channel(self) -> str | None:
        channel = self.options.leads_channel
        if channel is None and self.asking.interactive:
            channel = typer.prompt("Channel for the leads' overall digest (blank for none)", default="",
                                   show_default=False).strip()
        return channel or None


def channel_name(answer: str) -> str:
    """A channel as the admin typed it: an id (C...) or a #name, the # added when left out."""
    return answer if answer.startswith("#") or _CHANNEL_ID.match(answer) else f"#{answer}"


def slug(name: str) -> str:
    """A Slack channel name from a team name: lower case, dashes, short (Slack allows 80 characters)."""
    text = re.sub(r"[^a-z0-9_-]+", "-", name.strip().lower()).strip("-")
    return re.sub(r"-{2,}", "-", text)[:60] or "team"
