"""Alert messages: what crossed what, since when, the value with its n and interval, and the
low-rated tickets behind a satisfaction breach."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from kpis.catalogue import KPIS, Kind
from kpis.format import value_text
from kpis.results import MetricValue
from kpis.windows import Window
from notifiers.alert_rules import BREACH, Transition, rule_text, threshold_text
from notifiers.blockkit import to_dicts, validate_message
from notifiers.fitting import fit_blocks, fit_fallback, list_section
from notifiers.interactive.action_ids import AlertAction
from notifiers.interactive.button_blocks import alert_buttons
from notifiers.kpi_blocks import change_sentence, sample_text
from notifiers.mrkdwn import escape, link, shorten
from notifiers.report_command import row_command
from notifiers.when import days_text, duration_text, moment_text, span_text

ALERT_EVENT = "kpi_alert_posted"
LOW_RATED_LINKS = 5

_CROSSED = {"<": "is below", "<=": "is at or below", ">": "is above", ">=": "is at or above"}
_CLEARED = {"<": "is no longer below", "<=": "is back above", ">": "is no longer above", ">=": "is back below"}


def alert_message(
    transition: Transition, window: Window, zone: ZoneInfo, *, alert_id: str, mention: str | None = None
) -> dict[str, Any]:
    """The ``chat.postMessage`` payload (without ``channel``) announcing ``transition``, validated.

    ``mention``: Slack markup put in front of a breach (``<!here>``, ``<@U123>``, ``<!subteam^S1>``).
    """
    reading = transition.reading
    rule, metric = reading.rule, reading.metric
    subject = _subject(reading.row.scope, reading.row.name, reading.row.team, metric.key)
    threshold = threshold_text(rule.kpi, rule.threshold)
    if transition.kind == BREACH:
        headline = f":rotating_light: *{subject} {_CROSSED[rule.operator]} {threshold}*"
        if mention:
            headline = f"{mention} {headline}"
        timing = f"Breached since {moment_text(transition.at, zone)}."
        if rule.hysteresis:
            healthy = rule.threshold + (rule.hysteresis if rule.lower_bound else -rule.hysteresis)
            side = "or above" if rule.lower_bound else "or below"
            timing += f" It counts as recovered at {threshold_text(rule.kpi, healthy)} {side}."
        fallback = f"{subject} {_CROSSED[rule.operator]} {threshold}: {_value_and_sample(metric)} over {span_text(window)}."
    else:
        headline = f":white_check_mark: *Recovered: {subject} {_CLEARED[rule.operator]} {threshold}*"
        since = transition.breached_since
        timing = (
            f"Breached from {moment_text(since, zone)} to {moment_text(transition.at, zone)}"
            f" ({duration_text(transition.at - since)})."
            if since is not None
            else f"Recovered at {moment_text(transition.at, zone)}."
        )
        fallback = (
            f"Recovered: {subject} {_CLEARED[rule.operator]} {threshold}: {_value_and_sample(metric)}"
            f" over {span_text(window)}."
        )
    body = (
        f"{headline}\n*{escape(value_text(metric))}* ({_sample_and_interval(metric)})"
        f" over {days_text(window)}, {span_text(window)} ({escape(zone.key)}) · {change_sentence(metric)}\n{timing}"
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=body))]
    low = reading.row.metrics.get("low_rated")
    full = row_command(window, reading.row, as_json=True)
    if KPIS[rule.kpi].explained_by_low_ratings and low is not None and low.items:
        blocks += _low_rated_links(low.items, window, full)
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Rule `{escape(rule.id)}`: {escape(rule_text(rule))} over {escape(rule.window)}"
                    f" · {_sample_rule(rule.min_sample)}"
                )
            ]
        )
    )
    if transition.kind == BREACH:  # an alert is a few short blocks: the fitting never cuts its end
        blocks.append(alert_buttons(alert_action(transition, window, alert_id)))
    payload = {
        "text": fit_fallback(fallback),
        "blocks": to_dicts(fit_blocks(blocks, full_answer=full)),
        "metadata": {"event_type": ALERT_EVENT, "event_payload": {"alert_id": alert_id, "schema": 1}},
        "unfurl_links": False,
        "unfurl_media": False,
    }
    validate_message(payload)
    return payload


def alert_action(transition: Transition, window: Window, alert_id: str) -> AlertAction:
    """What the buttons of the alert announcing ``transition`` act on."""
    reading = transition.reading
    row = reading.row
    team = row.name if row.scope == "team" else row.team if row.scope == "agent" else None
    return AlertAction(alert_id=alert_id, rule_id=reading.rule.id, scope=reading.scope, kpi=reading.metric.key,
                       team=team, agent=row.id if row.scope == "agent" else None, first=window.first_day,
                       last=window.end_day - timedelta(days=1))


def _sample_rule(min_sample: int | None) -> str:
    if min_sample is None:
        return "a KPI with too few samples never alerts"
    return f"n below {min_sample} never alerts"


def _subject(scope: str, name: str, team: str | None, key: str) -> str:
    label = escape(KPIS[key].label)
    if scope == "overall":
        return f"{label} overall"
    if scope == "agent":
        return f"{label} for {escape(name)}" + (f" ({escape(team)})" if team else "")
    return f"{label} for {escape(name)}"


def _value_and_sample(metric: MetricValue) -> str:
    sample = sample_text(metric)
    return value_text(metric) + (f" ({sample})" if sample else "")


def _sample_and_interval(metric: MetricValue) -> str:
    parts = [sample_text(metric)] if metric.n is not None else []
    if KPIS[metric.key].kind is Kind.RATE and metric.ci_low is not None and metric.ci_high is not None:
        parts.append(f"95% interval {metric.ci_low:.1f}–{metric.ci_high:.1f}%")
    if not parts:
        parts.append("a count")
    return ", ".join(parts)


def _low_rated_links(items, window: Window, full_answer: str) -> list[Block]:  # noqa: ANN001
    head = f"*Low ratings behind it* ({len(items)} in {span_text(window)}, newest first)\n"
    lines = []
    for item in items:
        ticket = f"#{item.get('ticket_id')}" if item.get("ticket_id") else "ticket"
        label = f"{ticket} {shorten(item['subject'], 60)}" if item.get("subject") else ticket
        agent = escape(item.get("agent") or "unassigned")
        comment = f": “{escape(shorten(item['comment'], 120))}”" if item.get("comment") else ""
        lines.append(f"• {link(item.get('ticket_url'), label)} · {agent}{comment}")
    return list_section(lines, head=head, noun="more low ratings", max_lines=LOW_RATED_LINKS, full_answer=full_answer)
