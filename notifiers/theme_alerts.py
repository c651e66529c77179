"""The ``theme_rising`` alert rule: a comment theme whose count at least doubled against the window
before, with at least ``min_sample`` comments, is announced once per theme and week. Pure: themes
in, alerts (with their outbox entries) out.

"Once" is kept by the sent log: an announcement is keyed by (rule, team, theme label) and the
Monday of the week of the evaluation (local day); a key already logged is never queued again, so a rule read
after every sync posts a rising theme the first time it is seen that week and then stays quiet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from kpis.store.sent_log import PENDING, SentMessage, fit_scope
from kpis.themes.report import ThemeSummary
from kpis.windows import Window
from notifiers.blockkit import to_dicts, validate_message
from notifiers.delivery import ALERT_KIND
from notifiers.digest_themes import change_words
from notifiers.mrkdwn import escape, link, shorten
from notifiers.when import days_text, span_text

THEME_RISING = "theme_rising"
DEFAULT_MIN_SAMPLE = 10
EXAMPLES = 3


@dataclass(frozen=True)
class ThemeRule:
    id: str
    #: overall | team | every-team
    scope: str = "overall"
    team: str | None = None
    window: str = "7d"
    min_sample: int = DEFAULT_MIN_SAMPLE
    low_only: bool = False


@dataclass(frozen=True)
class ThemeAlert:
    rule: ThemeRule
    #: The team whose comments rose; ``None`` for everyone's.
    team: str | None
    theme: ThemeSummary
    channel: str
    message: dict[str, Any]
    alert_id: str
    #: The Monday of the week the theme rose in (the sent log's date).
    week: date

    def outbox_entry(self) -> SentMessage:
        return SentMessage(ALERT_KIND, fit_scope(self.alert_id), self.week.isoformat(), status=PENDING,
                           channel=self.channel,
                           detail={"payload": self.message, "alert_id": self.alert_id, "thread_of": None,
                                   "label": self.message["text"][:120]})


def is_rising(theme: ThemeSummary, min_sample: int) -> bool:
    """At least doubled (a theme new this window counts) and at least ``min_sample`` comments."""
    return theme.count >= min_sample and theme.count >= 2 * theme.previous_count


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def alert_id_of(rule: ThemeRule, team: str | None, theme: ThemeSummary) -> str:
    return f"{rule.id}|{team or 'overall'}|{theme.language}|{theme.label}"


def alert_key(rule: ThemeRule, team: str | None, theme: ThemeSummary, day: date) -> tuple[str, str, str]:
    """The sent-log key of this theme's announcement in the week of ``day``."""
    return ALERT_KIND, fit_scope(alert_id_of(rule, team, theme)), week_of(day).isoformat()


def theme_alert(rule: ThemeRule, team: str | None, theme: ThemeSummary, window: Window, *, today: date,
                channel: str, mention: str | None = None) -> ThemeAlert:
    """The announcement of ``theme``, found in ``window`` on ``today`` (local day of the evaluation)."""
    alert_id = alert_id_of(rule, team, theme)
    message = theme_message(rule, team, theme, window, alert_id, mention)
    return ThemeAlert(rule, team, theme, channel, message, alert_id, week_of(today))


def theme_message(rule: ThemeRule, team: str | None, theme: ThemeSummary, window: Window, alert_id: str,
                  mention: str | None = None) -> dict[str, Any]:
    who = f" for {escape(team)}" if team else ""
    which = "low-rating comments" if rule.low_only else "comments"
    change = change_words(theme.count, theme.previous_count)
    headline = f":chart_with_upwards_trend: *Comment theme rising{who}: “{escape(shorten(theme.label, 80))}”*"
    if mention:
        headline = f"{mention} {headline}"
    body = (f"{headline}\n*{theme.count:,}* {which} over {days_text(window)}, {span_text(window)}, {change} "
            f"the {window.days} days before · {theme.low_rated:,} low-rated · CSAT {theme.csat:.0f}%")
    examples = [f"• {link(c.url, f'#{c.ticket_id}' if c.ticket_id else 'a ticket')}: “{escape(shorten(c.text, 140))}”"
                for c in theme.comments[:EXAMPLES]]
    blocks = [SectionBlock(text=MarkdownTextObject(text=body))]
    if examples:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="*Newest comments*\n" + "\n".join(examples))))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(
        text=f"Rule `{escape(rule.id)}`: a theme at least doubled, with {rule.min_sample} comments or more, "
             f"over {escape(rule.window)} · posted once per theme and week")]))
    fallback = f"Comment theme rising{' for ' + team if team else ''}: {theme.label}: {theme.count}, {change}."
    payload = {
        "text": shorten(fallback, 2900), "blocks": to_dicts(blocks),
        "metadata": {"event_type": "kpi_theme_alert_posted", "event_payload": {"alert_id": alert_id, "schema": 1}},
        "unfurl_links": False, "unfurl_media": False,
    }
    validate_message(payload)
    return payload
