"""Group rating comments into themes with TF-IDF (words and two-word phrases) and NMF.

Deterministic: NMF starts from NNDSVD (no random state involved), and comments are sorted by id
before fitting, so the same comments give the same themes in any order. The number of themes adapts
to the data: about one theme per 6 contentful comments, between 2 and 12, never more than the
distinct vocabulary allows. Comments with fewer than two content words ("ok", "thanks", emojis)
are counted apart as uncategorised instead of being forced into a theme. Comments of an earlier
window (``earlier``) are placed into the themes found now, with the same vocabulary and model, so
that a theme's count can be compared with the window before. sklearn is imported
lazily, inside :func:`find_themes`, so importing this module stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

MIN_COMMENTS = 10  # below this a window has too few comments to say anything about patterns
#: What of a comment is read: enough for any real comment, bounded for a 100 kB paste.
MAX_CHARS = 5000
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_CONTENTLESS = frozenset("thanks thank thx you very much great good bad okay fine the and for was".split())


@dataclass(frozen=True)
class Comment:
    id: str
    text: str
    low: bool = False


@dataclass(frozen=True)
class Theme:
    label: str
    terms: tuple[str, ...]
    comment_ids: tuple[str, ...]
    #: The earlier window's comments this theme's model claims (see :func:`find_themes`).
    earlier_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThemeResult:
    comments: int
    uncategorised: int
    themes: tuple[Theme, ...]
    too_few: bool = False


def has_content(text: str | None) -> bool:
    """At least two words of three letters or more that are not mere politeness."""
    if not text:
        return False
    words = [w for w in _WORD.findall(text[:MAX_CHARS].lower()) if w not in _CONTENTLESS]
    return len(words) >= 2


def theme_count(n: int) -> int:
    return max(2, min(12, round(n / 6)))


def find_themes(
    comments: Sequence[Comment], *, stop_words: str | None = "english", earlier: Sequence[Comment] = ()
) -> ThemeResult:
    ordered = sorted(comments, key=lambda c: c.id)
    useful = [c for c in ordered if has_content(c.text)]
    uncategorised = len(ordered) - len(useful)
    if len(useful) < MIN_COMMENTS:
        return ThemeResult(len(ordered), uncategorised, (), too_few=True)
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2 if len(useful) >= 50 else 1, max_df=0.5, stop_words=stop_words,
                                 token_pattern=r"(?u)\b[^\W\d_]{3,}\b", sublinear_tf=True, max_features=20000)
    try:
        matrix = vectorizer.fit_transform([c.text[:MAX_CHARS] for c in useful])
    except ValueError:  # every word too rare or too common: nothing to group on
        return ThemeResult(len(ordered), len(ordered), (), too_few=True)
    k = min(theme_count(len(useful)), matrix.shape[1], matrix.shape[0])
    model = NMF(n_components=k, init="nndsvd", max_iter=1000, tol=1e-3)
    weights = model.fit_transform(matrix)
    terms = vectorizer.get_feature_names_out()
    best = weights.argmax(axis=1)
    strength = weights.max(axis=1)
    themes, topics = [], []
    for topic in range(k):
        members = tuple(c.id for c, t, s in zip(useful, best, strength) if t == topic and s > 0)
        if not members:
            continue
        top = tuple(str(terms[i]) for i in model.components_[topic].argsort()[::-1][:5])
        phrases = [t for t in top if " " in t]
        label = phrases[0] if phrases else ", ".join(top[:2])
        themes.append(Theme(label, top, members))
        topics.append(topic)
    unassigned = sum(1 for s in strength if s <= 0)
    if earlier:
        claimed = _claim_earlier(earlier, vectorizer, model)
        themes = [replace(t, earlier_ids=claimed.get(topic, ())) for t, topic in zip(themes, topics)]
    themes.sort(key=lambda t: (-len(t.comment_ids), t.label))
    return ThemeResult(len(ordered), uncategorised + unassigned, tuple(themes))


def _claim_earlier(earlier: Sequence[Comment], vectorizer, model) -> dict[int, tuple[str, ...]]:  # noqa: ANN001
    """Each contentful earlier comment joins the topic it weighs most in under this window's model
    (none when it shares no term with any topic)."""
    useful = sorted((c for c in earlier if has_content(c.text)), key=lambda c: c.id)
    claimed: dict[int, list[str]] = {}
    if useful:
        weights = model.transform(vectorizer.transform([c.text[:MAX_CHARS] for c in useful]))
        for comment, topic, strength in zip(useful, weights.argmax(axis=1), weights.max(axis=1)):
            if strength > 0:
                claimed.setdefault(int(topic), []).append(comment.id)
    return {topic: tuple(ids) for topic, ids in claimed.items()}
