from __future__ import annotations

import pytest

pytest.importorskip("py3langid")

from kpis.themes.languages import detect_languages  # noqa: E402


def test_english_german_french_spanish_and_other_languages() -> None:
    texts = ["my refund was never processed, still waiting", "Meine Rückerstattung wurde nie bearbeitet",
             "mon remboursement n'a jamais été traité", "mi reembolso nunca fue procesado",
             "il mio rimborso non è mai stato elaborato", ""]
    assert detect_languages(texts) == ["en", "de", "fr", "es", "other", "other"]


def test_planted_themes_in_two_languages_stay_in_their_own_language() -> None:
    pytest.importorskip("sklearn")
    from kpis.themes.finding import Comment, find_themes
    from kpis.themes.languages import themes_by_language
    from tests.kpis.themes.planted import ENGLISH, GERMAN

    german = {k: GERMAN[k] for k in ("erstattung", "passwort")}
    english = {k: ENGLISH[k] for k in ("refund", "password")}
    comments = [Comment(f"{t}-{i}", x) for planted in (german, english) for t, xs in planted.items()
                for i, x in enumerate(xs)]
    result = themes_by_language(comments, find_themes)
    assert set(result) == {"de", "en"}
    for lang, planted in (("de", german), ("en", english)):
        ids = {i for theme in result[lang].themes for i in theme.comment_ids}
        assert all(i.split("-")[0] in planted for i in ids)  # nothing from the other language
        for name in planted:
            best = max(result[lang].themes, key=lambda t: sum(i.startswith(name) for i in t.comment_ids))
            assert sum(i.startswith(name) for i in best.comment_ids) >= 4
