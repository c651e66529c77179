"""The slash benchmark's clients: people asking `/kpi`, each waiting for their answer before the next.

Each client sends a command, times the acknowledgement (the HTTP answer, or over Socket Mode the
ack of the envelope), and when the acknowledgement is only "working on it" waits for the answer
to reach the fake Slack's response_url: the final answer's latency is from sending to that post.
"""

from __future__ import annotations

import itertools
import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import requests
from slash_mix import Command, Mix

from tests.fakes.slack.api import FakeSlack
from tests.fakes.slack.signing import command_body, command_fields, signed_headers
from tests.fakes.slack.socket_mode import FakeSocketMode

#: How long a client waits for an answer owed through response_url before counting an error.
FINAL_TIMEOUT = 30.0
_names = itertools.count(1)
T = TypeVar("T")


@dataclass
class Outcome:
    kind: str
    ack: float | None = None  # seconds to the acknowledgement; None: failed
    final: float | None = None  # seconds to the answer itself (inline: the acknowledgement)
    later: bool = False  # answered through response_url


#: Send one command; return when it was acknowledged (``time.monotonic``) and the acknowledgement's text.
Send = Callable[[Command, str], tuple[float, str]]


def http_sender(urls: list[str], slack: FakeSlack) -> Callable[[], Send]:
    """A sender per client (each with its own keep-alive session), as Slack signs requests; with
    several endpoints, each request goes to the next of them (a round-robin load balancer)."""
    turns = itertools.cycle(urls)
    lock = threading.Lock()

    def make() -> Send:
        session = requests.Session()

        def send(command: Command, name: str) -> tuple[float, str]:
            body = command_body(command.text, user_id=command.user, channel_id=command.channel,
                                response_url=slack.response_url(name))
            with lock:
                url = next(turns)
            response = session.post(url, data=body, headers=signed_headers(body), timeout=10)
            acked = time.monotonic()
            response.raise_for_status()
            return acked, response.json().get("text") or ""

        return send

    return make


def socket_sender(socket: FakeSocketMode, slack: FakeSlack) -> Callable[[], Send]:
    def make() -> Send:
        def send(command: Command, name: str) -> tuple[float, str]:
            fields = command_fields(command.text, user_id=command.user, channel_id=command.channel,
                                    response_url=slack.response_url(name))
            ack = socket.send_command(fields, timeout=10)
            return time.monotonic(), (ack.get("payload") or {}).get("text") or ""

        return send

    return make


def ask(send: Send, slack: FakeSlack, command: Command, working: str) -> Outcome:
    name = f"r{next(_names)}"
    outcome = Outcome(command.kind)
    started = time.monotonic()
    try:
        acked, text = send(command, name)
    except Exception:  # noqa: BLE001 - a refused, failed or timed-out request is an error of the run
        return outcome
    outcome.ack = acked - started
    if not text:
        outcome.ack = None
        return outcome
    if not text.startswith(working):
        outcome.final = outcome.ack
        return outcome
    outcome.later = True
    arrived = slack.wait_for_response(name, FINAL_TIMEOUT)
    if arrived is not None:
        outcome.final = arrived - started
    return outcome


def run_clients(make_sender: Callable[[], Send], slack: FakeSlack, mix: Mix, *, clients: int, seconds: float,
                working: str, seed: int) -> tuple[list[Outcome], float]:
    """``clients`` people asking for ``seconds``; every outcome and the seconds it took."""

    def person(number: int) -> Callable[[], Outcome]:
        rng = random.Random(seed * 1000 + number)
        send = make_sender()
        return lambda: ask(send, slack, mix.pick(rng), working)

    return run_people(person, clients=clients, seconds=seconds)


def run_people(person: Callable[[int], Callable[[], T]], *, clients: int, seconds: float) -> tuple[list[T], float]:
    """``clients`` people, each doing ``person(number)()`` again and again for ``seconds`` (waiting
    for each outcome before the next); every outcome and the seconds it took."""
    outcomes: list[T] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        act = person(number)
        while time.monotonic() < deadline:
            outcome = act()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(n,), name=f"client-{n}") for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, time.monotonic() - began


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def distribution(seconds: list[float]) -> str:
    if not seconds:
        return "none"
    ms = [1000 * s for s in seconds]
    return (f"p50 {percentile(ms, 50):6.0f}  p95 {percentile(ms, 95):6.0f}  p99 {percentile(ms, 99):6.0f}  "
            f"max {max(ms):6.0f}  mean {statistics.fmean(ms):6.0f} ms")


@dataclass
class Summary:
    label: str
    outcomes: list[Outcome]
    elapsed: float
    errors: int = field(init=False)

    def __post_init__(self) -> None:
        self.errors = sum(1 for o in self.outcomes if o.ack is None or o.final is None)

    def p99(self, which: str) -> float | None:
        values = [getattr(o, which) for o in self.outcomes if getattr(o, which) is not None]
        return percentile(values, 99) if values else None

    def print(self) -> None:
        done = self.outcomes
        later = sum(1 for o in done if o.later)
        print(f"\n{self.label}: {len(done):,} commands in {self.elapsed:.0f}s ({len(done) / self.elapsed:.1f}/s), "
              f"errors {self.errors}, answered later through response_url {later}")
        print(f"  {'acknowledgement (HTTP answer / Socket Mode ack)':<48} "
              f"{distribution([o.ack for o in done if o.ack is not None])}")
        print(f"  {'final answer (inline or response_url)':<48} "
              f"{distribution([o.final for o in done if o.final is not None])}")
        for kind in dict.fromkeys(o.kind for o in done):
            mine = [o.final for o in done if o.kind == kind and o.final is not None]
            print(f"    final, {kind + f' ({len(mine)})':<40} {distribution(mine)}")
