"""How fast the digests' and alerts' buttons answer: `helpdesk-kpis serve` on a large store,
clicked by concurrent people over signed HTTP.

    .venv/bin/python benchmarks/button_latency.py [--tickets 1000000] [--clients 8] [--seconds 60]
        [--folder benchmark-data]

1. Builds (once; reused afterwards) the store of the slash benchmark (slash_mix.py: ``--tickets``
   synthetic tickets over a year, 6 teams, 60 agents) and starts `serve --role endpoint` on it
   with the local fake of Slack's Web API (slash_servers.py), waiting until it has warmed up.
2. Two runs of ``--clients`` people clicking for ``--seconds``, each waiting for the answer before
   clicking again, on the digest buttons ("Agents" by the team's lead, "By channel", "Why?",
   "30 days") and the alert buttons ("Show tickets", "Acknowledge", "Snooze 24 h") of breach
   alerts posted to the fake Slack:
   - **today's messages**: this morning's daily digests (the 7 days ending yesterday) and weekly
     digests (last Monday to Sunday), and alerts over the last 7 days -- where the clicks are;
   - **old digests**: digests of a random day of the past year, each a period nobody asked about
     yet (a read of the store, as a `/kpi` question about a new period).
3. Prints per run the distribution of the acknowledgement (the HTTP answer, what Slack's 3
   seconds apply to) and of the time to first response the clicker sees (the answer's post to
   response_url, or the alert's ``chat.update``), overall and per button.

Target: time to first response p99 <= 1 s at 8 concurrent clicks, no errors.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import requests  # noqa: E402
from slash_clients import FINAL_TIMEOUT, distribution, percentile, run_people  # noqa: E402
from slash_mix import build_store, directory, serve_config, slack_users  # noqa: E402
from slash_servers import Server  # noqa: E402

from notifiers.interactive import action_ids as ids  # noqa: E402
from notifiers.interactive.action_ids import AlertAction, DigestAction  # noqa: E402
from tests.fakes.slack.api import TOKEN, FakeSlack  # noqa: E402 - the test fakes, on 127.0.0.1
from tests.fakes.slack.signing import signed_headers  # noqa: E402

TARGET = 1.0
#: Share of each button in the mix (they add up to 1).
WEIGHTS = {
    ids.DIGEST_AGENTS: 0.20, ids.DIGEST_CHANNELS: 0.15, ids.DIGEST_WHY: 0.15, ids.DIGEST_30_DAYS: 0.20,
    ids.ALERT_TICKETS: 0.15, ids.ALERT_ACKNOWLEDGE: 0.10, ids.ALERT_SNOOZE_DAY: 0.05,
}
LABELS = {ids.DIGEST_AGENTS: "Agents", ids.DIGEST_CHANNELS: "By channel", ids.DIGEST_WHY: "Why?",
          ids.DIGEST_30_DAYS: "30 days", ids.ALERT_TICKETS: "Show tickets", ids.ALERT_ACKNOWLEDGE: "Acknowledge",
          ids.ALERT_SNOOZE_DAY: "Snooze 24 h"}
_names = itertools.count(1)


@dataclass
class Click:
    action_id: str
    ack: float | None = None
    first: float | None = None


class Clicker:
    """One person: picks a button, posts the click as Slack signs it, waits for what they see."""

    def __init__(self, url: str, slack: FakeSlack, teams: list[str], today: date, rng: random.Random, *,
                 old: bool) -> None:
        self.url, self.slack, self.teams, self.today, self.rng, self.old = url, slack, teams, today, rng, old
        self.session = requests.Session()
        self.client_session = requests.Session()

    def click(self) -> Click:
        weights = {a: w for a, w in WEIGHTS.items() if not self.old or a in ids.DIGEST_ACTIONS}
        action_id = self.rng.choices(list(weights), list(weights.values()))[0]
        i = self.rng.randrange(len(self.teams))
        name = f"b{next(_names)}"
        message, ts = None, None
        if action_id in ids.DIGEST_ACTIONS:
            value = self._digest(self.teams[i]).value()
        else:
            ts, message, value = self._alert(i, name)
        payload = {
            "type": "block_actions", "user": {"id": f"U0LEAD{i}"}, "api_app_id": "A0KPIBOT1",
            "container": {"type": "message", "message_ts": ts or "1.000001", "channel_id": f"C0TEAM{i}"},
            "channel": {"id": f"C0TEAM{i}"}, "message": message or {}, "response_url": self.slack.response_url(name),
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value}],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        outcome = Click(action_id)
        started = time.monotonic()
        try:
            response = self.session.post(self.url, data=body, headers=signed_headers(body), timeout=10)
            outcome.ack = time.monotonic() - started
            response.raise_for_status()
        except requests.RequestException:
            outcome.ack = None
            return outcome
        seen = self._first_response(action_id, name, ts)
        outcome.first = None if seen is None else seen - started
        return outcome

    def _digest(self, team: str) -> DigestAction:
        yesterday = self.today - timedelta(days=1)
        day = yesterday - timedelta(days=self.rng.randint(1, 330)) if self.old else yesterday
        if self.rng.random() < 0.5:  # a daily digest: the 7 days ending with its day (kpis.periods)
            return DigestAction(team, "daily", day - timedelta(days=6), day, day, "csat")
        last = day - timedelta(days=day.weekday() + 1)  # the Sunday of the last full week
        return DigestAction(team, "weekly", last - timedelta(days=6), last, last, "csat")

    def _alert(self, i: int, name: str) -> tuple[str, dict, str]:
        """A breach alert of team ``i`` posted to the fake (not timed); its ts, message and button value."""
        last = self.today - timedelta(days=1)
        action = AlertAction(alert_id=f"csat-floor|team:{i}|breach|{name}", rule_id="csat-floor", scope=f"team:{name}",
                             kpi="csat", team=self.teams[i], agent=None, first=last - timedelta(days=6), last=last)
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*CSAT for {self.teams[i]} is below 80%*"}}]
        posted = self.client_session.post(self.slack.base_url + "chat.postMessage", timeout=10, headers={
            "Authorization": f"Bearer {TOKEN}"}, json={"channel": f"C0TEAM{i}", "text": "CSAT below 80%", "blocks": blocks})
        ts = posted.json()["ts"]
        return ts, {"type": "message", "ts": ts, "text": "CSAT below 80%", "blocks": blocks}, action.value()

    def _first_response(self, action_id: str, name: str, ts: str | None) -> float | None:
        if action_id in (ids.ALERT_ACKNOWLEDGE, ids.ALERT_SNOOZE_DAY):
            return self.slack.wait_for_update(ts or "", FINAL_TIMEOUT) or self.slack.wait_for_response(name, 0.01)
        return self.slack.wait_for_response(name, FINAL_TIMEOUT)


class TimedSlack(FakeSlack):
    """The fake Web API, noting when each message was first updated (the alert buttons' answer)."""

    def __init__(self) -> None:
        super().__init__()
        self.updated: dict[str, float] = {}
        self._updates = threading.Condition()

    def api_chat_update(self, params):  # noqa: ANN001, ANN201
        answer = super().api_chat_update(params)
        with self._updates:
            self.updated.setdefault(params.get("ts") or "", time.monotonic())
            self._updates.notify_all()
        return answer

    def wait_for_update(self, ts: str, timeout: float) -> float | None:
        with self._updates:
            self._updates.wait_for(lambda: ts in self.updated, timeout=timeout)
            return self.updated.get(ts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--folder", type=Path, default=Path("benchmark-data"), help="where the store is kept")
    args = parser.parse_args()

    database = build_store(args.folder, args.tickets)
    team_names, members = directory(database)
    work = args.folder / "serve-buttons"
    work.mkdir(exist_ok=True)
    (work / "helpdesk-kpis.toml").write_text(serve_config(team_names, None))
    today = datetime.now(timezone.utc).date()
    with TimedSlack() as slack:
        slack.users.update(slack_users(team_names, members))
        for i in range(len(team_names)):
            slack.add_channel(f"kpi-team-{i}", f"C0TEAM{i}")
        server = Server(work, database, slack, socket_mode=False)
        try:
            print("waiting for the server to warm up (7d and 30d)...", flush=True)
            if not server.wait_warm():
                print("the server did not warm up")
                return 1
            runs = []
            for label, old in (("today's messages", False), ("old digests", True)):
                print(f"{label}: {args.clients} clients clicking for {args.seconds:.0f}s...", flush=True)
                runs.append((label, *run(server.url, slack, team_names, today, args, old=old)))
        finally:
            server.stop()
    for label, clicks, elapsed in runs:
        report(label, clicks, elapsed)
    return 0


def run(url: str, slack: FakeSlack, teams: list[str], today: date, args, *, old: bool  # noqa: ANN001
        ) -> tuple[list[Click], float]:
    def person(number: int):  # noqa: ANN202
        return Clicker(url, slack, teams, today, random.Random(number + (100 if old else 0)), old=old).click

    return run_people(person, clients=args.clients, seconds=args.seconds)


def report(label: str, clicks: list[Click], elapsed: float) -> None:
    errors = sum(1 for c in clicks if c.ack is None or c.first is None)
    print(f"\n{label}: {len(clicks):,} clicks in {elapsed:.0f}s ({len(clicks) / elapsed:.1f}/s), errors {errors}")
    print(f"  {'acknowledgement (HTTP answer)':<36} {distribution([c.ack for c in clicks if c.ack is not None])}")
    firsts = [c.first for c in clicks if c.first is not None]
    print(f"  {'time to first response':<36} {distribution(firsts)}")
    for action_id, button in LABELS.items():
        mine = [c.first for c in clicks if c.action_id == action_id and c.first is not None]
        if mine or any(c.action_id == action_id for c in clicks):
            print(f"    {button + f' ({len(mine)})':<34} {distribution(mine)}")
    p99 = percentile(firsts, 99) if firsts else None
    met = p99 is not None and p99 <= TARGET and not errors
    print(f"  {label}: time to first response p99 {'n/a' if p99 is None else f'{p99 * 1000:.0f} ms'} "
          f"(<= {TARGET * 1000:.0f}), errors {errors}: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
