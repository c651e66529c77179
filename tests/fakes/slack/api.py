"""A local fake of the Slack Web API: a real HTTP server on 127.0.0.1, in a thread.

It speaks Slack's wire format (https://docs.slack.dev/apis/web-api/): every method answers HTTP
200 with ``{"ok": true, ...}`` or ``{"ok": false, "error": "<code>"}``; rate limits are HTTP 429
with ``Retry-After``. It implements what the notifiers use -- ``chat.postMessage`` (threads,
metadata, Block Kit limits enforced as Slack does with ``invalid_blocks``), ``chat.update``,
``conversations.history``, ``conversations.info``, ``conversations.open``, ``auth.test`` and the three steps of a file
upload (``files.getUploadURLExternal``, the POST to the returned upload URL,
``files.completeUploadExternal``), for the `/kpi` command ``users.info``,
``users.lookupByEmail``, ``usergroups.users.list`` and the command's ``response_url`` (posts to
``/commands/...``, answered ``ok`` as Slack does), for ``config check`` ``conversations.list``,
``usergroups.list`` and the ``x-oauth-scopes`` header of every answer, for Socket Mode
``apps.connections.open`` (app-level token only; the URL of a :class:`FakeSocketMode`), for modals
``views.open``, ``views.update`` and ``views.push`` (one-use, 3-second trigger_ids), for the App
Home ``views.publish`` (with an optional Tier 4 window, :meth:`FakeSlack.limit_views_publish`) -- and
lets a test script faults per method. ``conversations.info`` takes a channel id only, as Slack's does.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.fakes.slack.socket_mode import APP_TOKEN, FakeSocketMode
from tests.fakes.slack.views import ViewsApi
from tests.fakes.slack.wire import Scripted, _block_problem, _error, _ok

TOKEN = "xoxb-test-token"
#: What Slack's x-oauth-scopes header lists for a token installed from the project's manifest.
#: How long a trigger_id may be exchanged for a modal, and how deep a modal stack goes:
#: https://docs.slack.dev/surfaces/modals#lifecycle
MANIFEST_SCOPES = (
    "commands", "users:read", "users:read.email", "usergroups:read", "chat:write",
    "channels:history", "groups:history", "files:write", "im:write", "channels:read", "groups:read",
)


@dataclass
class Channel:
    id: str
    name: str
    member: bool = True
    archived: bool = False
    private: bool = False


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    metadata: dict[str, Any] | None = None
    reply_broadcast: bool = False
    edits: int = 0


@dataclass
class Upload:
    file_id: str
    filename: str
    length: int
    alt_txt: str | None
    data: bytes = b""
    title: str | None = None
    channel: str | None = None
    thread_ts: str | None = None


class FakeSlack(ViewsApi):
    def __init__(self) -> None:
        self.channels: dict[str, Channel] = {}
        self.messages: list[Message] = []
        self.uploads: dict[str, Upload] = {}
        #: Slack user ID -> email (users.info, users.lookupByEmail).
        self.users: dict[str, str] = {}
        #: User-group ID -> member user IDs (usergroups.users.list).
        self.groups: dict[str, list[str]] = {}
        #: Deactivated members (users.info answers them with deleted: true) and disabled groups.
        self.deactivated: set[str] = set()
        self.disabled_groups: set[str] = set()
        #: Scopes of the token, sent in the x-oauth-scopes header of every answer; None: no header.
        self.scopes: tuple[str, ...] | None = MANIFEST_SCOPES
        #: auth.test: a bot token has a bot_id; a user token (xoxp-) has none.
        self.bot_token = True
        #: conversations.list page size cap (to exercise its cursor pagination).
        self.list_page_cap = 1000
        #: JSON bodies posted to a slash command's response_url, in arrival order.
        self.responses: list[dict[str, Any]] = []
        #: The same, by the response_url's name (:meth:`response_url`).
        self.responses_to: dict[str, list[dict[str, Any]]] = defaultdict(list)
        #: When the first post to each response_url name arrived (``time.monotonic``), for latency figures.
        self.response_arrivals: dict[str, float] = {}
        #: Methods whose calls wait, unanswered, until :meth:`release` (or the fake stops).
        self._held: dict[str, threading.Event] = {}
        self._arrived = threading.Condition()
        #: Every request: (method, params), in arrival order (upload URL posts as "upload").
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._scripts: dict[str, deque[Scripted]] = defaultdict(deque)
        #: The Socket Mode end apps.connections.open points at, when a test runs one.
        self.socket_mode: FakeSocketMode | None = None
        #: Modals opened (views.open, views.push) by view id, as last updated.
        self.views: dict[str, dict[str, Any]] = {}
        self.views_stack: list[str] = []
        #: Views submitted whose acknowledgement Slack has not applied yet (see ViewsApi.view_submitting).
        self.submitting: dict[str, threading.Event] = {}
        #: trigger_id -> when handed out (``time.monotonic``); exchanged ones, for their own error.
        self.triggers: dict[str, float] = {}
        self.exchanged: set[str] = set()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.port = self.server.server_address[1]
        # A short poll interval: shutting the server down at the end of a test takes that long.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    # -- test controls -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def add_channel(self, name: str, channel_id: str, *, member: bool = True, archived: bool = False,
                    private: bool = False) -> Channel:
        channel = Channel(channel_id, name, member, archived, private)
        self.channels[channel_id] = channel
        return channel

    def script(self, method: str, *responses: Scripted) -> None:
        """Answer the next calls of ``method`` with ``responses``, in order, then normally again."""
        self._scripts[method].extend(responses)

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        self.script(method, *[Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})] * times)

    def fail(self, method: str, error: str, *, times: int = 1, **extra: Any) -> None:
        self.script(method, *[Scripted(200, {"ok": False, "error": error, **extra})] * times)

    def hold(self, method: str) -> None:
        """Calls of ``method`` wait unanswered from now on (a Slack that hangs), until :meth:`release`."""
        self._held[method] = threading.Event()

    def release(self) -> None:
        for gate in self._held.values():
            gate.set()
        self._held.clear()

    def response_url(self, name: str = "1") -> str:
        """A slash command's response_url pointing here."""
        return f"http://127.0.0.1:{self.port}/commands/T0FAKE/{name}/hookpart"

    def wait_for_responses(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.responses) >= count, timeout=timeout)
        return list(self.responses)

    def receive_response(self, body: dict[str, Any], name: str = "") -> None:
        with self._arrived:
            self.response_arrivals.setdefault(name, time.monotonic())
            self.responses.append(body)
            self.responses_to[name].append(body)
            self._arrived.notify_all()

    def wait_for_response(self, name: str, timeout: float) -> float | None:
        """When the first post to response_url ``name`` arrived (``time.monotonic``); None if none
        did within ``timeout`` seconds."""
        with self._arrived:
            self._arrived.wait_for(lambda: name in self.response_arrivals, timeout=timeout)
            return self.response_arrivals.get(name)

    def method_calls(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    def top_level(self, channel_id: str | None = None) -> list[Message]:
        return [m for m in self.messages if m.thread_ts is None and (channel_id is None or m.channel == channel_id)]

    def replies(self, ts: str) -> list[Message]:
        return [m for m in self.messages if m.thread_ts == ts]

    def files_in_thread(self, ts: str) -> list[Upload]:
        return [u for u in self.uploads.values() if u.thread_ts == ts]

    def __enter__(self) -> FakeSlack:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    # -- the API -------------------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any], token: str | None) -> Scripted:
        gate = self._held.get(method)
        if gate is not None:
            with self._lock:
                self.calls.append((method, params))
            gate.wait(timeout=120)  # bounded: a failed test must not hang the fake
            return _error("request_timeout")
        with self._lock:
            self.calls.append((method, params))
            if self._scripts[method]:
                return self._scripts[method].popleft()
            if method == "apps.connections.open":
                return self._connections_open(token)
            if token != TOKEN:
                return _error("invalid_auth")
            handler = getattr(self, "api_" + method.replace(".", "_"), None)
            if handler is None:
                return _error("unknown_method")
            answer = handler(params)
            if self.scopes is not None:
                answer.headers.setdefault("x-oauth-scopes", ",".join(self.scopes))
            return answer

    def _channel(self, name_or_id: str | None, *, post: bool = False) -> Channel | Scripted:
        wanted = (name_or_id or "").lstrip("#")
        channel = self.channels.get(wanted) or next((c for c in self.channels.values() if c.name == wanted), None)
        if channel is None:
            return _error("channel_not_found")
        if post and channel.archived:
            return _error("is_archived")
        if post and not channel.member:
            return _error("not_in_channel")
        return channel

    def _new_ts(self) -> str:
        # Like Slack: the posting time in epoch seconds, made unique in its last digits.
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _connections_open(self, token: str | None) -> Scripted:
        """Socket Mode's first step: only an app-level token may ask, and gets a WebSocket URL
        (https://docs.slack.dev/reference/methods/apps.connections.open/)."""
        if token == TOKEN:
            return _error("not_allowed_token_type")
        if token != APP_TOKEN or self.socket_mode is None:
            return _error("invalid_auth")
        return _ok(url=self.socket_mode.url())

    def api_auth_test(self, params: dict[str, Any]) -> Scripted:
        bot = {"bot_id": "B0FAKE"} if self.bot_token else {}
        return _ok(url="https://fake.slack.test/", team="Fake Co", user="kpi", team_id="T0FAKE", user_id="UBOT",
                   is_enterprise_install=False, **bot)

    def api_conversations_list(self, params: dict[str, Any]) -> Scripted:
        # https://docs.slack.dev/reference/methods/conversations.list: private channels only where
        # the bot is a member; cursor pagination in response_metadata.next_cursor.
        visible = [c for c in self.channels.values() if not c.private or c.member]
        limit = min(int(params.get("limit") or 100), self.list_page_cap)
        start = int(params.get("cursor") or 0)
        page = visible[start:start + limit]
        more = start + limit < len(visible)
        return _ok(channels=[{"id": c.id, "name": c.name, "is_member": c.member, "is_archived": c.archived,
                              "is_private": c.private} for c in page],
                   response_metadata={"next_cursor": str(start + limit) if more else ""})

    def api_usergroups_list(self, params: dict[str, Any]) -> Scripted:
        # https://docs.slack.dev/reference/methods/usergroups.list
        include_disabled = str(params.get("include_disabled")).lower() in ("1", "true")
        groups = [{"id": gid, "handle": gid.lower(), "name": gid,
                   "date_delete": 1700000000 if gid in self.disabled_groups else 0}
                  for gid in self.groups if include_disabled or gid not in self.disabled_groups]
        return _ok(usergroups=groups)

    def api_users_info(self, params: dict[str, Any]) -> Scripted:
        user = params.get("user", "")
        if user not in self.users:
            return _error("user_not_found")
        return _ok(user={"id": user, "team_id": "T0FAKE", "name": user.lower(), "deleted": user in self.deactivated,
                         "profile": {"email": self.users[user], "real_name": user}})

    def api_users_lookupByEmail(self, params: dict[str, Any]) -> Scripted:
        email = str(params.get("email", "")).lower()
        found = next((user for user, known in self.users.items() if known.lower() == email), None)
        if found is None:
            return _error("users_not_found")
        return _ok(user={"id": found, "profile": {"email": email}})

    def api_usergroups_users_list(self, params: dict[str, Any]) -> Scripted:
        group = params.get("usergroup", "")
        if group not in self.groups:
            return _error("no_such_subteam")
        return _ok(users=list(self.groups[group]))

    def api_conversations_info(self, params: dict[str, Any]) -> Scripted:
        if params.get("channel") not in self.channels:  # ids only: https://docs.slack.dev/reference/methods/conversations.info
            return _error("channel_not_found")
        channel = self._channel(params.get("channel"))
        if isinstance(channel, Scripted):
            return channel
        return _ok(channel={"id": channel.id, "name": channel.name, "is_member": channel.member,
                            "is_archived": channel.archived, "is_private": channel.private})

    def api_chat_postMessage(self, params: dict[str, Any]) -> Scripted:
        channel = self._channel(params.get("channel"), post=True)
        if isinstance(channel, Scripted):
            return channel
        blocks = params.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if not params.get("text") and not blocks:
            return _error("no_text")
        problem = _block_problem(blocks)
        if problem:
            return _error("invalid_blocks", errors=[problem])
        if params.get("thread_ts") and not any(m.ts == params["thread_ts"] for m in self.messages):
            return _error("thread_not_found")
        message = Message(channel.id, self._new_ts(), params.get("text", ""), blocks, params.get("thread_ts"),
                          params.get("metadata"), bool(params.get("reply_broadcast")))
        self.messages.append(message)
        return _ok(channel=channel.id, ts=message.ts, message={"text": message.text, "ts": message.ts})

    def api_chat_update(self, params: dict[str, Any]) -> Scripted:
        channel = self._channel(params.get("channel"), post=True)
        if isinstance(channel, Scripted):
            return channel
        message = next((m for m in self.messages if m.channel == channel.id and m.ts == params.get("ts")), None)
        if message is None:
            return _error("message_not_found")
        blocks = params.get("blocks") or []
        problem = _block_problem(blocks)
        if problem:
            return _error("invalid_blocks", errors=[problem])
        message.text, message.blocks, message.edits = params.get("text", ""), blocks, message.edits + 1
        return _ok(channel=channel.id, ts=message.ts, text=message.text)

    def api_conversations_history(self, params: dict[str, Any]) -> Scripted:
        channel = self._channel(params.get("channel"))
        if isinstance(channel, Scripted):
            return channel
        if channel.id.startswith("D") and "im:history" not in (self.scopes or ()):
            # A direct message's history needs im:history, which the manifest does not ask for:
            # https://docs.slack.dev/reference/methods/conversations.history
            return _error("missing_scope", needed="im:history", provided=",".join(self.scopes or ()))
        oldest = float(params.get("oldest") or 0)
        include_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        found = []
        for m in reversed(self.top_level(channel.id)):
            if float(m.ts) < oldest:
                continue
            item = {"type": "message", "ts": m.ts, "text": m.text}
            if include_metadata and m.metadata:
                item["metadata"] = m.metadata
            found.append(item)
        return _ok(messages=found, has_more=False)

    def api_conversations_open(self, params: dict[str, Any]) -> Scripted:
        """A direct message with one user (https://docs.slack.dev/reference/methods/conversations.open):
        ``users`` is a comma-separated list of user IDs; the answer names the DM channel."""
        users = [u for u in (params.get("users") or "").split(",") if u]
        if not users:
            return _error("users_list_not_supplied")
        if any(u not in self.users for u in users):
            return _error("user_not_found")
        if any(u in self.deactivated for u in users):
            return _error("user_disabled")
        channel_id = "D" + users[0].removeprefix("U")
        self.channels.setdefault(channel_id, Channel(channel_id, f"dm-{users[0]}"))
        return _ok(channel={"id": channel_id})

    def api_files_getUploadURLExternal(self, params: dict[str, Any]) -> Scripted:
        if not params.get("filename") or not params.get("length"):
            return _error("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        self.uploads[file_id] = Upload(file_id, params["filename"], int(params["length"]), params.get("alt_txt"))
        return _ok(upload_url=f"http://127.0.0.1:{self.port}/upload/{file_id}", file_id=file_id)

    def api_files_completeUploadExternal(self, params: dict[str, Any]) -> Scripted:
        files = json.loads(params.get("files") or "[]")
        channel = None
        if params.get("channel_id"):
            channel = self._channel(params["channel_id"], post=True)
            if isinstance(channel, Scripted):
                return channel
        done = []
        for item in files:
            upload = self.uploads.get(item.get("id"))
            if upload is None or len(upload.data) != upload.length:
                return _error("file_not_found")
            upload.title = item.get("title")
            upload.channel = channel.id if channel else None
            upload.thread_ts = params.get("thread_ts")
            done.append({"id": upload.file_id, "title": upload.title, "name": upload.filename})
        return _ok(files=done)

    def receive_upload(self, file_id: str, data: bytes) -> tuple[int, str]:
        with self._lock:
            self.calls.append(("upload", {"file_id": file_id, "length": len(data)}))
            upload = self.uploads.get(file_id)
            if upload is None:
                return 404, "Not Found"
            upload.data = data
            return 200, f"OK - {len(data)}"


def _handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            path = urlparse(self.path).path
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if path.startswith("/commands/"):
                fake.receive_response(json.loads(raw or b"{}"), path.split("/")[3] if path.count("/") >= 3 else "")
                self._send(200, b"ok", "text/plain")
                return
            if path.startswith("/upload/"):
                status, text = fake.receive_upload(path.rsplit("/", 1)[1], raw)
                self._send(status, text.encode(), "text/plain")
                return
            if not path.startswith("/api/"):
                self._send(404, b"not found", "text/plain")
                return
            params: dict[str, Any] = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
            if "json" in (self.headers.get("Content-Type") or ""):
                params.update(json.loads(raw or b"{}"))
            else:
                params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
            auth = self.headers.get("Authorization") or ""
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else params.get("token")
            answer = fake.handle(path.removeprefix("/api/"), params, token)
            self._send(answer.status, json.dumps(answer.body).encode(), "application/json; charset=utf-8", answer.headers)

        def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler
