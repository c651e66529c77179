"""docs/slack-shortcuts.md shows the shortcuts' payloads exactly as the code renders them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.notifiers.interactive.shortcut_payloads import rendered

PAGE = Path(__file__).resolve().parents[3] / "docs" / "slack-shortcuts.md"


def test_every_payload_on_the_page_is_the_codes_own():
    shown = dict(re.findall(r"<!-- payload: (\w+) -->\n```json\n(.*?)\n```", PAGE.read_text(encoding="utf-8"), re.S))
    assert shown == rendered()
