"""What an admin pastes for "which account": a name, the vendor's own URL of it, or a proxy's URL.

``https://acme.zendesk.com`` is the account ``acme``, not a proxy: taking it for one named the
instance ``default`` and keyed every record ``zendesk:default:*``. Only a URL on another host is a
proxy (or a local fake), kept whole in the ``url`` field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlsplit


def account_or_proxy(field: str, own_domain: str) -> Callable[[str], dict[str, str]]:
    """A reader for the ``field`` prompt (``subdomain``): a bare name, or a URL of ``own_domain``
    (``zendesk.com``) naming the account, else a proxy's URL for ``url``."""

    def read(answer: str) -> dict[str, str]:
        text = answer.strip()
        if "://" not in text and "/" not in text and "." not in text:
            return {field: text.lower()}
        host = (urlsplit(text if "://" in text else f"https://{text}").hostname or "").lower()
        suffix = f".{own_domain}"
        if host.endswith(suffix) and host.count(".") == own_domain.count(".") + 1:
            return {field: host.removesuffix(suffix)}
        return {"url": text}

    return read


def region_or_proxy(hosts: Mapping[str, str]) -> Callable[[str], dict[str, str]]:
    """A reader for a ``region`` prompt: a region name, or the vendor's API URL of a region
    (``hosts``: host -> region), else a proxy's URL for ``url``."""

    def read(answer: str) -> dict[str, str]:
        text = answer.strip()
        if "://" not in text and "." not in text:
            return {"region": text.lower()} if text else {}
        host = (urlsplit(text if "://" in text else f"https://{text}").hostname or "").lower()
        return {"region": hosts[host]} if host in hosts else {"url": text}

    return read
