"""Catches text that rich markup would swallow: every string the command line renders with markup
on (tables, panels, printed lines) is parsed as rich parses it; a bracketed word that is no style
(``[[alerts]]``, ``[server] host``, a team named "[EU] Billing") would vanish from the output."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import rich.console
import rich.markup
from rich.errors import StyleSyntaxError
from rich.style import Style


def swallowed(markup: str) -> list[str]:
    """The bracketed parts of ``markup`` rich would take for tags and drop (not styles, not closings)."""
    lost = []
    for _position, _text, tag in rich.markup._parse(markup):
        if tag is None or tag.name.startswith(("/", "@")):
            continue
        try:
            Style.parse(str(tag))
        except StyleSyntaxError:
            lost.append(f"[{tag}]")
    return lost


@contextmanager
def markup_guard(monkeypatch: Any) -> Iterator[list[str]]:
    """Every swallowed bracket rendered inside the block, as "'[name]' in: <text>" lines."""
    found: list[str] = []
    original: Callable[..., Any] = rich.markup.render

    def render(markup: str, *args: Any, **kwargs: Any) -> Any:
        found.extend(f"{part!r} in: {markup}" for part in swallowed(markup))
        return original(markup, *args, **kwargs)

    monkeypatch.setattr(rich.markup, "render", render)  # Text.from_markup: panel titles, subtitles
    monkeypatch.setattr(rich.console, "render_markup", render)  # Console.print, table cells
    yield found
