"""The shortcuts' payloads as docs/slack-shortcuts.md shows them, rendered from the code.

``python -m tests.notifiers.interactive.shortcut_payloads`` prints the JSON blocks of the page;
test_shortcut_docs.py checks that the page holds exactly these. The form's KPI menu lists every
KPI of the catalogue; the page shows its first three and says how many follow.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from notifiers.interactive.modal_answer import answer_view, working_view
from notifiers.interactive.modal_ask import TITLE, Question, ask_view, kpi_words, problems
from notifiers.interactive.shortcut_digest import (
    NOT_A_DIGEST,
    DigestRef,
    NotExplained,
    explain_working_view,
    not_explained_view,
)
from notifiers.slash.answer_blocks import message

SHOWN_KPIS = 3
EXAMPLE_REF = DigestRef("Billing", date(2026, 11, 13), date(2026, 11, 19), ("csat", "backlog"), "C0KPIBILL1")


def _short_kpis(view: dict[str, Any]) -> dict[str, Any]:
    for block in view["blocks"]:
        if block.get("block_id") == "kpis":
            options = block["element"]["options"]
            block["element"]["options"] = [*options[:SHOWN_KPIS], f"… {len(options) - SHOWN_KPIS} more, one per KPI"]
    return view


def payloads() -> dict[str, Any]:
    asked = Question(team="Billing", period="custom", start=date(2026, 11, 1), end=date(2026, 11, 15),
                     kpis=("csat", "first_reply_time_median"), dimension="channel")
    backwards = Question(team="Billing", period="custom", start=date(2026, 11, 15), end=date(2026, 11, 1))
    answer = message("*Billing · 7d*: CSAT 75.0% (n=4)")  # stands for any /kpi answer
    return {
        "form": _short_kpis(ask_view(["Billing", "Returns"]).to_dict()),
        "words": kpi_words(asked),
        "errors": {"response_action": "errors", "errors": problems(backwards)},
        "working": {"response_action": "update", "view": working_view(TITLE).to_dict()},
        "answer": answer_view(TITLE, answer, "team Billing csat 7d", ask_again=True).to_dict(),
        "metadata": {"event_type": "kpi_digest_posted", "event_payload": {
            "digest_id": "team:Billing:2026-11-19", "schema": 1, "team": "Billing", "first_day": "2026-11-13",
            "last_day": "2026-11-19", "kpis": ["csat", "backlog"]}},
        "explain_words": EXAMPLE_REF.why_words("csat"),
        "explain_working": explain_working_view(EXAMPLE_REF, "csat").to_dict(),
        "not_a_digest": not_explained_view(NotExplained(NOT_A_DIGEST)).to_dict(),
    }


def rendered() -> dict[str, str]:
    """Each payload as the page's fenced block shows it."""
    return {name: json.dumps(value, indent=2, ensure_ascii=False) for name, value in payloads().items()}


if __name__ == "__main__":
    for name, text in rendered().items():
        print(f"<!-- payload: {name} -->\n```json\n{text}\n```\n")
