"""The view methods of the fake Slack Web API: modals (``views.open``, ``views.update``,
``views.push``) and the App Home (``views.publish``), mixed into :class:`~tests.fakes.slack.api.FakeSlack`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from typing import Any

from tests.fakes.slack.wire import Scripted, _block_problem, _error, _ok

TRIGGER_SECONDS = 3
MAX_VIEW_STACK = 3


class ViewsApi:
    # -- modals: views.open / views.update / views.push ---------------------------------------
    # https://docs.slack.dev/reference/methods/views.open (and .update, .push): a trigger_id is
    # good for one exchange within 3 seconds of the interaction (expired_trigger_id,
    # exchanged_trigger_id); a view is found by view_id or external_id (not_found); a hash that is
    # not the view's current one is hash_conflict; a malformed view is invalid_arguments with the
    # reasons in response_metadata.messages. Tests hand out triggers with :meth:`trigger`.

    def trigger(self, *, expired: bool = False) -> str:
        """A trigger_id as an interaction payload carries it (``expired``: older than 3 seconds)."""
        trigger_id = f"{next(self._ids)}.47445629121.{next(self._ids):032x}"
        self.triggers[trigger_id] = time.monotonic() - (TRIGGER_SECONDS + 1 if expired else 0)
        return trigger_id

    def api_views_open(self, params: dict[str, Any]) -> Scripted:
        problem = self._exchange(params.get("trigger_id"))
        return problem or self._store_view(params, stack=None)

    def api_views_push(self, params: dict[str, Any]) -> Scripted:
        problem = self._exchange(params.get("trigger_id"))
        if problem:
            return problem
        if not self.views:
            return _error("not_found")
        if len(self.views_stack) >= MAX_VIEW_STACK:
            return _error("push_limit_reached")
        return self._store_view(params, stack=self.views_stack[-1] if self.views_stack else None)

    def api_views_update(self, params: dict[str, Any]) -> Scripted:
        view_id, external_id = params.get("view_id"), params.get("external_id")
        if not view_id and not external_id:
            return _error("invalid_arguments", response_metadata={"messages": ["view_id or external_id is required"]})
        found = self.views.get(view_id) if view_id else next(
            (v for v in self.views.values() if v.get("external_id") == external_id), None)
        if found is None:
            return _error("not_found")
        applied = self.submitting.get(found["id"])
        if applied is not None:  # the submission's acknowledgement comes first (view_submitting)
            applied.wait(10)
        if params.get("hash") and params["hash"] != found["hash"]:
            return _error("hash_conflict")
        view = _view_param(params.get("view"))
        problem = _view_problem(view)
        if problem:
            return _error("invalid_arguments", response_metadata={"messages": [problem]})
        found.update(view, id=found["id"], hash=self._new_ts())
        found["updates"] = found.get("updates", 0) + 1
        return _ok(view=dict(found))

    def view_submitting(self, view_id: str) -> None:
        """A view_submission of ``view_id`` is on its way to the app. Slack applies the app's
        acknowledgement when the answer to that request arrives, before any views.update the app
        makes afterwards; in a test the acknowledgement is applied by the test's thread once it has
        the answer (:meth:`view_submitted`), so until then an update of the view waits for it, as
        the app's follow-up (a lazy listener, started before the answer is sent) would reach Slack
        after it."""
        self.submitting[view_id] = threading.Event()

    def view_submitted(self, view_id: str, response: dict[str, Any] | None) -> None:
        """What Slack does with a view_submission's ack: ``update`` replaces the view in place."""
        if response and response.get("response_action") == "update":
            self.views[view_id].update(response["view"], id=view_id, hash=self._new_ts())
        applied = self.submitting.pop(view_id, None)
        if applied is not None:
            applied.set()

    def _exchange(self, trigger_id: str | None) -> Scripted | None:
        if not trigger_id:
            return _error("invalid_arguments", response_metadata={"messages": ["invalid `trigger_id`"]})
        issued = self.triggers.pop(trigger_id, None)
        if issued is None and trigger_id in self.exchanged:
            return _error("exchanged_trigger_id")
        if issued is None:  # Slack's sample error answer for a trigger it never issued
            return _error("invalid_arguments", response_metadata={"messages": ["invalid `trigger_id`"]})
        self.exchanged.add(trigger_id)
        if time.monotonic() - issued > TRIGGER_SECONDS:
            return _error("expired_trigger_id")
        return None

    def _store_view(self, params: dict[str, Any], *, stack: str | None) -> Scripted:
        view = _view_param(params.get("view"))
        problem = _view_problem(view)
        if problem:
            return _error("invalid_arguments", response_metadata={"messages": [problem]})
        if view.get("external_id") and any(v.get("external_id") == view["external_id"] for v in self.views.values()):
            return _error("duplicate_external_id")
        view_id = f"V{next(self._ids):08d}"
        root = self.views[stack]["root_view_id"] if stack else view_id
        stored = {**view, "id": view_id, "hash": self._new_ts(), "root_view_id": root,
                  "previous_view_id": stack, "state": {"values": {}}}
        self.views[view_id] = stored
        self.views_stack.append(view_id)
        return _ok(view=dict(stored))

    # -- the App Home: views.publish (https://docs.slack.dev/reference/methods/views.publish) -----

    def limit_views_publish(self, calls: int, per_seconds: float = 60.0) -> None:
        """Enforce a Tier 4 style window on views.publish: at most ``calls`` per ``per_seconds``,
        then HTTP 429 with ``Retry-After`` (whole seconds until the window has room again), as
        https://docs.slack.dev/apis/web-api/rate-limits describes."""
        home = self._home()
        home["limit"] = (calls, per_seconds)

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The view last published to ``user_id``'s Home."""
        return self._home()["views"].get(user_id)

    def _home(self) -> dict[str, Any]:
        return self.__dict__.setdefault("_home_state", {"views": {}, "limit": None, "accepted": deque(), "limited": 0})

    def api_views_publish(self, params: dict[str, Any]) -> Scripted:
        home = self._home()
        if home["limit"] is not None:
            calls, per_seconds = home["limit"]
            now = time.monotonic()
            accepted = home["accepted"]
            while accepted and accepted[0] <= now - per_seconds:
                accepted.popleft()
            if len(accepted) >= calls:
                home["limited"] += 1
                wait = max(1, int(accepted[0] + per_seconds - now + 0.999))
                return Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)})
            accepted.append(now)
        user_id = params.get("user_id")
        raw = params.get("view")
        if not user_id or not raw:
            return _error("invalid_arguments")
        if len(raw.encode() if isinstance(raw, str) else json.dumps(raw).encode()) > 250_000:
            return _error("view_too_large")
        try:
            view = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            return _error("invalid_arguments", response_metadata={"messages": ["[ERROR] view is not JSON"]})
        problem = _home_view_problem(view, self.uploads, user_id)
        if problem:
            return _error("invalid_arguments", response_metadata={"messages": [f"[ERROR] {problem}"]})
        home["views"][user_id] = view
        return _ok(view={**view, "id": f"V{next(self._ids):08d}", "hash": f"{time.time():.7f}", "team_id": "T0FAKE"})


