"""The digest's "What customers said": top three themes of the low ratings with count and change,
instead of the bare list when the list cannot hold every low rating; small teams keep the list."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from kpis.themes.report import CommentThemes, RatedComment, ThemeSummary
from notifiers.digest import digest_message
from tests.notifiers.test_digest_blocks import billing_digest, texts


def theme(label: str, count: int, previous: int, quote: str) -> ThemeSummary:
    newest = RatedComment(id=f"{label}-1", text=quote, rated_at=datetime(2026, 11, 14, tzinfo=timezone.utc),
                          positive=False, low=True)
    return ThemeSummary(label=label, language="en", terms=(label,), count=count, previous_count=previous,
                        low_rated=count, csat=0.0, comments=(newest,), agents=(), tags=())


THEMES = CommentThemes(comments=120, uncategorised=10, other_languages=0, too_few=False, themes=(
    theme("refund not processed", 57, 12, "Refund <never> came & *nobody* _cared_ <!channel>"),
    theme("password reset", 30, 30, "reset link expired"),
    theme("slow reply", 20, 25, "days without an answer"),
    theme("invoice wrong", 3, 0, "charged twice"),
))


def test_many_low_ratings_show_the_top_three_themes_with_their_change():
    payload = digest_message(billing_digest(themes=THEMES, low_rated_limit=1, team="Billing"))
    shown = texts(payload)
    assert "*What customers said* · themes of 120 low-rating comments in 9–15 Nov 2026" in shown
    assert "*refund not processed*: 57, up from 12" in shown
    assert "*password reset*: 30, as before" in shown
    assert "*slow reply*: 20, down from 25" in shown
    assert "invoice wrong" not in shown and "1 more theme:_ `/kpi comments Billing low`" in shown
    # Customer text is escaped: no @channel ping, no broken link markup.
    assert json.dumps("> Refund &lt;never&gt; came &amp; *nobody* _cared_ &lt;!channel&gt;")[1:-1] in shown
    assert "Newest low ratings" not in shown


@pytest.mark.parametrize("changes", [dict(themes=None, low_rated_limit=1), dict(themes=THEMES, low_rated_limit=10),
                                     dict(themes=CommentThemes(0, 0, 0, True, ()), low_rated_limit=1)])
def test_the_newest_low_ratings_list_stays_when_it_fits_or_no_theme_was_found(changes):
    shown = texts(digest_message(billing_digest(**changes)))
    assert "Newest low ratings" in shown and "What customers said" not in shown


def test_low_rated_zero_leaves_out_themes_too():
    shown = texts(digest_message(billing_digest(themes=THEMES, low_rated_limit=0)))
    assert "What customers said" not in shown and "Newest low ratings" not in shown
