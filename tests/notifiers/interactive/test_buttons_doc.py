"""docs/slack-buttons.md shows the payloads the code posts, exactly (doc_payloads renders them)."""

from __future__ import annotations

from pathlib import Path

from tests.notifiers.interactive.doc_payloads import digest_commands, rendered

PAGE = Path(__file__).resolve().parents[3] / "docs" / "slack-buttons.md"


def test_the_page_shows_the_buttons_as_posted_and_the_kpi_questions_they_ask():
    text = PAGE.read_text()
    for snippet in rendered():
        assert f"```json\n{snippet}\n```" in text
    for label, command in digest_commands().items():
        assert f"| {label} | `{command}` |" in text
