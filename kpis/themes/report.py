"""A window's comment themes as people read them: counts, trend, low ratings, CSAT, examples,
agents and tags. Pure: rated comments in, a frozen result out (the store is read elsewhere).

The previous window's comments are not grouped on their own (their themes would not match
today's); each is placed into the theme of this window it weighs most in, with this window's
vocabulary and model, and ``previous_count`` counts them. Comments are grouped per detected
language (:mod:`kpis.themes.languages`); those in languages outside the supported ones are
counted as ``other_languages``. ``comments`` = comments in themes + ``uncategorised`` +
``other_languages``: a comment without content, or of a language with too few comments to find
themes in, is uncategorised.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kpis.themes.finding import Comment, Theme, find_themes, has_content
from kpis.themes.languages import OTHER, themes_by_language

#: Example comments shown per theme, and how much of each.
EXAMPLES = 3
EXAMPLE_CHARS = 500


@dataclass(frozen=True)
class RatedComment:
    """A received rating's comment with what it is linked to (ids are ``source:instance:id``)."""

    id: str
    text: str
    rated_at: datetime
    positive: bool
    low: bool
    score_raw: str | None = None
    ticket_id: str | None = None
    url: str | None = None
    agent_id: str | None = None
    agent_name: str | None = None
    team_id: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThemeSummary:
    label: str
    language: str
    terms: tuple[str, ...]
    count: int
    previous_count: int
    low_rated: int
    csat: float
    #: The theme's comments, newest first.
    comments: tuple[RatedComment, ...]
    agents: tuple[tuple[str, str, int], ...]  # (id, name, count), most comments first
    tags: tuple[tuple[str, int], ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label, "language": self.language, "terms": list(self.terms), "count": self.count,
            "previous_count": self.previous_count, "low_rated": self.low_rated, "csat": self.csat,
            "examples": [example_json(c) for c in self.comments[:EXAMPLES]],
            "agents": [{"id": i, "name": n, "count": k} for i, n, k in self.agents],
            "tags": [{"tag": t, "count": k} for t, k in self.tags],
        }


@dataclass(frozen=True)
class CommentThemes:
    comments: int
    uncategorised: int
    other_languages: int
    #: No language had enough comments with content to find themes in.
    too_few: bool
    themes: tuple[ThemeSummary, ...]

    def as_json(self) -> dict[str, Any]:
        return {"comments": self.comments, "uncategorised": self.uncategorised,
                "other_languages": self.other_languages, "too_few": self.too_few,
                "themes": [t.as_json() for t in self.themes]}

    def named(self, wanted: str) -> ThemeSummary | None:
        """The theme whose label is ``wanted``, else the biggest whose label or terms contain it."""
        key = wanted.strip().lower()
        exact = [t for t in self.themes if t.label.lower() == key]
        if exact:
            return exact[0]
        return next((t for t in self.themes if key in t.label.lower() or any(key in term for term in t.terms)), None)


def example_json(comment: RatedComment) -> dict[str, Any]:
    text = comment.text if len(comment.text) <= EXAMPLE_CHARS else comment.text[: EXAMPLE_CHARS - 1] + "…"
    return {"ticket_id": comment.ticket_id, "url": comment.url, "comment": text, "score_raw": comment.score_raw,
            "agent": comment.agent_name, "rated_at": comment.rated_at.isoformat()}


def comment_themes(
    current: Sequence[RatedComment], previous: Sequence[RatedComment] = (), *, low_only: bool = False
) -> CommentThemes:
    """The themes of ``current``, with ``previous`` (the window before) counted into them."""
    if low_only:
        current, previous = [c for c in current if c.low], [c for c in previous if c.low]
    # Without content a comment ("ok", an emoji) has no language either: uncategorised, not "other".
    contentful = [c for c in current if has_content(c.text)]
    by_id = {c.id: c for c in contentful}
    results = themes_by_language(_comments(contentful), find_themes,
                                 earlier=_comments([c for c in previous if has_content(c.text)]))
    other = results.pop(OTHER, 0)
    themes = [_summary(theme, lang, by_id) for lang, result in results.items()
              for theme in result.themes]
    # Biggest first; of equal size, the one that grew most (fewest before) first.
    themes.sort(key=lambda t: (-t.count, t.previous_count, t.language, t.label))
    themed = sum(t.count for t in themes)
    too_few = all(r.too_few for r in results.values())
    return CommentThemes(len(current), len(current) - themed - other, other, too_few, tuple(themes))


def _comments(rated: Sequence[RatedComment]) -> list[Comment]:
    return [Comment(c.id, c.text, c.low) for c in rated]


def _summary(theme: Theme, language: str, by_id: dict[str, RatedComment]) -> ThemeSummary:
    members = sorted((by_id[i] for i in theme.comment_ids), key=lambda c: (c.rated_at, c.id), reverse=True)
    agents = Counter((c.agent_id, c.agent_name or c.agent_id) for c in members if c.agent_id)
    tags = Counter(tag for c in members for tag in dict.fromkeys(c.tags))
    positive = sum(c.positive for c in members)
    return ThemeSummary(
        label=theme.label, language=language, terms=theme.terms, count=len(members),
        previous_count=len(theme.earlier_ids), low_rated=sum(c.low for c in members),
        csat=round(positive / len(members) * 100, 1), comments=tuple(members),
        agents=tuple((i, n, k) for (i, n), k in sorted(agents.items(), key=lambda e: (-e[1], e[0][1], e[0][0]))),
        tags=tuple(sorted(tags.items(), key=lambda e: (-e[1], e[0]))),
    )
