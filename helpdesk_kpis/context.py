"""What one CLI invocation holds: its settings, read once and lazily, and the store opened from them.

Lazily, so that `demo` (which needs no configuration at all) never trips over a broken one. The
store, Slack and the connectors are imported only by the method that makes them, so that a command
needing none of them (``config show``) does not pay for SQLAlchemy, Slack's SDK or any HTTP stack.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpdesk_kpis import redaction
from kpis.errors import ConfigError

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from connectors.base import Connector
    from helpdesk_kpis.settings.models import Settings
    from kpis.engine import KpiConfig
    from kpis.scorecard import ScorecardConfig
    from kpis.store import Store
    from notifiers.delivery import SlackDelivery


def _to_stderr(line: str) -> None:
    sys.stderr.write(line + "\n")


@dataclass
class AppContext:
    config_path: Path | None = None
    #: Where one-line warnings go (an ``.env`` readable by others): stderr by default.
    warn: Callable[[str], None] = field(default=_to_stderr, repr=False)
    _settings: Settings | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)
    _existing_store_only: bool = field(default=False, repr=False)

    def settings(self) -> Settings:
        if self._settings is None:
            from helpdesk_kpis.settings.models import load_settings

            self._settings = load_settings(self.config_path)
            secrets, urls = self._settings.secrets_and_urls()
            redaction.protect(secrets, urls)
            for line in self._settings.warnings:
                self.warn(line)
        return self._settings

    def reads_only(self) -> None:
        """This command only reads: when it opens the store, refuse to create one that is not there
        (an empty new store would only hide a wrong DATABASE_URL). Usage errors still come first."""
        self._existing_store_only = True

    def store(self) -> Store:
        if self._store is None:
            from kpis.store import Store

            url = self.settings().env.database_url.get_secret_value()
            self._store = Store.open(url, existing=self._existing_store_only)
        return self._store

    def kpi_config(self) -> KpiConfig:
        from kpis.engine import KpiConfig

        config = self.settings().config
        return KpiConfig(
            min_sample=config.reporting.min_sample,
            sla_minutes={priority: hours * 60 for priority, hours in config.sla.first_reply_hours.items()},
            default_sla_minutes=config.sla.default_first_reply_hours * 60,
            success_weights=dict(config.kpis.success_weights),
            lifetime_months=config.kpis.clv_lifetime_months,
        )

    def scorecard_config(self) -> ScorecardConfig:
        config = self.settings().config
        return config.scorecard.scorecard_config(config.reporting.min_sample)

    def slack_client(self) -> WebClient:
        """The Slack Web API client; posting without SLACK_BOT_TOKEN is a configuration error."""
        from notifiers.slack_client import make_client

        env = self.settings().env
        if env.slack_bot_token is None or not env.slack_bot_token.get_secret_value().strip():
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: put the app's Bot User OAuth Token (xoxb-...) in the environment or .env "
                "(docs/slack.md), or use --dry-run"
            )
        return make_client(env.slack_bot_token.get_secret_value(), env.slack_api_url)

    def slack_delivery(self, clock: Callable[[], datetime]) -> SlackDelivery:
        from kpis.store.sent_log import DeliveryLog
        from notifiers.delivery import SlackDelivery

        failover = self.settings().config.schedule.failover_seconds
        return SlackDelivery(self.slack_client(), DeliveryLog(self.store(), failover_seconds=failover), clock=clock)

    def connectors(
        self, only: str | None = None, *, overrides: dict[str, dict[str, Any]] | None = None
    ) -> list[Connector]:
        """The configured connector instances (``only``: a source, an instance or source:instance);
        ``overrides``: settings the command line gives every instance of a source."""
        from connectors import registry

        sections = self.settings().connector_sections()
        for source, _instance, _values in sections:
            registry.spec_for(source)  # an unknown source in the TOML file is a config error
        if only is not None:
            if ":" not in only and only not in {s for s, _, _ in sections} | {i for _, i, _ in sections}:
                registry.spec_for(only)  # names the known connectors when the name is unknown
            sections = [s for s in sections if only in (s[0], s[1], f"{s[0]}:{s[1]}")]
            if not sections:
                raise ConfigError(
                    f"no configured connector matches {only!r}; add a [connectors.{only.split(':')[0]}.<instance>] "
                    f"section to {self.settings().config_path}"
                )
        if not sections:
            raise ConfigError(
                f"no connector is configured; add a [connectors.<source>.<instance>] section to "
                f"{self.settings().config_path} (see docs/configuration.md), or try `helpdesk-kpis demo`"
            )
        extra = overrides or {}
        return [
            registry.build(source, instance, {**values, **extra.get(source, {})})
            for source, instance, values in sections
        ]
