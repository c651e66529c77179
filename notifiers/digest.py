"""The digest (daily, weekly or monthly): one message a lead reads in ten seconds, and its details
in the thread.

The message: header (team and day), the headline KPIs with n, band and change written out, the
threshold breaches, backlog by age, the newest low ratings with agent and ticket link (or, when
there are more than the list shows, the themes of their comments), and a plain-text fallback
that says the same in one sentence. The thread: one line per agent (or per team, in the leads'
digest) and the chart. Any team size fits Slack's limits (:mod:`notifiers.fitting`): long lists
are cut and end with "and N more" and the command that lists them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from kpis.catalogue import BACKLOG_AGES, KPIS, Kind
from kpis.format import DASH, change_text, value_text
from kpis.periods import TREND_PERIODS, Cadence, period_key
from kpis.results import Report, ScopeRow
from kpis.themes.report import CommentThemes
from notifiers.alert_rules import Reading, rule_text
from notifiers.backlog_grid import backlog_grid
from notifiers.blockkit import to_dicts, validate_message
from notifiers.digest_metadata import digest_action, digest_metadata
from notifiers.digest_themes import shows_themes, themes_text
from notifiers.fitting import MAX_HEADER, MAX_SECTION_TEXT, Lines, fit_blocks, fit_fallback, fit_lines, list_section
from notifiers.interactive.button_blocks import digest_buttons
from notifiers.kpi_blocks import compact_line, kpi_section, sample_text
from notifiers.mrkdwn import escape, link, shorten
from notifiers.report_command import report_command, row_command
from notifiers.when import day_text, days_text, span_text

DIGEST_EVENT = "kpi_digest_posted"
#: The per-agent (per-team) lines in the thread show these KPIs.
BREAKDOWN_KEYS = ("csat", "first_reply_time_median", "tickets_solved", "backlog")
#: At most this many rows in the thread; the rest are counted ("and 120 more agents").
MAX_BREAKDOWN_ROWS = 150
COMMENT_CHARS = 280
SUBJECT_CHARS = 70


@dataclass(frozen=True)
class Digest:
    """Everything one digest shows; built by the caller from engine reports only."""

    title: str  # "Billing", or "All teams"
    #: Identity in the sent log: "team:Billing" or "overall".
    scope: str
    day: date
    report: Report
    row: ScopeRow
    keys: Sequence[str]
    breaches: Sequence[Reading] = ()
    #: Rows listed in the thread: the team's agents, or every team for the leads' digest.
    breakdown: Sequence[ScopeRow] = ()
    breakdown_noun: str = "agents"
    low_rated_limit: int = 5
    min_sample: int = 10
    #: Themes of the window's low-rating comments (``None``: not looked for); see notifiers.digest_themes.
    themes: CommentThemes | None = None
    #: The team named in a ``/kpi comments`` hint; ``None`` for the leads' digest.
    team: str | None = None
    #: What drove each headline KPI that moved beyond noise (mrkdwn lines, names escaped).
    drivers: Sequence[str] = ()
    #: Thread breakdowns beside the per-agent lines: (dimension, rows), e.g. by channel and priority.
    facet_breakdowns: Sequence[tuple[str, Sequence[ScopeRow]]] = ()
    #: The leads' monthly "Outcomes" line (mrkdwn; notifiers.digest_outcomes), or ``None``.
    outcomes: str | None = None
    #: The leads' weekly "Quality" block (mrkdwn lines, names escaped); empty on other days and digests.
    quality: Sequence[str] = ()
    #: "daily", or "weekly" / "monthly": then ``report.window`` is the last full week or month.
    every: Cadence = "daily"

    @property
    def digest_id(self) -> str:
        """Unique per scope and period: a weekly digest never stands for the daily one of its Sunday."""
        period = self.day.isoformat() if self.every == "daily" else period_key(self.every, self.report.window)
        return f"{self.scope}:{period}"


def digest_message(digest: Digest) -> dict[str, Any]:
    """The ``chat.postMessage`` payload (without ``channel``), validated."""
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=_header(digest), emoji=True)),
        ContextBlock(elements=[MarkdownTextObject(text=_window_context(digest))]),
        *kpi_section(digest.row, digest.keys),
    ]
    if digest.drivers:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_drivers_text(digest.drivers))))
    if digest.team is not None:
        # Early in the message: the fitting may cut the end of a very long digest, never these.
        blocks.append(digest_buttons(digest_action(digest)))
    if digest.breaches:
        blocks += _breaches(digest)
    backlog = digest.row.metrics.get("backlog")
    if backlog is not None and backlog.splits.get("by_age"):
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_backlog_text(digest))))
    grid = backlog_grid(dict(digest.facet_breakdowns).get("priority", ()))
    if grid is not None:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=grid)))
    low = digest.row.metrics.get("low_rated")
    if low is not None and shows_themes(digest.themes, len(low.items), digest.low_rated_limit):
        text = themes_text(digest.themes, digest.report.window, MAX_SECTION_TEXT, digest.team)
        blocks += [DividerBlock(), SectionBlock(text=MarkdownTextObject(text=text))]
    elif low is not None and low.items and digest.low_rated_limit > 0:
        blocks += [DividerBlock(), *_low_rated(digest)]
    if digest.outcomes:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=digest.outcomes)))
    if digest.quality:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=shorten("\n".join(digest.quality),
                                                                        MAX_SECTION_TEXT))))
    chart = "a 14-day chart" if digest.every == "daily" else f"an {TREND_PERIODS}-{digest.every[:-2]} chart"
    footer = "Per-" + digest.breakdown_noun.rstrip("s") + f" lines and {chart} in the thread :thread:"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    full = row_command(digest.report.window, digest.row, digest.keys)
    payload = {
        "text": fallback_text(digest),
        "blocks": to_dicts(fit_blocks(blocks, full_answer=full)),
        "metadata": {"event_type": DIGEST_EVENT, "event_payload": digest_metadata(digest)},
        "unfurl_links": False,
        "unfurl_media": False,
    }
    validate_message(payload)
    return payload


def breakdown_message(digest: Digest) -> dict[str, Any] | None:
    """The thread reply listing each agent (or team); ``None`` when there is nobody to list."""
    rows = sorted(digest.breakdown, key=_busiest_first)
    if not rows:
        return None
    keys = [k for k in BREAKDOWN_KEYS if k in digest.row.metrics]
    noun = digest.breakdown_noun
    head = f"*By {noun.rstrip('s')}* · {len(rows)} {noun}, most tickets solved first · {span_text(digest.report.window)}\n"
    lines = [compact_line(row, keys) for row in rows[:MAX_BREAKDOWN_ROWS]]
    by = "agent" if noun == "agents" else "team"
    team = digest.row.name if digest.row.scope == "team" else None
    full = report_command(digest.report.window, by=by, team=team, keys=keys)
    parts = [Lines(lines, head=head, noun=f"more {noun}", total=len(rows))]
    # Each facet's lines (a few channels or priorities) beside the per-agent lines.
    parts += [Lines([compact_line(r, keys) for r in facet_rows], head=f"*By {facet}*\n", noun=f"more {facet} rows")
              for facet, facet_rows in digest.facet_breakdowns if facet_rows]
    blocks = fit_blocks(parts, full_answer=full)
    payload = {
        "text": fit_fallback(f"{escape(digest.title)}: {len(rows)} {noun} for {span_text(digest.report.window)}"),
        "blocks": to_dicts(blocks),
        "unfurl_links": False,
        "unfurl_media": False,
    }
    validate_message(payload)
    return payload


def fallback_text(digest: Digest) -> str:
    """One sentence with the headline numbers, for notifications and screen readers."""
    parts = []
    for key in digest.keys:
        metric = digest.row.metrics[key]
        if KPIS[key].kind is Kind.LIST:
            continue
        value = value_text(metric)
        extra = [s for s in (sample_text(metric) if metric.value is not None else "", _change_or_empty(metric)) if s]
        parts.append(f"{KPIS[key].label} {value}" + (f" ({', '.join(extra)})" if extra else ""))
    breaches = len(digest.breaches)
    tail = f"; {breaches} threshold breach{'es' if breaches != 1 else ''}" if breaches else ""
    text = f"{escape(digest.title)} KPIs for {span_text(digest.report.window)}: {'; '.join(parts)}{tail}."
    return fit_fallback(text)


def _change_or_empty(metric) -> str:  # noqa: ANN001
    change = change_text(metric)
    return "" if change == DASH else change


def _busiest_first(row: ScopeRow) -> tuple:
    solved = row.metrics.get("tickets_solved")
    return (-(solved.value or 0) if solved else 0, row.name.lower())


def _header(digest: Digest) -> str:
    if digest.every == "daily":
        prefix, suffix = ":bar_chart: ", f" KPIs · {day_text(digest.day)}"
    else:
        prefix, suffix = ":bar_chart: ", f" {digest.every} KPIs · {_period_text(digest.every, digest.report.window)}"
    return prefix + shorten(digest.title, MAX_HEADER - len(prefix) - len(suffix)) + suffix


def _period_text(every: Cadence, window) -> str:  # noqa: ANN001
    """"November 2026" for a month, "9–15 Nov 2026" for a week or any other span."""
    return f"{window.first_day:%B %Y}" if every == "monthly" else span_text(window)


def _window_context(digest: Digest) -> str:
    window, previous = digest.report.window, digest.report.previous_window
    if digest.every == "weekly":
        span = f"Week {window.first_day.isocalendar().week}, {span_text(window)}"
    elif digest.every == "monthly":
        span = f"{_period_text('monthly', window)}"
    else:
        span = f"{days_text(window)}, {span_text(window)}"
    parts = [
        f"{span} ({escape(window.zone.key)})",
        f"compared with {_period_text(digest.every, previous)}",
        f"_italic_: n below {digest.min_sample}, too few to judge",
    ]
    return " · ".join(parts)


def _drivers_text(lines: Sequence[str]) -> str:
    return fit_lines([shorten(line, 400) for line in lines], MAX_SECTION_TEXT, head="*What moved*\n", noun="more")


def _breaches(digest: Digest) -> list[Block]:
    readings = digest.breaches
    count = len(readings)
    head = f":rotating_light: *{count} threshold breach{'es' if count != 1 else ''}*\n"
    lines = []
    for reading in readings:
        metric = reading.metric
        where = "" if reading.row.scope == "overall" else f" for {escape(reading.row.name)}"
        lines.append(
            f"• {escape(KPIS[metric.key].label)}{where} is {value_text(metric)} ({sample_text(metric) or 'no sample'}):"
            f" breaks {escape(rule_text(reading.rule))} over {reading.rule.window} (rule `{escape(reading.rule.id)}`)"
        )
    # The whole list is one command away in Slack.
    where = f" {digest.row.name}" if digest.row.scope == "team" else ""
    return list_section(
        [shorten(line, 400) for line in lines], head=head, noun="more breaches", full_answer=f"/kpi breaches{where}"
    )


def _backlog_text(digest: Digest) -> str:
    backlog = digest.row.metrics["backlog"]
    by_age = backlog.splits["by_age"]
    ages = " · ".join(f"{escape(age)}: {by_age.get(age, 0):,}" for age in BACKLOG_AGES)
    end = day_text(digest.day, weekday=False)
    return f"*Backlog by age* ({value_text(backlog)} open at the end of {end})\n{ages}"


def _low_rated(digest: Digest) -> list[Block]:
    items = digest.row.metrics["low_rated"].items
    head = f"*Newest low ratings* ({len(items)} in {span_text(digest.report.window)})\n"
    lines = [_low_rated_line(item, digest.report.window.zone) for item in items]
    full = row_command(digest.report.window, digest.row, as_json=True)
    return list_section(lines, head=head, noun="more low ratings", max_lines=digest.low_rated_limit, full_answer=full)


def _low_rated_line(item: dict[str, Any], zone: ZoneInfo) -> str:
    ticket = f"#{item.get('ticket_id')}" if item.get("ticket_id") else "ticket"
    subject = item.get("subject")
    label = f"{ticket} {shorten(subject, SUBJECT_CHARS)}" if subject else ticket
    agent = escape(item.get("agent") or "unassigned")
    when = _rated_day(item.get("rated_at"), zone)
    line = f"• {link(item.get('ticket_url'), label)} · {agent} · rated {escape(str(item.get('score_raw') or 'low'))}{when}"
    if item.get("reason"):
        line += f" · reason: {escape(shorten(str(item['reason']), 80))}"
    if item.get("comment"):
        line += f"\n> {escape(shorten(str(item['comment']), COMMENT_CHARS))}"
    return line


def _rated_day(rated_at: str | None, zone: ZoneInfo) -> str:
    if not rated_at:
        return ""
    try:
        return f" on {day_text(datetime.fromisoformat(rated_at).astimezone(zone).date(), weekday=False)}"
    except ValueError:
        return ""
