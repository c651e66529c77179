"""The README and the pages under docs/: every relative link (and `#anchor`) resolves, the README
stays short, links every page, and keeps the test command CI runs verbatim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
# CI (.ci/run) runs the README's test command; it has to stay exactly this, in a ```sh block.
TEST_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/pytest"

LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks, inline code spans blanked (a link in code is no link)."""
    out, fence = [], None
    for line in text.split("\n"):
        marker = re.match(r"^\s*(```|~~~)", line)
        if marker:
            fence = None if fence == marker.group(1) else (fence or marker.group(1))
            continue
        if fence is None:
            out.append(re.sub(r"`[^`]*`", lambda m: " " * len(m.group(0)), line))
    return out


def heading_slugs(text: str) -> set[str]:
    """Anchors GitHub gives the headings: the heading's text lower-cased, everything but letters,
    digits, `_`, `-` and spaces dropped, spaces as `-`; a repeated slug gets `-1`, `-2`...
    (https://github.com/Flet/github-slugger, the rules github.com uses)."""
    slugs: set[str] = set()
    seen: dict[str, int] = {}
    fence = None
    for line in text.split("\n"):
        marker = re.match(r"^\s*(```|~~~)", line)
        if marker:
            fence = None if fence == marker.group(1) else (fence or marker.group(1))
            continue
        match = None if fence else HEADING.match(line)
        if not match:
            continue
        title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match.group(2))  # a link's text only
        base = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
        slug = base if base not in seen else f"{base}-{seen[base]}"
        seen[base] = seen.get(base, 0) + 1
        slugs.add(slug)
    return slugs


def broken_links(page: Path) -> list[str]:
    """Each relative link of the page that leads nowhere, as `page: target (why)`."""
    broken = []
    for line in prose_lines(page.read_text(encoding="utf-8")):
        for target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ... : not ours to check
                continue
            path_part, _, anchor = target.partition("#")
            dest = (page.parent / path_part).resolve() if path_part else page
            if not dest.exists():
                broken.append(f"{page.name}: {target} (no such file)")
            elif anchor and (dest.suffix != ".md" or anchor not in heading_slugs(dest.read_text(encoding="utf-8"))):
                broken.append(f"{page.name}: {target} (no heading #{anchor} in {dest.name})")
    return broken


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken_links(page) == []


def test_readme_fits_on_a_page_or_two() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 250


def test_readme_links_every_docs_page() -> None:
    linked = {target.partition("#")[0] for line in prose_lines(README.read_text(encoding="utf-8"))
              for target in LINK.findall(line)}
    assert [p.name for p in PAGES if f"docs/{p.name}" not in linked] == []


def test_readme_keeps_the_test_command_ci_runs() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert any(TEST_COMMAND in block.splitlines() for block in blocks)


def test_slugs_follow_githubs_rules() -> None:
    text = "\n".join([
        "# helpdesk-kpis",
        "### What you can ask (`/kpi help`)",
        "## Scheduling: cron or `serve`",
        "## Importing files: surveys, accounts, retention spend",
        "## Options",
        "## Options",
        "```toml",
        "# a comment in a code block is no heading",
        "```",
    ])
    assert heading_slugs(text) == {
        "helpdesk-kpis", "what-you-can-ask-kpi-help", "scheduling-cron-or-serve",
        "importing-files-surveys-accounts-retention-spend", "options", "options-1",
    }


def test_a_broken_link_or_anchor_is_reported(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## Set it up\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\nSee [set-up](other.md#set-it-up), [here](#page) and <https://example.com>.\n"
        "Not [gone](gone.md), not [a section](other.md#missing), not [this](#nowhere).\n"
        "`[in code](ignored.md)`\n\n```md\n[in a block](ignored.md)\n```\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "page.md: gone.md (no such file)",
        "page.md: other.md#missing (no heading #missing in other.md)",
        "page.md: #nowhere (no heading #nowhere in page.md)",
    ]