def _view_param(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return {}
    return raw if isinstance(raw, dict) else {}


def _view_problem(view: dict[str, Any]) -> str | None:
    """A modal's own limits (https://docs.slack.dev/reference/views/modal-views), checked apart
    from slack-sdk: title and buttons at most 24 characters, 100 blocks, private_metadata 3000."""
    if view.get("type") != "modal":
        return "view.type must be modal"
    title = (view.get("title") or {}).get("text") or ""
    if not title or len(title) > 24:
        return "view.title must be 1 to 24 characters"
    for button in ("submit", "close"):
        if view.get(button) and len(view[button].get("text") or "") > 24:
            return f"view.{button} must be at most 24 characters"
    blocks = view.get("blocks") or []
    if len(blocks) > 100:
        return "view.blocks must be at most 100"
    if any(b.get("type") == "input" for b in blocks) and not view.get("submit"):
        return "a view with input blocks needs a submit button"
    if len(view.get("private_metadata") or "") > 3000:
        return "view.private_metadata must be at most 3000 characters"
    return _block_problem([b for b in blocks if b.get("type") != "input"])


def _home_view_problem(view: dict[str, Any], uploads: dict[str, Any], user_id: str) -> str | None:
    """Slack's rules for a Home view (https://docs.slack.dev/reference/views/home-tab-views), checked
    here independently of slack-sdk: its type, at most 100 blocks, and an image's ``slack_file`` a
    file its viewer can see (https://docs.slack.dev/reference/block-kit/composition-objects/slack-file-object)."""
    if not isinstance(view, dict) or view.get("type") != "home":
        return "view type must be home"
    blocks = view.get("blocks") or []
    if len(blocks) > 100:
        return f"must provide less than 100 items [json-pointer:/view/blocks] ({len(blocks)})"
    problem = _block_problem(blocks[:50]) or _block_problem(blocks[50:])
    if problem:
        return problem
    for i, block in enumerate(blocks):
        if block.get("type") != "image" or "slack_file" not in block:
            continue
        upload = uploads.get((block["slack_file"] or {}).get("id"))
        # The viewer sees a file shared in their direct message with the app (its channel D + user).
        if upload is None or upload.channel != "D" + user_id.removeprefix("U"):
            return f"invalid slack file [json-pointer:/view/blocks/{i}/slack_file]"
    return None
