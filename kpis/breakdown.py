"""Group keys for the breakdown scopes (channel, priority, tag).

A ticket belongs to one channel and one priority, but to each of its tags: a ticket with
three tags counts in each of the three tag rows. Tags compare lower-cased, as helpdesks
treat them case-insensitively.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

OTHER_TAGS = "other tags"
#: Between the tags of one ticket's tag set when it is kept as one string (no tag contains it).
TAG_SEPARATOR = "\x1f"


def tag_keys(tags: Iterable[str]) -> tuple[str, ...]:
    """The ticket's distinct tags, lower-cased, in first-seen order."""
    seen: dict[str, None] = {}
    for tag in tags:
        key = tag.strip().lower().replace(TAG_SEPARATOR, " ")
        if key:
            seen.setdefault(key, None)
    return tuple(seen)


def tag_counts(tickets_tags: Iterable[Sequence[str]]) -> Counter[str]:
    """Tickets per tag (a multi-tag ticket counts once under each of its tags)."""
    counts: Counter[str] = Counter()
    for tags in tickets_tags:
        counts.update(tag_keys(tags))
    return counts


def fold_small_tags(counts: Counter[str], min_sample: int) -> dict[str, str]:
    """Table row for each tag: itself, or "other tags" when below min_sample (tables only;
    the JSON keeps every tag)."""
    return {tag: (tag if n >= min_sample else OTHER_TAGS) for tag, n in counts.items()}
