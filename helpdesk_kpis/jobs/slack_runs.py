"""`digest` and `alerts` as runs: build, then print (dry run, JSON) or post, then one line each.

Shared by the command line and the scheduler of ``serve``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timezone

from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table
from rich.text import Text

from helpdesk_kpis.context import AppContext
from helpdesk_kpis.jobs.alerting import evaluate_alerts, record_plan
from helpdesk_kpis.jobs.preview import message_panel
from helpdesk_kpis.jobs.rules import rules_from
from helpdesk_kpis.jobs.team_digests import BuiltDigest, build_digests, default_day
from helpdesk_kpis.json_output import write_json
from kpis.errors import ConfigError, CredentialError, HelpdeskKpisError, RunFailed
from kpis.format import value_text
from kpis.windows import today_in
from notifiers.alert_rules import rule_text
from notifiers.delivery import Outcome
from notifiers.kpi_blocks import sample_text


def clock() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def run_digests(
    ctx: AppContext,
    *,
    day: date | None,
    only: str | None,
    now: datetime,
    console: Console,
    dry_run: bool = False,
    as_json: bool = False,
    force: bool = False,
) -> list[Outcome]:
    config = ctx.settings().config
    # Without --date and --team: what is due today (a weekly or monthly digest on its day only).
    due_on = today_in(config.reporting.zone, now) if day is None and only is None else None
    day = day or default_day(now, config.reporting.zone)
    preview = dry_run or as_json
    if not preview and not config.teams:
        raise ConfigError(
            f"no teams to post digests for: add [[teams]] entries with name and channel to "
            f"{ctx.settings().config_path} (docs/slack.md), or preview with --dry-run"
        )
    # Checked before any work: a missing token should not cost a whole computation first.
    delivery = None if preview else ctx.slack_delivery(clock)
    built = build_digests(ctx.store(), config, ctx.kpi_config(), rules_from(config), day=day, now=now, only=only,
                          with_chart=not preview, due_on=due_on)
    if as_json:
        write_json({"digests": [_json(b) for b in built]})
        return []
    if dry_run:
        show_digests(built, console)
        return []
    outcomes = []
    for item in built:
        try:
            outcome = delivery.deliver_digest(item.post, force=force)
        except CredentialError:
            raise  # every other digest would be refused the same way
        except HelpdeskKpisError as error:
            outcome = Outcome(item.post.label, "failed", item.post.channel, error=error)
        _report(outcome, console)
        outcomes.append(outcome)
    count_posts("digest", outcomes)
    raise_failures(outcomes)
    return outcomes


def show_digests(built: Sequence[BuiltDigest], console: Console, *, brief: bool = False) -> None:
    """Each digest as it would read in Slack; ``brief``: the message alone (no thread, no notification text)."""
    for item in built:
        channel = item.target.channel or "(no channel: add it in [[teams]])"
        console.print(message_panel(item.post.message, channel=channel, note=item.post.label, fallback=not brief))
        if brief:
            continue
        if item.post.breakdown:
            console.print(message_panel(item.post.breakdown, channel=f"{channel} · thread reply"))
        if item.post.chart is not None:
            console.print(f"[dim]chart in the thread: {rich_escape(item.post.chart.alt_text)}[/]")


def _json(item: BuiltDigest) -> dict:
    return {
        "scope": item.target.scope,
        "date": item.post.date_key,
        "channel": item.target.channel,
        "message": item.post.message,
        "thread": [item.post.breakdown] if item.post.breakdown else [],
    }


def run_alerts(
    ctx: AppContext, *, now: datetime, console: Console, dry_run: bool = False, as_json: bool = False
) -> list[Outcome]:
    config = ctx.settings().config
    preview = dry_run or as_json
    if not config.alerts:
        if as_json:  # --json prints JSON in every case: no rules, nothing to post
            write_json({"alerts": []})
        else:
            console.print("no alert rules: add [[alerts]] to the config (docs/slack.md)", markup=False)
        return []
    delivery = None if preview else ctx.slack_delivery(clock)
    plan = evaluate_alerts(ctx.store(), config, ctx.kpi_config(), now=now, dry_run=preview)
    if as_json:
        rows = [{"channel": a.channel, "direct_message": a.direct, "kind": a.transition.kind,
                 "alert_id": a.alert_id, "message": a.message}
                for a in plan.announcements]
        rows += [{"channel": t.channel, "kind": "theme_rising", "alert_id": t.alert_id, "message": t.message}
                 for t in plan.themes]
        snoozed = [{"rule": r.rule.id, "scope": r.scope, "name": r.row.name} for r in plan.snoozed]
        write_json({"alerts": rows, "snoozed": snoozed})
        return []
    if dry_run:
        console.print(_readings_table(plan))
        for a in plan.announcements:
            console.print(message_panel(a.message, channel=_where(a), note=f"would post: {a.transition.kind}"))
        for t in plan.themes:
            console.print(message_panel(t.message, channel=t.channel, note="would post: theme_rising"))
        if not plan.announcements and not plan.themes:
            console.print("nothing to post: no breach started or ended")
        _print_unrouted(plan, console)
        return []
    record_plan(ctx.store(), plan)
    outcomes = delivery.deliver_alerts()
    for outcome in outcomes:
        _report(outcome, console)
    changes = {id(a.transition): a.transition.kind for a in plan.announcements}  # one per reading, many recipients
    started = sum(1 for kind in changes.values() if kind == "breach")
    console.print(
        f"alerts: {_count(len(config.alerts), 'rule')} read on {_count(len(plan.readings), 'scope')}; "
        f"{_count(started, 'breach', 'breaches')} started, {len(changes) - started} recovered, "
        f"{len(plan.unjudged)} with too few samples to judge"
        + (f"; {len(plan.snoozed)} snoozed" if plan.snoozed else "")
        + (f"; {_count(len(plan.themes), 'comment theme')} rising" if plan.themes else ""),
        highlight=False, soft_wrap=True,
    )
    _print_unrouted(plan, console)
    count_posts("alert", outcomes)
    raise_failures(outcomes)
    return outcomes


def _where(announcement) -> str:  # noqa: ANN001
    if announcement.direct:
        return f"direct message to {announcement.channel}"
    return announcement.channel


def _print_unrouted(plan, console: Console) -> None:  # noqa: ANN001
    """Breaches with nowhere to post, by why (their state waits until there is a place)."""
    by_reason: dict[str, set[str]] = {}
    for reading, reason in plan.unrouted:
        if not reading.breaches():
            continue  # nothing to tell anyone about it now
        by_reason.setdefault(reason, set()).add(f"{reading.rule.id} ({reading.row.name})")
    for reason, names in by_reason.items():
        console.print(rich_escape(f"not posted: {', '.join(sorted(names))}: {reason}"), highlight=False, soft_wrap=True)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _readings_table(plan) -> Table:  # noqa: ANN001
    table = Table(title="Alert rules, as they read now", title_justify="left")
    for column in ("rule", "scope", "value", "condition", "verdict"):
        table.add_column(column)
    changes = {(a.transition.reading.rule.id, a.transition.reading.scope): a.transition.kind for a in plan.announcements}
    nowhere = {(reading.rule.id, reading.scope): reason for reading, reason in plan.unrouted}
    for reading in plan.readings:
        verdict = reading.breaches()
        text = "too few to judge" if verdict is None else "breached" if verdict else "ok"
        change = changes.get((reading.rule.id, reading.scope))
        if change:
            text += f" (new {change}: would post)"
        elif (reading.rule.id, reading.scope) in nowhere and verdict:
            text += f" (not posted: {nowhere[(reading.rule.id, reading.scope)].split(';')[0]})"
        sample = sample_text(reading.metric)
        cells = (reading.rule.id, reading.row.name, value_text(reading.metric) + (f" ({sample})" if sample else ""),
                 rule_text(reading.rule), text)
        table.add_row(*(Text(cell) for cell in cells))  # names as they are: "Billing [eu]" is no markup
    for reading in plan.snoozed:  # snoozed from an alert's button: read, but neither judged nor posted
        sample = sample_text(reading.metric)
        cells = (reading.rule.id, reading.row.name, value_text(reading.metric) + (f" ({sample})" if sample else ""),
                 rule_text(reading.rule), "snoozed (not posted)")
        table.add_row(*(Text(cell) for cell in cells))
    return table


def _report(outcome: Outcome, console: Console) -> None:
    if outcome.error is None:  # failures are told once, together, by raise_failures
        console.print(rich_escape(outcome.line()), highlight=False, soft_wrap=True)


def count_posts(kind: str, outcomes: Sequence[Outcome]) -> None:
    """For /metrics: each delivery by what it did (posted, updated, finished, unchanged, failed)."""
    from helpdesk_kpis import metrics  # prometheus-client only where something is delivered

    for outcome in outcomes:
        metrics.POSTS.labels(kind, outcome.action).inc()


def raise_failures(outcomes: Sequence[Outcome]) -> None:
    """After every delivery was tried: the failures as one line (exit 2 if any needs a config fix)."""
    failed = [o for o in outcomes if o.error is not None]
    if not failed:
        return
    line = "; ".join(o.line() for o in failed)
    if any(isinstance(o.error, ConfigError) for o in failed):
        raise ConfigError(line)
    raise RunFailed(line)
