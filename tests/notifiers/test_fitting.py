"""Any message we build fits Slack's limits: split where it can be, cut with "and N more" and the
command giving the rest where it cannot. Expected counts are worked out by hand in each test."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, MarkdownTextObject, PlainTextObject, SectionBlock

from kpis.windows import Window
from notifiers.blockkit import to_dicts, validate_message
from notifiers.fitting import Lines, cut_mrkdwn, fit_blocks, list_section
from notifiers.report_command import report_command

FULL = "helpdesk-kpis report --by team"


def payload(blocks: list[Block]) -> dict:
    message = {"text": "fallback", "blocks": to_dicts(blocks)}
    validate_message(message)  # our message-level checks: 50 blocks, 40,000 characters...
    for block in Block.parse_all(message["blocks"]):
        block.validate_json()  # ...and slack-sdk's own, block by block
    return message


def texts(message: dict) -> list[str]:
    out = []
    for block in message["blocks"]:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [element["text"] for element in block.get("elements", ())]
    return out


def test_a_section_text_over_3000_characters_is_split_into_sections_with_every_line_kept():
    lines = [f"line {i:02d} " + "a" * 92 for i in range(50)]  # 100 characters each, 5,049 joined
    message = payload(fit_blocks([SectionBlock(text=MarkdownTextObject(text="\n".join(lines)))]))
    # 29 lines make 29*100 + 28 = 2,928 characters; a 30th would make 3,029.
    assert [len(text) for text in texts(message)] == [2928, 21 * 100 + 20]
    assert "\n".join(texts(message)) == "\n".join(lines)


def test_one_line_too_long_is_shortened_with_an_ellipsis_never_cutting_a_link_in_half():
    text = "x" * 2990 + " <https://acme.test/tickets/1|ticket 1>"
    message = payload(fit_blocks([SectionBlock(text=MarkdownTextObject(text=text))]))
    assert texts(message) == ["x" * 2990 + "…"]
    assert cut_mrkdwn("Returns &amp; Refunds", 12) == "Returns…"  # not "Returns &am…"
    # Not "see <https://acme.test/a-lo…", which Slack would show as it is.
    assert cut_mrkdwn("see <https://acme.test/a-long-path|label> now", 30) == "see…"


def test_a_long_list_is_cut_at_40000_characters_with_and_n_more_and_the_full_answer():
    entries = [f"*Team {i:03d}* " + "z" * 989 for i in range(200)]  # 1,000 characters each
    message = payload(fit_blocks([Lines(entries, noun="more teams")], full_answer=FULL))
    sections, note = message["blocks"][:-1], message["blocks"][-1]
    # Two entries per section (2,001 characters; a third makes 3,002). The blocks may hold 37,000
    # characters (40,000 less the fallback's 3,000): 18 sections are 36,018, 19 would be 38,019.
    assert [len(block["text"]["text"]) for block in sections] == [2001] * 18
    assert note["elements"][0]["text"] == "_and 164 more teams_ · the full answer: `helpdesk-kpis report --by team`"


def test_more_than_50_blocks_are_cut_to_50_ending_with_what_was_left_out():
    blocks = [SectionBlock(text=MarkdownTextObject(text=f"part {i}")) for i in range(80)]
    message = payload(fit_blocks(blocks, full_answer=FULL))
    assert len(message["blocks"]) == 50  # 49 parts and the note
    assert texts(message)[48] == "part 48"
    assert texts(message)[49] == (
        "_and 31 more parts of this answer_ · the full answer: `helpdesk-kpis report --by team`"
    )


def test_a_list_given_in_part_counts_what_the_caller_left_out():
    listed = Lines(["• one", "• two"], head="*Low ratings*\n", noun="more low ratings", total=12)
    message = payload(fit_blocks([listed], full_answer=FULL))
    assert texts(message) == [
        "*Low ratings*\n• one\n• two",
        "_and 10 more low ratings_ · the full answer: `helpdesk-kpis report --by team`",
    ]


def test_a_list_that_fits_says_nothing_more():
    message = payload(fit_blocks([Lines(["• one", "• two"])], full_answer=FULL))
    assert texts(message) == ["• one\n• two"]


def test_headers_fields_and_context_are_shortened_to_their_own_limits():
    fields = [MarkdownTextObject(text=f"*KPI {i}*\n" + "9" * 2500) for i in range(12)]
    blocks = [
        HeaderBlock(text=PlainTextObject(text="H" * 200)),
        SectionBlock(fields=fields),
        ContextBlock(elements=[MarkdownTextObject(text="c" * 4000)]),
    ]
    message = payload(fit_blocks(blocks))
    header, first, second, context = message["blocks"]
    assert header["text"]["text"] == "H" * 149 + "…"
    assert [len(first["fields"]), len(second["fields"])] == [10, 2]  # Slack takes 10 fields a section
    shortened = first["fields"] + second["fields"]
    assert all(len(item["text"]) == 2000 and item["text"].endswith("…") for item in shortened)
    assert context["elements"][0]["text"] == "c" * 2999 + "…"


def test_one_section_list_ends_with_and_n_more_and_a_pointer_line_below_it():
    lines = [f"• rating {i}" for i in range(8)]
    blocks = list_section(lines, head="*Newest low ratings*\n", noun="more low ratings", max_lines=5, full_answer=FULL)
    assert texts(payload(blocks)) == [
        "*Newest low ratings*\n• rating 0\n• rating 1\n• rating 2\n• rating 3\n• rating 4\n_and 3 more low ratings_",
        "The full answer: `helpdesk-kpis report --by team`",
    ]
    assert len(list_section(lines[:5], max_lines=5, full_answer=FULL)) == 1  # nothing cut, nothing to point to


def test_the_report_command_gives_the_same_days_and_quotes_what_a_shell_would_split():
    window = Window(date(2026, 11, 13), date(2026, 11, 20), ZoneInfo("UTC"))
    assert report_command(window, by="agent", team="Returns & Refunds", keys=["csat"], as_json=True) == (
        "helpdesk-kpis report --from 2026-11-13 --to 2026-11-19 --by agent --team 'Returns & Refunds'"
        " --kpi csat --format json"
    )
    # A name too long to be worth typing is left out: the command then lists every team.
    everyone = "helpdesk-kpis report --from 2026-11-13 --to 2026-11-19 --by team"
    assert report_command(window, by="team", team="T" * 61) == everyone
