"""Planted themes (refunds, password resets, slow replies, praise) are found, each mostly pure."""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn")

from kpis.themes.finding import Comment, find_themes, has_content  # noqa: E402
from tests.kpis.themes.planted import ENGLISH  # noqa: E402

PLANTED = ENGLISH


def planted() -> list[Comment]:
    comments = [Comment(f"{theme}-{i}", text) for theme, texts in PLANTED.items() for i, text in enumerate(texts)]
    comments += [Comment(f"empty-{i}", text) for i, text in enumerate(["ok", "thanks!", "👍👍", "", "thank you"])]
    return comments


def test_each_planted_theme_is_found_and_mostly_pure() -> None:
    result = find_themes(planted())
    assert result.comments == 29
    assert result.uncategorised == 5  # ok, thanks!, emojis, empty, thank you
    for theme_name in PLANTED:
        # the theme holding most of this planted theme's comments
        best = max(result.themes, key=lambda t: sum(i.startswith(theme_name) for i in t.comment_ids))
        own = sum(i.startswith(theme_name) for i in best.comment_ids)
        assert own >= 4, (theme_name, best)
        assert len(best.comment_ids) - own <= 2, (theme_name, best)


def test_same_comments_in_any_order_give_the_same_themes() -> None:
    assert find_themes(planted()) == find_themes(list(reversed(planted())))


def test_too_few_comments_says_so_instead_of_inventing_themes() -> None:
    result = find_themes([Comment("a", "refund not processed"), Comment("b", "ok")])
    assert result.too_few and result.themes == () and result.comments == 2


def test_contentless_and_odd_comments_never_crash() -> None:
    assert not has_content("ok") and not has_content("🙂🙂") and not has_content(None)
    assert has_content("<b>refund</b> *not* processed &amp; _late_")
    find_themes([Comment(str(i), "x" * 100_000 if i % 2 else "\x00\x01 binary") for i in range(12)])
