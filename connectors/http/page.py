"""What one answered request hands on: its status, headers, URL and parsed JSON body, frozen.

The session parses and checks the body once (an HTML page or broken JSON stops the run there);
paginators and streams read this value instead of a ``requests.Response`` with the body patched on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests


@dataclass(frozen=True, slots=True)
class ApiPage:
    url: str
    status: int
    response_headers: Mapping[str, str]
    #: The parsed JSON body; ``None`` for an empty body or an accepted error status.
    body: Any
    #: ``Link`` header relations (RFC 8288) by ``rel``, as ``requests`` parses them.
    links: Mapping[str, Mapping[str, str]]

    @property
    def ok(self) -> bool:
        return self.status < 400

    @classmethod
    def of(cls, response: requests.Response, body: Any) -> ApiPage:
        return cls(response.url, response.status_code, dict(response.headers), body, response.links)
