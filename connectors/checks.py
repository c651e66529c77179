"""What every connector's ``check()`` does per item: make the real call, and turn its outcome into
a :class:`~connectors.base.CheckResult` (a failure keeps its one-line error and gets its fix)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connectors.base import CheckResult
from kpis.errors import HelpdeskKpisError


def probe(name: str, call: Callable[[], Any], *, fix: str, found: str | Callable[[Any], str] = "ok") -> tuple[CheckResult, Any]:
    """``call()``'s result and the check it makes; never raises for an expected failure."""
    try:
        value = call()
    except HelpdeskKpisError as error:
        return CheckResult(name, False, str(error), fix), None
    return CheckResult(name, True, found(value) if callable(found) else found), value
