"""What every connector's ``check()`` does per item: make the real call, and turn its outcome into
a :class:`~kpis.check_result.CheckResult` (a failure keeps its one-line error and gets its fix)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kpis.check_result import CheckResult
from kpis.errors import CredentialError, HelpdeskKpisError

#: A check answers a person waiting at a terminal: one retry of a fault, not a sync's six tries.
CHECK_ATTEMPTS = 2


def probe(
    name: str,
    call: Callable[[], Any],
    *,
    fix: str,
    found: str | Callable[[Any], str] = "ok",
    reach_fix: str | None = None,
) -> tuple[CheckResult, Any]:
    """``call()``'s result and the check it makes; never raises for an expected failure.

    ``fix`` answers a refusal; ``reach_fix`` (when given) any other failure: a wrong address, a
    service down, a proxy's page.
    """
    try:
        value = call()
    except CredentialError as error:
        return CheckResult(name, False, reason(error), fix), None
    except HelpdeskKpisError as error:
        return CheckResult(name, False, reason(error), reach_fix or fix), None
    return CheckResult(name, True, found(value) if callable(found) else found), value


def reason(error: HelpdeskKpisError) -> str:
    """An error's line without the words a sync adds ("stopped: everything synced..."): its ``reason``."""
    return getattr(error, "reason", None) or str(error)
