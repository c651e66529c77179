"""What a helpdesk's 401 and 403 answers mean, and what the admin should do about them.

Every vendor declares one :class:`RefusalTexts`: the two sentences (credentials refused, access
denied) and which part of the API a path reads, so that the error names the thing the admin can
fix -- the variable, the role, the permission -- and never a value. :class:`ApiSession` calls the
client's ``refusal`` hook for every 401 or 403 it does not accept; the hook is this table bound to
the instance's names (:meth:`RefusalTexts.bind`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

import requests

from kpis.errors import CredentialError


@dataclass(frozen=True)
class RefusalTexts:
    """One vendor's refusal sentences.

    ``unauthorized`` and ``forbidden`` are ``str.format`` templates; they receive ``status``,
    ``path``, ``what`` (the area of the API the path reads, from ``areas``) and the names the
    client binds (``who``, the variable names...).
    """

    unauthorized: str
    forbidden: str
    #: (path fragment, what the endpoint reads), first match wins.
    areas: tuple[tuple[str, str], ...] = ()
    #: What an unlisted path reads.
    other_area: str = "this endpoint"
    #: Paths whose every refusal is about the credentials themselves (an OAuth token endpoint).
    credential_paths: tuple[str, ...] = ()

    def area(self, path: str) -> str:
        return next((name for fragment, name in self.areas if fragment in path), self.other_area)

    def error(self, response: requests.Response, **names: str) -> CredentialError:
        path = urlsplit(response.url).path
        about_credentials = response.status_code == 401 or path.endswith(self.credential_paths)
        template = self.unauthorized if about_credentials else self.forbidden
        return CredentialError(template.format(status=response.status_code, path=path, what=self.area(path), **names))

    def bind(self, **names: str) -> Callable[[requests.Response], CredentialError]:
        """The ``refusal`` hook of one client: this table with the instance's names filled in."""
        return partial(self.error, **names)
