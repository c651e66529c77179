"""A `/kpi` answer shown in a modal: the "working on it" view, then the answer itself.

The answer's blocks are `/kpi`'s own (already fitted into a message's limits, which are below a
modal's: https://docs.slack.dev/reference/views/modal-views), under the `/kpi` words that ask the
same, so the user learns the command. A modal is seen by its user alone: an answer `/kpi` would
post to the channel stays private here, and nothing is posted anywhere.
"""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from notifiers.mrkdwn import escape
from notifiers.slash.answer_blocks import Answer

WORKING = "Working on it… the answer appears here in a moment."
#: The "Ask another" button of an answer opened from the "Support KPIs" form.
ASK_AGAIN = "support_kpis_ask_again"
#: The callback_id of a modal showing an answer (it has no submit button: nothing comes back from it).
ANSWER_CALLBACK = "support_kpis_answer"


def working_view(title: str, *, callback_id: str = ANSWER_CALLBACK, private_metadata: str = "",
                 above: tuple[Block, ...] = ()) -> View:
    return View(type="modal", callback_id=callback_id, title=title, close="Close", private_metadata=private_metadata,
                blocks=[*above, SectionBlock(text=MarkdownTextObject(text=WORKING))])


def answer_view(title: str, answer: Answer, words: str, *, ask_again: bool = False,
                callback_id: str = ANSWER_CALLBACK, private_metadata: str = "", above: tuple[Block, ...] = ()) -> View:
    """``answer`` to ``/kpi words``; ``above``: blocks shown before it (e.g. a picker)."""
    asked = ContextBlock(elements=[MarkdownTextObject(text=f"The same as `/kpi {escape(words)}`".rstrip())])
    blocks: list[Block] = [*above, asked, *answer.blocks]
    if ask_again:
        blocks.append(ActionsBlock(block_id=ASK_AGAIN, elements=[
            ButtonElement(action_id=ASK_AGAIN, text="Ask another", value="again")]))
    return View(type="modal", callback_id=callback_id, title=title, close="Done", private_metadata=private_metadata,
                blocks=blocks)
