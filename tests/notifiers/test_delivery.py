"""Posting through the real WebClient to the fake Slack: threads, uploads, retries, exactly once."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from kpis.errors import ConfigError, CredentialError, RunFailed
from kpis.store import Store
from kpis.store.sent_log import DONE, PENDING, POSTED, SENDING, DeliveryLog, SentMessage
from notifiers.blockkit import payload_hash
from notifiers.chart import Chart
from notifiers.delivery import DigestPost, SlackDelivery
from notifiers.slack_client import make_client
from tests.fakes.slack.api import Scripted
from tests.notifiers.conftest import BILLING

DAY = date(2026, 11, 15)
NOW = datetime(2026, 11, 16, 8, tzinfo=timezone.utc)
PNG = b"\x89PNG\r\n\x1a\n" + b"chart" * 50


def message(text: str = "Billing KPIs for 9–15 Nov 2026: CSAT 75.0% (n=12, -15.0 pp).") -> dict:
    return {
        "text": text,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
        "metadata": {"event_type": "kpi_digest_posted",
                     "event_payload": {"digest_id": "team:Billing:2026-11-15", "schema": 1}},
        "unfurl_links": False,
    }


def post(text: str | None = None, channel: str = "#kpi-billing") -> DigestPost:
    return DigestPost(
        scope="team:Billing", day=DAY, channel=channel, message=message(text) if text else message(),
        breakdown={"text": "Billing: 2 agents", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Ann*"}}]},
        chart=Chart(png=PNG, alt_text="Line chart of daily CSAT", title="Billing: daily CSAT", filename="billing.png"),
        label="Billing digest for 2026-11-15",
    )


@pytest.fixture
def store(store_url):
    return Store.open(store_url)


@pytest.fixture
def delivery(client, store):
    return SlackDelivery(client, DeliveryLog(store), clock=lambda: NOW)


def test_digest_goes_out_as_message_then_thread_reply_then_chart_in_three_upload_steps(delivery, fake_slack, store):
    outcome = delivery.deliver_digest(post())
    [top] = fake_slack.top_level(BILLING)
    assert top.blocks == message()["blocks"] and top.metadata["event_payload"]["digest_id"] == "team:Billing:2026-11-15"
    [reply] = fake_slack.replies(top.ts)
    assert reply.text == "Billing: 2 agents"
    [upload] = fake_slack.files_in_thread(top.ts)
    assert (upload.data, upload.alt_txt, upload.title, upload.channel) == (PNG, "Line chart of daily CSAT",
                                                                           "Billing: daily CSAT", BILLING)
    # The upload is slack-sdk's files_upload_v2: URL, raw POST to that URL, completion into the thread.
    names = [name for name, _ in fake_slack.calls]
    assert names == ["chat.postMessage", "chat.postMessage", "files.getUploadURLExternal", "upload",
                     "files.completeUploadExternal"]
    assert outcome.line() == "Billing digest for 2026-11-15: posted in C0BILLING1 (breakdown in thread, chart in thread)"
    record = DeliveryLog(store).get("digest", "team:Billing", "2026-11-15")
    assert (record.status, record.channel, record.ts) == (DONE, BILLING, top.ts)


def test_a_rerun_the_same_day_posts_nothing_and_force_posts_again(delivery, fake_slack):
    delivery.deliver_digest(post())
    calls = len(fake_slack.calls)
    outcome = delivery.deliver_digest(post())
    assert outcome.action == "unchanged" and len(fake_slack.calls) == calls
    delivery.deliver_digest(post(), force=True)
    assert len(fake_slack.top_level(BILLING)) == 2
    assert len(fake_slack.uploads) == 2


def test_changed_numbers_update_the_posted_digest_in_place(delivery, fake_slack):
    delivery.deliver_digest(post())
    outcome = delivery.deliver_digest(post("Billing KPIs for 9–15 Nov 2026: CSAT 76.0% (n=13, -14.0 pp)."))
    [top] = fake_slack.top_level(BILLING)
    assert top.text.startswith("Billing KPIs for 9–15 Nov 2026: CSAT 76.0%") and top.edits == 1
    assert outcome.action == "updated"
    assert len(fake_slack.replies(top.ts)) == 1 and len(fake_slack.uploads) == 1  # nothing posted twice


def test_a_failure_between_message_and_chart_is_finished_by_the_next_run(delivery, fake_slack, store):
    # Slack fails the upload step with 500s until the retry handler gives up.
    fake_slack.script("files.getUploadURLExternal", *[Scripted(500, {"ok": False, "error": "fatal_error"})] * 3)
    with pytest.raises(RunFailed, match="uploading the digest chart"):
        delivery.deliver_digest(post())
    [top] = fake_slack.top_level(BILLING)
    assert fake_slack.files_in_thread(top.ts) == []
    record = DeliveryLog(store).get("digest", "team:Billing", "2026-11-15")
    assert (record.status, record.detail["steps"]) == (POSTED, ["breakdown"])

    outcome = delivery.deliver_digest(post())
    assert outcome.action == "finished"
    assert len(fake_slack.top_level(BILLING)) == 1 and len(fake_slack.replies(top.ts)) == 1  # not posted again
    [upload] = fake_slack.files_in_thread(top.ts)
    assert upload.data == PNG
    assert DeliveryLog(store).get("digest", "team:Billing", "2026-11-15").status == DONE


def test_a_post_whose_answer_was_lost_is_found_by_its_metadata_not_posted_twice(delivery, client, fake_slack, store):
    # The process stopped after Slack took the message but before its ts was stored.
    log = DeliveryLog(store)
    log.save(SentMessage("digest", "team:Billing", "2026-11-15", SENDING, channel=BILLING,
                         payload_hash=payload_hash(message()),
                         detail={"digest_id": "team:Billing:2026-11-15", "attempted_at": NOW.isoformat()}))
    earlier = client.chat_postMessage(channel=BILLING, **message())
    outcome = delivery.deliver_digest(post(channel=BILLING))
    assert outcome.action == "finished"
    assert [m.ts for m in fake_slack.top_level(BILLING)] == [earlier["ts"]]
    assert len(fake_slack.files_in_thread(earlier["ts"])) == 1


def test_a_post_that_never_reached_slack_is_posted_on_the_next_run(delivery, fake_slack, store):
    DeliveryLog(store).save(SentMessage("digest", "team:Billing", "2026-11-15", SENDING, channel=BILLING,
                                        detail={"digest_id": "team:Billing:2026-11-15", "attempted_at": NOW.isoformat()}))
    assert delivery.deliver_digest(post(channel=BILLING)).action == "posted"
    assert len(fake_slack.top_level(BILLING)) == 1


def test_429_is_retried_after_retry_after_and_posts_once(delivery, fake_slack, slept):
    fake_slack.rate_limit("chat.postMessage", retry_after=3)
    delivery.deliver_digest(post())
    assert len(fake_slack.method_calls("chat.postMessage")) == 3  # 429, then message, then thread reply
    assert len(fake_slack.top_level(BILLING)) == 1
    assert len(slept) == 1 and 3 <= slept[0] < 4  # Retry-After plus slack-sdk's jitter below a second


def test_rate_limited_beyond_the_retries_fails_the_run_and_posts_later(delivery, fake_slack):
    fake_slack.rate_limit("chat.postMessage", retry_after=1, times=6)
    with pytest.raises(RunFailed, match="rate-limiting"):
        delivery.deliver_digest(post())
    assert delivery.deliver_digest(post()).action == "posted"
    assert len(fake_slack.top_level(BILLING)) == 1


@pytest.mark.parametrize(
    ("channel", "token", "error", "fragments"),
    [
        ("#kpi-nowhere", None, ConfigError, ("#kpi-nowhere", "/invite @<the app's name>")),
        ("#kpi-returns", None, ConfigError, ("not a member of #kpi-returns", "invite the bot: /invite @<the app's name>")),
        ("#kpi-billing", "xoxb-wrong", CredentialError, ("SLACK_BOT_TOKEN", "invalid_auth", "OAuth & Permissions")),
    ],
)
def test_channel_and_token_errors_name_the_channel_or_token_and_the_fix(
    store, fake_slack, slept, channel, token, error, fragments
):
    client = make_client(token or "xoxb-test-token", fake_slack.base_url)
    delivery = SlackDelivery(client, DeliveryLog(store), clock=lambda: NOW)
    with pytest.raises(error) as raised:
        delivery.deliver_digest(post(channel=channel))
    text = str(raised.value)
    assert "\n" not in text and "xoxb-wrong" not in text and "xoxb-test-token" not in text
    for fragment in fragments:
        assert fragment in text


def test_alert_outbox_is_posted_once_and_a_recovery_answers_in_the_breach_thread(delivery, fake_slack, store):
    log = DeliveryLog(store)
    breach_key = ("alert", "csat-floor|team:g1|breach|1", "2026-11-16")
    payload = {"text": "CSAT for Billing is below 80%", "blocks": [], "metadata": {
        "event_type": "kpi_alert_posted", "event_payload": {"alert_id": "csat-floor|team:g1|breach|1"}}}
    log.record_alerts([], [SentMessage(*breach_key, PENDING, channel="#kpi-billing",
                                       detail={"payload": payload, "alert_id": "csat-floor|team:g1|breach|1"})])
    [outcome] = delivery.deliver_alerts()
    assert outcome.action == "posted"
    assert delivery.deliver_alerts() == []  # nothing left in the outbox
    [breach] = fake_slack.top_level(BILLING)

    recovery = {"text": "Recovered: CSAT for Billing", "blocks": [], "metadata": {
        "event_type": "kpi_alert_posted", "event_payload": {"alert_id": "csat-floor|team:g1|recovery|2"}}}
    log.record_alerts([], [SentMessage("alert", "csat-floor|team:g1|recovery|2", "2026-11-18", PENDING,
                                       channel="#kpi-billing",
                                       detail={"payload": recovery, "alert_id": "x", "thread_of": list(breach_key)})])
    delivery.deliver_alerts()
    [reply] = fake_slack.replies(breach.ts)
    assert reply.text == "Recovered: CSAT for Billing" and reply.reply_broadcast is True


def test_one_refused_alert_channel_does_not_hold_back_the_others(delivery, fake_slack, store):
    log = DeliveryLog(store)
    for scope, channel in (("a|1", "#kpi-returns"), ("b|2", "#kpi-billing")):
        log.record_alerts([], [SentMessage("alert", scope, "2026-11-16", PENDING, channel=channel,
                                           detail={"payload": {"text": scope, "blocks": []}, "alert_id": scope})])
    outcomes = delivery.deliver_alerts()
    assert [o.action for o in outcomes] == ["failed", "posted"]
    assert "invite the bot: /invite @<the app's name>" in outcomes[0].line()
    assert [m.text for m in fake_slack.top_level()] == ["b|2"]
    assert [m.scope for m in log.unfinished("alert")] == ["a|1"]  # kept for the next run



def test_a_team_name_longer_than_the_scope_column_is_still_posted_once(delivery, fake_slack):
    long_post = DigestPost(scope="team:" + "Very long team name " * 20, day=DAY, channel="#kpi-billing",
                           message=message(), label="long")
    assert delivery.deliver_digest(long_post).action == "posted"
    assert delivery.deliver_digest(long_post).action == "unchanged"
    assert len(fake_slack.top_level(BILLING)) == 1
