from __future__ import annotations

import pytest

pytest.importorskip("py3langid")

from kpis.themes.languages import detect_languages  # noqa: E402


def test_english_german_french_spanish_and_other_languages() -> None:
    texts = ["my refund was never processed, still waiting", "Meine Rückerstattung wurde nie bearbeitet",
             "mon remboursement n'a jamais été traité", "mi reembolso nunca fue procesado",
             "il mio rimborso non è mai stato elaborato", ""]
    assert detect_languages(texts) == ["en", "de", "fr", "es", "other", "other"]
