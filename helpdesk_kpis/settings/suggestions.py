""""Did you mean …?" for what a user typed and the tool does not know: a TOML key
(``reporting.timezon``), a team (``--team Biling``); KPI keys have theirs with the KPI catalogue
(jobs/report.py), and commands the CLI library's own (click: "No such command 'reprot'. Did you mean
'report'?")."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel


def known_keys(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The keys the table at ``loc`` (a validation error's location, without its last part) may
    hold: follow the model's fields, list items and mapping values down to that table's model."""
    current: Any = model
    for part in loc:
        current = _inner(current)
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue  # a list index, or a mapping's key: the items' model is already current
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = field.annotation
    current = _inner(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [field.alias or name for name, field in current.model_fields.items()]
    return []


def did_you_mean(word: str, keys: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, keys, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def name_hint(typed: str, names: Sequence[str], *, listing: str) -> str:
    """"; did you mean 'Billing'?" for a likely misspelling of one of ``names`` (a team's, an
    agent's: case, spaces and accents aside, as the directory matches them), else "; <listing>: a, b"."""
    from kpis.directory import closest

    close = closest(typed, names, cutoff=0.5)
    return f"; did you mean {close!r}?" if close else f"; {listing}: {', '.join(names) or 'none'}"


def _inner(annotation: Any) -> Any:
    """The model inside ``X | None``, ``list[X]`` and ``dict[str, X]``."""
    while True:
        origin = typing.get_origin(annotation)
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin in (typing.Union, types.UnionType) and args:
            annotation = args[0]
        elif origin in (list, tuple, set, frozenset) and args:
            annotation = args[0]
        elif origin is dict and len(args) == 2:
            annotation = args[1]
        else:
            return annotation
