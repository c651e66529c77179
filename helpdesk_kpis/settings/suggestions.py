""""Did you mean …?" for a TOML key the settings do not know (``reporting.timezon``). Names typed
on the command line (a team, a digest, a connector, an instance) have theirs from
:func:`kpis.name_hints.name_hint`; KPI keys with the KPI catalogue (jobs/report.py), and commands
the CLI library's own (click: "No such command 'reprot'. Did you mean 'report'?")."""

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
