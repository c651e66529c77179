""""Did you mean …?" for a name someone typed that is not one of the names the tool knows (a team,
a digest, a connector, a helpdesk instance): one helper, so that every such message reads alike.
Names match as the directory matches them: case, spaces and accents aside (:func:`kpis.directory.closest`).
"""

from __future__ import annotations

from collections.abc import Sequence

from kpis.directory import closest


def name_hint(typed: str, names: Sequence[str], *, listing: str, always_list: bool = False) -> str:
    """"; did you mean 'Billing'?" for a likely misspelling of one of ``names``, else
    "; <listing>: a, b"; ``always_list``: the names follow the suggestion too ("(<listing>: a, b)")."""
    known = ", ".join(names) or "none"
    close = closest(typed, names, cutoff=0.5)
    if close is None:
        return f"; {listing}: {known}"
    return f"; did you mean {close!r}?" + (f" ({listing}: {known})" if always_list else "")
