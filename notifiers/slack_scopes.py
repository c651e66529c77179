"""The bot token scopes the Slack app needs: the same list as the app manifests (``notifiers/manifests/``)
(``oauth_config.scopes.bot``; a test keeps the two equal), each with what needs it, so that
``config check`` can name what a missing scope breaks.

The other surfaces need no scope of their own (https://docs.slack.dev/reference/scopes and each
method's page): the Home tab (``app_home_opened``, ``views.publish``), modals (``views.open``,
``views.update``, ``views.push``) and interactivity (buttons, ``response_url``) ride on the bot
token; shortcuts, like slash commands, on ``commands``. Reading a digest's metadata for
"Explain this" uses ``channels:history`` / ``groups:history``, asked for already.
"""

from __future__ import annotations

#: scope -> what needs it. https://docs.slack.dev/reference/scopes
BOT_SCOPES: dict[str, str] = {
    "commands": "the /kpi command and the Support KPIs and Explain this shortcuts",
    "users:read": "/kpi: who is asking; config check: leads and admins exist",
    "users:read.email": "/kpi: Slack users matched to helpdesk agents by email",
    "usergroups:read": "/kpi and config check: leads and admins given as user groups",
    "chat:write": "posting digests and alerts",
    "channels:history": "digests: finding a digest already posted after a crash",
    "groups:history": "the same in private channels",
    "files:write": "the chart in each digest's thread",
    "im:write": "agent alerts to the team's leads and /kpi scorecard's trend chart, by direct message",
    "channels:read": "config check: the bot is a member of each configured channel",
    "groups:read": "config check: the same for private channels",
}
