"""A local fake of Slack's Socket Mode: the WebSocket end that ``apps.connections.open`` hands out.

It speaks the protocol of https://docs.slack.dev/apis/events-api/using-socket-mode/: on connect
Slack sends ``{"type": "hello", "num_connections": ..., "connection_info": {"app_id": ...},
"debug_info": {...}}``; each slash command arrives as an envelope ``{"envelope_id": ...,
"type": "slash_commands", "accepts_response_payload": true, "payload": {<the command's form
fields>}}`` that the app must acknowledge within 3 seconds by sending ``{"envelope_id": ...,
"payload": {...}}`` back (the payload is the answer shown to the user); before Slack moves a
connection it sends ``{"type": "disconnect", "reason": "refresh_requested", ...}`` and the app
opens a new one through ``apps.connections.open``. Served by ``websockets`` in a thread.

An app may hold several connections at once (one per endpoint process, up to 10): Slack sends
each envelope to only one of them, a random one, and none to a connection it has told to
disconnect (bolt-python maintainers in https://github.com/slackapi/bolt-python/issues/448 and
https://github.com/slackapi/bolt-python/issues/1071).
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import uuid
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

APP_TOKEN = "xapp-1-A0FAKE-1-test"
APP_ID = "A0FAKE"


class FakeSocketMode:
    def __init__(self) -> None:
        self._server = serve(self._connected, "127.0.0.1", 0)
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-socket-mode", daemon=True)
        self._lock = threading.Condition()
        self._connections: list[ServerConnection] = []
        self._told_to_disconnect: set[ServerConnection] = set()
        self._random = random.Random(0)  # which connection gets an envelope: random, the same in every run
        #: How many envelopes each connection (by opening order, from 1) was sent.
        self.sent_on: dict[int, int] = {}
        self._number: dict[ServerConnection, int] = {}
        self._acks: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        #: How many WebSocket connections the app has opened so far (reconnects included).
        self.opened = 0
        #: Every message the app sent that was not an acknowledgement we were waiting for.
        self.other_messages: list[Any] = []

    def url(self) -> str:
        """A fresh connection URL, as apps.connections.open returns one per call."""
        return f"ws://127.0.0.1:{self.port}/link/?ticket={uuid.uuid4()}&app_id={APP_ID}"

    # -- test controls -------------------------------------------------------------------------

    def wait_connected(self, count: int = 1, timeout: float = 30.0, *, live: int = 1) -> bool:
        """Wait until the app has opened ``count`` connections in all and ``live`` of them are
        open and not told to disconnect."""
        with self._lock:
            return self._lock.wait_for(lambda: self.opened >= count and len(self._usable()) >= live, timeout=timeout)

    def send_command(self, payload: dict[str, Any], *, timeout: float = 30.0) -> dict[str, Any]:
        """Deliver a slash command envelope on the live connection; return the app's ack."""
        return self.send_envelope("slash_commands", payload, accepts_response_payload=True, timeout=timeout)

    def send_envelope(self, envelope_type: str, payload: dict[str, Any], *, accepts_response_payload: bool = False,
                      timeout: float = 30.0) -> dict[str, Any]:
        """Deliver any envelope (``slash_commands``, ``interactive`` for block actions, shortcuts and
        view submissions, ``events_api`` for events such as ``app_home_opened``); return the ack.

        Slack sets ``accepts_response_payload`` on slash commands and on interactions whose ack may
        carry a response (view submissions); events are acknowledged with the envelope id alone."""
        envelope_id = f"env-{next(self._ids)}-{uuid.uuid4().hex[:8]}"
        envelope = {"envelope_id": envelope_id, "type": envelope_type,
                    "accepts_response_payload": accepts_response_payload, "payload": payload}
        if envelope_type == "events_api":
            envelope["retry_attempt"], envelope["retry_reason"] = 0, ""
        connection = self._live(any_of=True)
        with self._lock:
            number = self._number[connection]
            self.sent_on[number] = self.sent_on.get(number, 0) + 1
        connection.send(json.dumps(envelope))
        with self._lock:
            if not self._lock.wait_for(lambda: envelope_id in self._acks, timeout=timeout):
                raise AssertionError(f"no acknowledgement of {envelope_id} within {timeout} s")
            return self._acks.pop(envelope_id)

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the app to move the newest connection to a new one, as Slack does every few hours."""
        connection = self._live()
        with self._lock:
            self._told_to_disconnect.add(connection)
        connection.send(json.dumps({"type": "disconnect", "reason": reason,
                                    "debug_info": {"host": "fake-socket-mode"}}))

    def drop(self) -> None:
        """Close the newest live connection without warning (a network cut)."""
        self._live().close()

    def _live(self, *, any_of: bool = False) -> ServerConnection:
        """The newest connection not told to disconnect; ``any_of``: a random one of those."""
        with self._lock:
            if not self._lock.wait_for(lambda: bool(self._usable()), timeout=30):
                raise AssertionError("the app holds no Socket Mode connection")
            usable = self._usable()
            return self._random.choice(usable) if any_of else usable[-1]

    def _usable(self) -> list[ServerConnection]:
        return [c for c in self._connections if c not in self._told_to_disconnect]

    # -- the protocol ----------------------------------------------------------------------------

    def _connected(self, connection: ServerConnection) -> None:
        with self._lock:
            self.opened += 1
            self._number[connection] = self.opened
            self._connections.append(connection)
            number = len(self._connections)
            self._lock.notify_all()
        connection.send(json.dumps({"type": "hello", "num_connections": number,
                                    "debug_info": {"host": "fake-socket-mode", "approximate_connection_time": 18060},
                                    "connection_info": {"app_id": APP_ID}}))
        try:
            for raw in connection:
                message = json.loads(raw)
                with self._lock:
                    if isinstance(message, dict) and "envelope_id" in message:
                        self._acks[message["envelope_id"]] = message
                    else:
                        self.other_messages.append(message)
                    self._lock.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                if connection in self._connections:
                    self._connections.remove(connection)
                self._told_to_disconnect.discard(connection)
                self._lock.notify_all()

    def __enter__(self) -> FakeSocketMode:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
