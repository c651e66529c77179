"""``ApiSession``: a requests session with the retry policy, pacing and error mapping installed once.

Every request through it -- ours, or a client library's such as zenpy's -- is paced, retried by
the one :class:`~connectors.http.retry.RetryPolicy`, and comes back as a 2xx response whose JSON
body has been checked (:meth:`ApiSession.page` hands on an :class:`ApiPage` with it), or raises one of the project's errors:

- 401 / 403: the vendor's ``refusal`` hook builds the :class:`CredentialError` naming the variable;
- 429, 5xx, timeouts, dropped connections: retried, then :class:`RunFailed`; a 429 waits exactly
  what the response asks (``Retry-After``, or the vendor's own retry or reset header);
- an HTML page or unparseable JSON where JSON was due: :class:`MalformedResponse`;
- any other 4xx: :class:`RunFailed`, unless the call lists it in ``accept_status`` (which may
  list 403 too, for an endpoint a plan or a role may lack).

A library handed this session never sees a 429 or a 5xx, so its own retry loop stays idle:
there is one retry layer, not two stacked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import urlsplit

import requests

from connectors.errors import MalformedResponse, RateLimited, RetryableError, stopped
from connectors.http.pacing import Pacer
from connectors.http.page import ApiPage
from connectors.http.retry import RetryPolicy
from connectors.http.waiting import Waiter
from kpis.errors import CredentialError, HelpdeskKpisError, RunFailed

Refusal = Callable[[requests.Response], HelpdeskKpisError]

# Faults of the connection rather than of the request: worth another try.
_DROPPED = (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)


class ApiSession(requests.Session):
    def __init__(
        self,
        *,
        service: str,
        waiter: Waiter,
        policy: RetryPolicy,
        pacer: Pacer,
        refusal: Refusal | None = None,
        timeout: float = 60.0,
    ) -> None:
        super().__init__()
        #: How errors name the other side ("Zendesk acme").
        self.service = service
        self.waiter = waiter
        self.policy = policy
        self.pacer = pacer
        self.refusal = refusal or self._default_refusal
        self.timeout = timeout

    def request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, accept_status: Collection[int] = (), **kwargs: Any
    ) -> requests.Response:
        return self._answer(method, url, accept_status, *args, **kwargs)[0]

    def page(self, method: str, url: str, *, accept_status: Collection[int] = (), **kwargs: Any) -> ApiPage:
        """The answer to one request with its checked JSON body (``None`` for an accepted error status)."""
        return ApiPage.of(*self._answer(method, url, accept_status, **kwargs))

    def _answer(
        self, method: str, url: str, accept_status: Collection[int], *args: Any, **kwargs: Any
    ) -> tuple[requests.Response, Any]:
        kwargs.setdefault("timeout", self.timeout)
        return self.policy.call(lambda: self._attempt(method, url, accept_status, *args, **kwargs))

    def get_json(self, url: str, *, params: dict[str, Any] | None = None, accept_status: Collection[int] = ()) -> Any:
        """GET ``url`` and return its JSON body (``None`` for an accepted non-2xx status)."""
        return self.page("GET", url, params=params, accept_status=accept_status).body

    def report_waits_to(self, on_wait: Callable[[float], None], on_retry: Callable[[bool], None] | None = None) -> None:
        """Send the seconds of every wait from now on to ``on_wait`` (the running stream's display),
        and each retry to ``on_retry`` (True for a 429)."""
        self.waiter.on_wait = on_wait
        if on_retry is not None:
            self.waiter.on_retry = on_retry

    def stop_waiting_when(self, should_stop: Callable[[], bool]) -> None:
        """Before every wait from now on, ask ``should_stop`` (the running sync's stop request)."""
        self.waiter.should_stop = should_stop

    def _attempt(
        self, method: str, url: str, accept_status: Collection[int], *args: Any, **kwargs: Any
    ) -> tuple[requests.Response, Any]:
        self.waiter.pace(self.pacer.delay_for(url))
        self.pacer.sent(url)
        where = f"{self.service} {method} {urlsplit(url).path}"
        try:
            response = super().request(method, url, *args, **kwargs)
        except requests.Timeout:
            raise RetryableError(f"{where} timed out") from None
        except _DROPPED as error:
            raise RetryableError(f"{where}: connection dropped ({type(error).__name__})") from None
        self.pacer.observe(response.headers)
        status = response.status_code
        if status == 429:
            wait = self.pacer.headers.wait_after_refusal(response.headers)
            note = self.pacer.headers.refusal_note(wait)
            raise RateLimited(f"{where}: rate limited (429){note}", retry_after=wait)
        if status >= 500:
            wait = self.pacer.headers.wait_after_refusal(response.headers)
            raise RetryableError(f"{where} answered {status} {response.reason}", retry_after=wait)
        if status >= 400 and status in accept_status:
            return response, None
        if status in (401, 403):
            raise self.refusal(response)
        if status >= 400:
            raise RunFailed(f"{where} answered {status} {response.reason}{_detail(response)}")
        # Checked here for zenpy's requests too: it would choke on a proxy's HTML page less clearly.
        return response, _json_body(response, where)

    def _default_refusal(self, response: requests.Response) -> HelpdeskKpisError:
        return CredentialError(f"{self.service} refused the credentials ({response.status_code}); check them and run again")


def _json_body(response: requests.Response, where: str) -> Any:
    if not response.content:
        return None
    content_type = response.headers.get("Content-Type", "")
    if "html" in content_type.lower():
        reason = f"{where} answered an HTML page instead of JSON (a proxy or maintenance page?)"
        raise MalformedResponse(stopped(reason), reason=reason)
    try:
        return json.loads(response.content)
    except ValueError as error:
        reason = f"{where} answered malformed JSON ({error.args[0] if error.args else error}, {len(response.content):,} bytes)"
        raise MalformedResponse(stopped(reason), reason=reason) from None


def _detail(response: requests.Response) -> str:
    """The vendor's own short error text, when the body has one (never the whole body)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    # Zendesk: error + description; Freshdesk: description + errors[].message; Intercom:
    # errors[].message; Help Scout: message.
    errors = body.get("errors")
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    parts = [body.get("error"), body.get("description"), body.get("message"), first.get("message")]
    text = ": ".join(str(part) for part in parts if isinstance(part, str) and part)
    return f" ({text[:200]})" if text else ""
