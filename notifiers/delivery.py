"""Posting to Slack exactly once: digests step by step, alerts from their outbox.

Every step is recorded in the store's sent log before the next begins:

    sending -> posted (message ts known) -> breakdown reply posted -> chart uploaded -> done

A re-run on the same day looks the digest up by (kind, scope, date): ``done`` with the same
content posts nothing; ``done`` with changed numbers updates the message in place
(``chat.update``); ``posted`` finishes the remaining steps in the existing thread; ``sending``
(the process stopped while Slack may have received the post) first looks for the message in
the channel by its metadata, and posts only if it is not there. ``force`` posts afresh.

An alert for the leads by direct message is one outbox entry per lead: the DM is opened with
``conversations.open`` (https://docs.slack.dev/reference/methods/conversations.open, ``im:write``)
and posted to like a channel. A lead given as a user group is listed with
``usergroups.users.list`` (https://docs.slack.dev/reference/methods/usergroups.users.list) and
becomes one entry per member, stored before any is posted; a member already told (a lead named
both directly and in the group) is not told again.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from kpis.errors import ConfigError, CredentialError, HelpdeskKpisError
from kpis.store.sent_log import DONE, PENDING, POSTED, SENDING, DeliveryLog, SentMessage, fit_scope
from notifiers.blockkit import payload_hash
from notifiers.chart import Chart
from notifiers.slack_client import slack_errors

DIGEST_KIND = "digest"
ALERT_KIND = "alert"
#: Slack conversation ids (C..., G..., D...); names cannot be searched for an earlier post.
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
ANOTHER_PROCESS = "another process is delivering it right now"
_GONE = {"user_not_found", "user_disabled", "user_not_visible", "no_such_subteam", "subteam_not_found"}


def direct_scope(alert_id: str, recipient: str) -> str:
    """The sent-log scope of ``alert_id`` sent to one lead (member or user-group id) directly."""
    return fit_scope(f"{alert_id}|to:{recipient}")


@dataclass(frozen=True)
class DigestPost:
    """One digest as it should stand in Slack."""

    scope: str
    day: date
    channel: str
    message: dict[str, Any]
    breakdown: dict[str, Any] | None = None
    chart: Chart | None = None
    label: str = ""
    #: The period in the delivery log when it is not the day: "2026-W46" (weekly), "2026-11" (monthly).
    period: str | None = None

    @property
    def date_key(self) -> str:
        return self.period or self.day.isoformat()


@dataclass
class Outcome:
    """What a delivery did, in one line for the terminal."""

    label: str
    action: str  # posted | updated | finished | unchanged | failed
    channel: str
    ts: str | None = None
    detail: list[str] = field(default_factory=list)
    error: HelpdeskKpisError | None = None

    def line(self) -> str:
        if self.error is not None:
            return f"{self.label}: {self.error}"
        extra = f" ({', '.join(self.detail)})" if self.detail else ""
        return f"{self.label}: {self.action} in {self.channel}{extra}"


class SlackDelivery:
    def __init__(self, client: WebClient, log: DeliveryLog, *, clock: Callable[[], datetime]) -> None:
        self.client = client
        self.log = log
        self.clock = clock

    # -- digests -------------------------------------------------------------------------------

    def deliver_digest(self, post: DigestPost, *, force: bool = False) -> Outcome:
        with self.log.delivering(DIGEST_KIND, post.scope, post.date_key) as ours:
            if not ours:
                return Outcome(post.label, "unchanged", post.channel, detail=[ANOTHER_PROCESS])
            return self._deliver_digest(post, force=force)

    def _deliver_digest(self, post: DigestPost, *, force: bool) -> Outcome:
        # Read inside the delivery lock: another process may have just finished this digest.
        digest_hash = payload_hash(post.message)
        record = None if force else self.log.get(DIGEST_KIND, post.scope, post.date_key)
        outcome = Outcome(post.label, "posted", post.channel)
        if record is not None and record.status == SENDING:
            record = self._find_posted(record, "digest_id")
        if record is None or record.status in (PENDING, SENDING):
            record = self._post_main(post, digest_hash)
        elif record.status == DONE and record.payload_hash == digest_hash:
            return Outcome(post.label, "unchanged", record.channel or post.channel, record.ts,
                           ["already posted today; --force posts it again"])
        else:  # posted earlier: finish its steps; numbers changed since: update it in place
            outcome.action = "finished"
            if record.payload_hash != digest_hash:
                record = self._update(record, post.message, digest_hash, label="digest")
                outcome.action = "updated"
                outcome.detail.append("numbers changed since it was posted; updated in place")
        outcome.channel, outcome.ts = record.channel or post.channel, record.ts
        steps = list(record.detail.get("steps", []))
        if post.breakdown is not None and "breakdown" not in steps:
            with slack_errors("posting the digest's thread reply", record.channel):
                reply = self.client.chat_postMessage(channel=record.channel, thread_ts=record.ts, **post.breakdown)
            steps.append("breakdown")
            record = self.log.save(replace(record, detail={**record.detail, "steps": steps, "breakdown_ts": reply["ts"]}))
            outcome.detail.append("breakdown in thread")
        elif post.breakdown is not None and record.detail.get("breakdown_ts") and outcome.action == "updated":
            with slack_errors("updating the digest's thread reply", record.channel):
                self.client.chat_update(
                    channel=record.channel, ts=record.detail["breakdown_ts"], **_editable(post.breakdown)
                )
        if post.chart is not None and "chart" not in steps:
            chart = post.chart
            with slack_errors("uploading the digest chart", record.channel):
                self.client.files_upload_v2(
                    channel=record.channel, thread_ts=record.ts, content=chart.png, filename=chart.filename,
                    title=chart.title, alt_txt=chart.alt_text,
                )
            steps.append("chart")
            record = self.log.save(replace(record, detail={**record.detail, "steps": steps}))
            outcome.detail.append("chart in thread")
        self.log.save(replace(record, status=DONE))
        return outcome

    def _post_main(self, post: DigestPost, digest_hash: str) -> SentMessage:
        # Recorded first: if we stop before Slack's answer is stored, the next run knows to look.
        digest_id = post.message["metadata"]["event_payload"]["digest_id"]
        record = self.log.save(
            SentMessage(DIGEST_KIND, post.scope, post.date_key, SENDING, channel=post.channel, payload_hash=digest_hash,
                        detail={"digest_id": digest_id, "attempted_at": self.clock().isoformat()})
        )
        with slack_errors("posting the digest", post.channel):
            response = self.client.chat_postMessage(channel=post.channel, **post.message)
        return self.log.save(replace(record, status=POSTED, channel=response["channel"], ts=response["ts"],
                                     detail={**record.detail, "steps": []}))

    def _update(self, record: SentMessage, message: dict[str, Any], new_hash: str, *, label: str) -> SentMessage:
        with slack_errors(f"updating the {label}", record.channel):
            self.client.chat_update(channel=record.channel, ts=record.ts, **_editable(message))
        return self.log.save(replace(record, payload_hash=new_hash))

    def _find_posted(self, record: SentMessage, id_field: str) -> SentMessage:
        """A ``sending`` record: adopt the message if Slack has it (found by its metadata), else
        leave the record to be posted again."""
        wanted = record.detail.get(id_field)
        if not wanted or not record.channel or not _CHANNEL_ID.match(record.channel):
            return record
        attempted = datetime.fromisoformat(record.detail.get("attempted_at") or self.clock().isoformat())
        try:
            history = self.client.conversations_history(
                channel=record.channel, oldest=f"{(attempted - timedelta(minutes=10)).timestamp():.6f}",
                include_all_metadata=True, limit=100,
            )
        except SlackApiError:
            return record  # no history scope, say: posting again is the lesser evil than never posting
        for message in history.get("messages", []):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get(id_field) == wanted:
                found = replace(record, status=POSTED, ts=message["ts"], detail={**record.detail, "steps": []})
                return self.log.save(found)
        return record

    # -- alerts --------------------------------------------------------------------------------

    def deliver_alerts(self) -> list[Outcome]:
        """Post every alert in the outbox that has not been posted yet, oldest first.

        A channel that refuses one alert does not hold back the others (its alert stays in the
        outbox for the next run); a refused token stops the run.
        """
        outcomes: list[Outcome] = []
        queue = deque(self.log.unfinished(ALERT_KIND))
        while queue:
            listed = queue.popleft()
            with self.log.delivering(*listed.key) as ours:
                record = self.log.get(*listed.key) if ours else None  # read again inside the lock
                if record is None or record.status == DONE:
                    continue  # another process is posting it, or just did
                try:
                    if record.detail.get("direct") and _is_group(record.channel):
                        queue.extend(self._expand_group(record))
                    elif (outcome := self._post_alert(record)) is not None:
                        outcomes.append(outcome)
                except CredentialError:
                    raise
                except HelpdeskKpisError as error:
                    outcomes.append(Outcome(record.detail.get("label", "alert"), "failed", record.channel or "",
                                            error=error))
        return outcomes

    def _post_alert(self, record: SentMessage) -> Outcome | None:
        if record.status == SENDING:
            record = self._find_posted(record, "alert_id")
            if record.status == POSTED:
                self.log.save(replace(record, status=DONE))
                return None
        payload = dict(record.detail["payload"])
        label = record.detail.get("label", "alert")
        direct = bool(record.detail.get("direct"))
        lead = record.detail.get("lead") or record.channel
        thread = self._thread_of(record.detail.get("thread_of") or _lead_breach_key(record.detail.get("breach"), lead))
        if thread is not None:
            # A recovery answers its breach in the breach's thread, and shows in the channel too.
            payload.update(thread_ts=thread, reply_broadcast=True)
        channel = record.channel
        if direct and not _CHANNEL_ID.match(channel or ""):
            with slack_errors(f"opening a direct message with the lead {lead}"), _lead_errors(lead):
                channel = self.client.conversations_open(users=lead)["channel"]["id"]
        record = self.log.save(replace(record, status=SENDING, channel=channel,
                                       detail={**record.detail, "lead": lead, "attempted_at": self.clock().isoformat()}))
        with slack_errors("posting an alert", record.channel):
            response = self.client.chat_postMessage(channel=record.channel, **payload)
        self.log.save(replace(record, status=DONE, channel=response["channel"], ts=response["ts"]))
        where = f"a direct message to {lead}" if direct else record.channel or ""
        return Outcome(label, "posted", where, response["ts"])

    def _expand_group(self, record: SentMessage) -> list[SentMessage]:
        """A user group of leads: one entry per member not yet told, stored before any is posted."""
        listing = f"listing the members of the leads' user group {record.channel}"
        with slack_errors(listing), _lead_errors(record.channel):
            members = self.client.usergroups_users_list(usergroup=record.channel).get("users") or []
        alert_id = record.detail["alert_id"]
        entries = [
            SentMessage(ALERT_KIND, direct_scope(alert_id, member), record.date, PENDING, channel=member,
                        detail={**record.detail, "lead": member})
            for member in dict.fromkeys(members)
            if self.log.get(ALERT_KIND, direct_scope(alert_id, member), record.date) is None
        ]
        self.log.record_alerts([], [*entries, replace(record, status=DONE, detail={**record.detail, "members": members})])
        return entries

    def _thread_of(self, key: list[str] | None) -> str | None:
        if not key:
            return None
        breach = self.log.get(*key)
        return breach.ts if breach is not None and breach.status == DONE else None


@contextmanager
def _lead_errors(lead: str | None) -> Iterator[None]:
    """A lead Slack no longer knows (left, deactivated, a deleted group): the config names them.

    https://docs.slack.dev/reference/methods/conversations.open#errors,
    https://docs.slack.dev/reference/methods/usergroups.users.list#errors
    """
    try:
        yield
    except SlackApiError as error:
        code = error.response.get("error")
        if code in _GONE:
            raise ConfigError(
                f"Slack has no lead {lead} to tell ({code}): they left, were deactivated or the group was deleted; "
                "update leads in the team's [[teams]] entry"
            ) from None
        raise


def _is_group(slack_id: str | None) -> bool:
    return bool(slack_id) and slack_id.startswith("S")


def _lead_breach_key(breach: list[str] | None, lead: str | None) -> list[str] | None:
    """The sent-log key of the breach message this lead was sent (``breach``: its alert id and day)."""
    if not breach or not lead:
        return None
    alert_id, day = breach
    return [ALERT_KIND, direct_scope(alert_id, lead), day]


def _editable(message: dict[str, Any]) -> dict[str, Any]:
    """What ``chat.update`` takes of a posted payload (text and blocks)."""
    return {"text": message["text"], "blocks": message["blocks"]}
