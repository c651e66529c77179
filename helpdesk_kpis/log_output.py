"""Where log records go and how they look: ``--log-level`` and ``--log-format text|json``.

- **text** (default): ``2026-12-03T09:00:00.123+00:00 INFO helpdesk_kpis.serve: message``, ISO
  timestamps with their zone.
- **json**: one object per line, ``{"time", "level", "logger", "message"}`` plus the context of
  the work being done (``job``, ``instance``, ``team``) when there is one, so a log pipeline can
  filter by it without parsing the message.

Libraries' INFO chatter (alembic's migration steps, APScheduler's "Added job", slack_sdk's
connection notes, uvicorn's start lines) is held at WARNING unless ``--log-level debug``. Secrets
are masked by :mod:`helpdesk_kpis.redaction` as each record is made, before any formatter runs, so
the JSON lines are as clean as the text ones.

`serve` also prints what it does (jobs scheduled, syncs, digests) on its console; with
``--log-format json`` those lines become log records too (:class:`ConsoleLines`), so that its
whole output is JSON.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import json
import logging
import sys
from collections.abc import Iterator
from datetime import datetime, timezone

LEVELS = ("debug", "info", "warning", "error")
FORMATS = ("text", "json")
#: Loggers of libraries whose INFO lines say nothing an admin acts on.
CHATTY = ("alembic", "apscheduler", "slack_sdk", "slack_bolt", "notifiers.slash.bolt", "notifiers.slash.socket",
          "uvicorn", "urllib3", "websockets", "zenpy", "matplotlib")
#: Record attributes that carry the context of the work being done.
CONTEXT = ("job", "instance", "team")

_context: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("log_context", default={})
_format: list[str] = []  # the format configured last, if any


def active_format() -> str | None:
    return _format[-1] if _format else None


@contextlib.contextmanager
def log_context(**fields: str) -> Iterator[None]:
    """Every record logged inside (in this thread) carries these fields: ``job``, ``instance``, ``team``."""
    token = _context.set({**_context.get(), **fields})
    try:
        yield
    finally:
        _context.reset(token)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record arrives, not the stream it was when logging
    was set up: one replaced since (a captured or closed stream) would turn every later record
    into a "--- Logging error ---" traceback."""

    @property  # type: ignore[override]
    def stream(self):  # noqa: ANN201 - a text stream
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # noqa: ANN001 - StreamHandler.__init__ sets it
        pass


def configure(level: str = "info", fmt: str = "text") -> None:
    """Send records at ``level`` and above to stderr in ``fmt``; hold libraries at WARNING."""
    if level not in LEVELS:
        from kpis.errors import ConfigError

        raise ConfigError(f"unknown log level {level!r}; use one of: {', '.join(LEVELS)}")
    if fmt not in FORMATS:
        from kpis.errors import ConfigError

        raise ConfigError(f"unknown log format {fmt!r}; use text or json")
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(_add_context)
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_helpdesk_kpis", False):
            root.removeHandler(old)
    handler._helpdesk_kpis = True  # type: ignore[attr-defined]  # ours, replaced when configured again
    root.addHandler(handler)
    root.setLevel(level.upper())
    _format.append(fmt)
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.DEBUG if level == "debug" else logging.WARNING)


def _add_context(record: logging.LogRecord) -> bool:
    for key, value in _context.get().items():
        if not hasattr(record, key):
            setattr(record, key, value)
    return True


def _iso(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(f"{key}={getattr(record, key)}" for key in CONTEXT if hasattr(record, key))
        line = f"{_iso(record)} {record.levelname} {record.name}: {record.getMessage()}"
        line += f" [{context}]" if context else ""
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        return f"{line}\n{record.exc_text}" if record.exc_text else line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": _iso(record), "level": record.levelname.lower(), "logger": record.name,
                 "message": record.getMessage()}
        entry.update({key: str(getattr(record, key)) for key in CONTEXT if hasattr(record, key)})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class ConsoleLines(io.TextIOBase):
    """A file for rich's Console that turns each printed line into an INFO record (JSON output)."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                self._logger.info(line.rstrip())
        return len(text)

    def flush(self) -> None:
        if self._pending.strip():
            self._logger.info(self._pending.rstrip())
        self._pending = ""
