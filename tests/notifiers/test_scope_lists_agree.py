"""One list of bot scopes: the docs' set-up steps name exactly the scopes the manifests declare and
`config check` requires (notifiers.slack_scopes), with what each is for."""

from __future__ import annotations

import re
from pathlib import Path

from notifiers.slack_scopes import BOT_SCOPES

ROOT = Path(__file__).resolve().parents[2]


def test_the_slack_setup_page_lists_every_scope_config_check_requires_and_no_other():
    text = (ROOT / "docs" / "slack.md").read_text()
    steps = text[text.index("*Bot Token Scopes*"):text.index("3. *Install to Workspace*")]
    listed = dict(re.findall(r"^   - `([a-z:.]+)`: (.+)$", steps, flags=re.M))
    assert listed == BOT_SCOPES
