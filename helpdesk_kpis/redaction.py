"""Known secrets kept out of every log line, whoever writes it.

Our own messages never carry a secret. Libraries are another matter: at DEBUG level zenpy logs
each request's full URL, which holds the password of a proxy given as ``https://user:pass@host``.
Once the settings are read, every secret value they hold is registered here, and a log-record
factory replaces it with ``••••`` in each record's message (and traceback text) as the record is
made, before any handler sees it. Records below a logger's level are never made, so this costs
nothing unless DEBUG logging is on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

#: Shorter values are not worth hiding (and would blank out common words).
MIN_LENGTH = 4
MASK = "••••"

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def protect(secrets: Iterable[str | None] = (), urls: Iterable[str | None] = ()) -> None:
    """Never let these values, nor a password inside one of these URLs, appear in a log line."""
    found = {value for value in secrets if value}
    for url in urls:
        password = urlsplit(url).password if url and "://" in url else None
        if password:
            found.add(password)
    with _lock:
        _secrets.update(value for value in found if len(value) >= MIN_LENGTH)
    _install()


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    make_record = logging.getLogRecordFactory()

    def redacting_factory(*args, **kwargs) -> logging.LogRecord:  # noqa: ANN002, ANN003
        record = make_record(*args, **kwargs)
        if not _secrets:
            return record
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record that cannot format is left to logging's own handling
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(redacting_factory)
