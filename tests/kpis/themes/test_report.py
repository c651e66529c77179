"""A window's themes as the report shows them: planted themes in two languages, their trend against
the window before, low ratings, CSAT, agents, tags and examples; odd comments counted right."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

pytest.importorskip("sklearn")
pytest.importorskip("py3langid")

from kpis.themes.report import RatedComment, comment_themes  # noqa: E402
from tests.kpis.themes.planted import CONTENTLESS, ENGLISH, GERMAN, LOW  # noqa: E402

START = datetime(2026, 11, 9, tzinfo=timezone.utc)
ITALIAN = ["il mio rimborso non è mai stato elaborato", "la password non funziona più, aiutatemi per favore"]


def rated(cid: str, text: str, minute: int, *, low: bool, agent: str = "ana", tags: tuple[str, ...] = (),
          start: datetime = START) -> RatedComment:
    return RatedComment(id=cid, text=text, rated_at=start + timedelta(minutes=minute), positive=not low, low=low,
                        score_raw="bad" if low else "good", ticket_id=cid.split(":")[-1], url=f"https://x.test/{cid}",
                        agent_id=f"zendesk:acme:{agent}", agent_name=agent.capitalize(), tags=tags)


def week() -> list[RatedComment]:
    out = []
    minute = 0
    for planted in (ENGLISH, GERMAN):
        for theme, texts in planted.items():
            for i, text in enumerate(texts):
                minute += 1
                # Refunds: Ana four times, Ben twice; tagged refunds (and billing once).
                agent = "ben" if theme == "refund" and i >= 4 else "ana" if theme == "refund" else "cy"
                tags = ("refunds", "billing") if theme == "refund" and i == 0 else ("refunds",) if theme == "refund" else ()
                out.append(rated(f"{theme}-{i}", text, minute, low=theme in LOW, agent=agent, tags=tags))
    out += [rated(f"empty-{i}", text, 100 + i, low=False) for i, text in enumerate(CONTENTLESS)]
    out += [rated(f"italian-{i}", text, 200 + i, low=True) for i, text in enumerate(ITALIAN)]
    return out


def week_before() -> list[RatedComment]:
    earlier = START - timedelta(days=7)
    texts = {"refund": ["refund still not processed", "my refund is not processed yet"],
             "password": ["password reset link expired", "password reset did not work", "my password reset link expired again"]}
    return [rated(f"before-{theme}-{i}", text, i, low=True, start=earlier)
            for theme, xs in texts.items() for i, text in enumerate(xs)]


def planted_in(theme_ids: tuple[str, ...], name: str) -> int:
    return sum(i.split("-")[0] == name for i in theme_ids)


def holder(result, name: str):  # noqa: ANN001, ANN201
    return max(result.themes, key=lambda t: planted_in(tuple(c.id for c in t.comments), name))


def test_each_planted_theme_in_each_language_is_found_and_mostly_pure() -> None:
    result = comment_themes(week(), week_before())
    assert result.comments == 24 + 24 + 5 + 2
    assert result.other_languages == 2
    assert result.uncategorised == 5  # ok, thanks!, 👍👍, thank you, blanks
    assert not result.too_few
    assert sum(t.count for t in result.themes) == 48
    for language, planted in (("en", ENGLISH), ("de", GERMAN)):
        for name in planted:
            theme = holder(result, name)
            ids = tuple(c.id for c in theme.comments)
            assert theme.language == language
            assert planted_in(ids, name) >= 4, (name, theme.label, ids)
            assert len(ids) - planted_in(ids, name) <= 2, (name, theme.label, ids)
    counts = [t.count for t in result.themes]
    assert counts == sorted(counts, reverse=True)


def test_a_theme_carries_its_trend_low_ratings_csat_agents_tags_and_newest_examples() -> None:
    result = comment_themes(week(), week_before())
    refund = holder(result, "refund")
    assert [c.id for c in refund.comments] == [f"refund-{i}" for i in (5, 4, 3, 2, 1, 0)]
    assert refund.count == 6 and refund.low_rated == 6 and refund.csat == 0.0
    assert refund.previous_count == 2  # the two refund comments of the week before
    assert holder(result, "password").previous_count == 3
    assert holder(result, "praise").previous_count == 0 and holder(result, "praise").csat == 100.0
    as_json = refund.as_json()
    assert as_json["agents"] == [{"id": "zendesk:acme:ana", "name": "Ana", "count": 4},
                                 {"id": "zendesk:acme:ben", "name": "Ben", "count": 2}]
    assert as_json["tags"] == [{"tag": "refunds", "count": 6}, {"tag": "billing", "count": 1}]
    assert [e["ticket_id"] for e in as_json["examples"]] == ["refund-5", "refund-4", "refund-3"]
    assert as_json["examples"][0] == {"ticket_id": "refund-5", "url": "https://x.test/refund-5",
                                      "comment": ENGLISH["refund"][5], "score_raw": "bad", "agent": "Ben",
                                      "rated_at": "2026-11-09T00:06:00+00:00"}


def test_same_comments_give_the_same_themes_in_any_order() -> None:
    assert comment_themes(week(), week_before()) == comment_themes(list(reversed(week())), week_before()[::-1])


def test_low_only_keeps_only_low_rated_comments() -> None:
    result = comment_themes(week(), week_before(), low_only=True)
    assert result.comments == 6 * 6 + 2  # six low planted themes, two Italian low ratings
    assert all(t.low_rated == t.count for t in result.themes)
    assert not any(planted_in(tuple(c.id for c in t.comments), "praise") for t in result.themes)


def test_too_few_comments_says_so() -> None:
    few = [rated(f"refund-{i}", text, i, low=True) for i, text in enumerate(ENGLISH["refund"][:3])]
    result = comment_themes(few + [rated("empty-0", "ok", 9, low=False)])
    assert result.too_few and result.themes == ()
    assert (result.comments, result.uncategorised, result.other_languages) == (4, 4, 0)
    assert comment_themes([]).too_few and comment_themes([]).comments == 0


def test_odd_comments_are_counted_right_and_never_crash() -> None:
    odd = ["", "x" * 100_000, "\x00\x01\x02\xff binary \x7f", "<b>refund</b> <i>not processed</i> &amp; late",
           "**refund** _not_ processed, see [link](https://x.test)", "<@U123> <!channel> *bold* _it_ & <url|x>",
           "refund " * 20_000]
    comments = week() + [rated(f"odd-{i}", text, 300 + i, low=True) for i, text in enumerate(odd)]
    result = comment_themes(comments, week_before())
    assert result.comments == 55 + 7
    assert sum(t.count for t in result.themes) + result.uncategorised + result.other_languages == 62
