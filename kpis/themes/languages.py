"""Which language a comment is in, so that themes are found within one language at a time.

py3langid (a maintained fork of langid.py) ships its model inside the package: nothing is
downloaded at run time. Comments in a language other than those below count as "other".
It is imported lazily so that importing the KPI core stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence

SUPPORTED = ("en", "de", "fr", "es")
OTHER = "other"


def detect_languages(texts: Sequence[str]) -> list[str]:
    import py3langid

    out = []
    for text in texts:
        lang, _ = py3langid.classify(text[:2000]) if text and text.strip() else (OTHER, 0.0)
        out.append(lang if lang in SUPPORTED else OTHER)
    return out


def by_language(comments: Sequence) -> dict[str, list]:  # noqa: ANN001
    """``comments`` (anything with a ``text``) grouped by detected language, in their order."""
    groups: dict[str, list] = {}
    for comment, lang in zip(comments, detect_languages([c.text or "" for c in comments])):
        groups.setdefault(lang, []).append(comment)
    return groups


def themes_by_language(comments: Sequence, find, earlier: Sequence = ()) -> dict[str, object]:  # noqa: ANN001
    """Themes within each supported language (``find`` is :func:`~kpis.themes.finding.find_themes`);
    comments of other languages are counted under "other" without themes. ``earlier`` comments
    (the previous window) are placed into the themes of their own language."""
    groups = by_language(comments)
    earlier_groups = by_language(earlier) if earlier else {}
    out = {}
    for lang in sorted(groups):
        if lang == OTHER:
            continue
        out[lang] = find(groups[lang], stop_words="english" if lang == "en" else None,
                         earlier=earlier_groups.get(lang, ()))
    if OTHER in groups:
        out[OTHER] = len(groups[OTHER])
    return out
