"""`/kpi` over Slack's Socket Mode: the process connects out to Slack instead of listening.

Where no public HTTPS address can reach the tool, Slack delivers the command over a WebSocket the
app opens (https://docs.slack.dev/apis/events-api/using-socket-mode/). Bolt's
``SocketModeHandler`` with slack-sdk's built-in client does the protocol: ``apps.connections.open``
with the app-level token (through the Bolt app's ``WebClient``, so ``SLACK_API_URL`` applies),
the acknowledgement of each envelope carrying the answer, a new connection after a ``disconnect``
message or a dropped socket. The same Bolt app answers as over HTTP; Slack does not sign Socket
Mode payloads, the connection itself is authenticated by the token.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from kpis.errors import CredentialError, RunFailed

log = logging.getLogger(__name__)


class SocketModeConnection:
    """``on_request(seconds, answered)``: after each envelope is acknowledged (for the metrics)."""

    def __init__(self, app: App, app_token: str, *, on_request: Callable[[float, bool], None] | None = None) -> None:
        self._app = app
        self._token = app_token
        self._logger = logging.getLogger("notifiers.slash.socket")
        self._first = _Silence()
        self._logger.addFilter(self._first)
        self._handler = _MeasuredHandler(app, app_token=app_token, logger=self._logger)
        self._handler.on_request = on_request

    def connect(self) -> None:
        """Open the first connection; a refused token or an unreachable Slack is one clear error.

        The URL is asked for here rather than inside the client, whose own failure is a logged
        traceback-sized line; later reconnects are the client's, automatic.
        """
        try:
            url = self._app.client.apps_connections_open(app_token=self._token)["url"]
        except SlackApiError as error:
            code = error.response.get("error", "unknown_error")
            raise CredentialError(
                f"SLACK_APP_TOKEN was refused by Slack (apps.connections.open: {code}); create an app-level token "
                "with the connections:write scope (Basic Information › App-Level Tokens) and enable Socket Mode"
            ) from None
        except (SlackClientError, OSError) as error:
            raise RunFailed(f"cannot reach the Slack Web API to open a Socket Mode connection: {type(error).__name__}") from None
        self._handler.client.wss_uri = url
        problem = None
        try:
            self._handler.connect()  # logs and swallows most failures itself: its state says
        except (SlackClientError, OSError) as error:
            problem = type(error).__name__
        finally:
            self._first.silent = False  # later reconnects are logged as they happen
        if problem is not None or not self.connected:
            self.close()
            raise RunFailed(
                f"Slack's Socket Mode connection could not be opened{f' ({problem})' if problem else ''}; check "
                "outgoing WebSocket access to Slack (wss://wss-primary.slack.com)"
            )

    @property
    def connected(self) -> bool:
        return self._handler.client.is_connected()

    def wait_acknowledged(self, deadline: float) -> None:
        """Until every envelope received so far is acknowledged, or ``deadline`` (``time.monotonic``):
        closing the connection before would lose an acknowledgement on its way (Slack then shows
        the caller an error instead of the answer or "working on it")."""
        self._handler.wait_idle(deadline)

    def close(self) -> None:
        self._handler.close()


class _MeasuredHandler(SocketModeHandler):
    """Bolt's handler, timing each envelope from arrival to acknowledgement and counting the
    envelopes not acknowledged yet."""

    on_request: Callable[[float, bool], None] | None = None

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - SocketModeHandler's
        self._pending = 0
        self._idle = threading.Condition()
        super().__init__(*args, **kwargs)

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        started = time.perf_counter()
        answered = False
        with self._idle:
            self._pending += 1
        try:
            super().handle(client, req)
            answered = True
        finally:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()
            if self.on_request is not None:
                self.on_request(time.perf_counter() - started, answered)

    def wait_idle(self, deadline: float) -> None:
        with self._idle:
            # Short waits: a second signal must be handled at once by the (waiting) main thread.
            while self._pending and time.monotonic() < deadline:
                self._idle.wait(min(0.2, max(0.0, deadline - time.monotonic())))


class _Silence(logging.Filter):
    """The client logs a failed first connection at length; that failure is raised as one line instead."""

    silent = True

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: ARG002
        return not self.silent
