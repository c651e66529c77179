"""The `/kpi` vocabulary: the words the grammar knows, Slack's token shapes, and the help text.

Slack sends mentions as ``<@U123|name>`` and e-mail links as ``<mailto:a@b|a@b>`` when the command
escapes them: https://docs.slack.dev/interactivity/implementing-slash-commands#escaping
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kpis.catalogue import KPIS

HELP_WORDS = frozenset({"help", "?", "-h", "--help", "usage"})
TEAM_WORDS = frozenset({"team"})
AGENT_WORDS = frozenset({"agent", "user", "person"})
ME_WORDS = frozenset({"me", "mine", "my", "myself"})
ALL_WORDS = frozenset({"all", "everyone", "overall", "everything"})
FILLER = frozenset({"for", "in", "of", "the", "over", "during", "kpi", "kpis", "show", "and", "please"})
PUBLIC_WORDS = frozenset({"public", "share", "post"})
SCORECARD_WORDS = frozenset({"scorecard", "scorecards", "quality"})
NAMED_PERIODS = {
    "today": "today",
    "yesterday": "yesterday",
    "this-week": "this-week",
    "thisweek": "this-week",
    "week": "this-week",
    "last-week": "last-week",
    "lastweek": "last-week",
    "this-month": "this-month",
    "thismonth": "this-month",
    "month": "this-month",
    "last-month": "last-month",
    "lastmonth": "last-month",
}
DAYS = re.compile(r"^(\d{1,4})d$")
RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.\.?(\d{4}-\d{2}-\d{2})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
MAILTO = re.compile(r"^<mailto:([^|>]+)(?:\|[^>]*)?>$")
# Escaped Slack tokens (<@U1|ann lee>) stay one word even when their label has spaces.
TOKEN = re.compile(r"<[^>]*>|\S+")


def known_words(team_names: Sequence[str]) -> list[str]:
    words = {
        "teams",
        "breaches",
        "why",
        "scorecard",
        "team",
        "agent",
        "me",
        "all",
        "public",
        "help",
        "today",
        "yesterday",
        "this week",
        "last week",
        "this month",
        "last month",
        "7d",
        "30d",
        "90d",
    }
    for spec in KPIS.values():
        words.add(spec.key)
        words.update(spec.aliases)
    words.update(name.lower() for name in team_names)
    return sorted(words)


HELP = """\
*`/kpi`: support KPIs where you ask*
`/kpi` — your team's headline KPIs for the last 7 days
`/kpi team billing` — a team (any case; `/kpi teams` lists them)
`/kpi agent @ann` — one agent (team leads and admins), `/kpi me` — your own numbers
`/kpi all` — every team side by side
*KPIs:* add one or more keys or aliases: `csat`, `frt` (first reply), `fcr`, `backlog`, `sla`, \
`resolution-time`, `reopens`, `nps`, `ces`, `css`... (default: the headline set)
*Periods:* `today`, `yesterday`, `7d`, `30d` (any `Nd` up to 366), `this week`, `last week`, \
`this month`, `last month`, `2026-11-01..2026-11-15` (both days included); default `7d`
`/kpi low-csat [team]` — newest low ratings with comments and ticket links
`/kpi comments [team|all] [period] [low]` — what the rating comments say, as themes; \
`/kpi comments "refund"` — one theme's comments, newest first (`page 2`...)
`/kpi scorecard [@agent|me|team]` — agent quality scorecards with their trend (the agent, their leads, admins)
`/kpi breaches` — KPIs past their alert thresholds now
`/kpi why csat [team|all] [period]` — what drove the change; add `by channel` (or `team`, `agent`, `priority`, `tag`)
`/kpi csat by channel` — the KPIs per channel, priority, tag, agent or team
`/kpi teams` — the teams you can ask about
Add `public` to post the answer in the channel (team numbers only); otherwise only you see it.
Example: `/kpi team billing csat frt 30d public`"""
