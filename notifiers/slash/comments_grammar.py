"""`/kpi comments [team NAME|all] [period] [low] ["phrase"] [page N]`: the words of a comments
question. A quoted phrase picks one theme; everything else is read by the `/kpi` grammar, so
teams and periods are spelled as in any other question."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kpis.catalogue import HEADLINE
from notifiers.mrkdwn import escape
from notifiers.slash.grammar import _Parser, tokenize
from notifiers.slash.parsed import CommentsQuery, KpiQuery, Query, Scope, Usage

#: Straight and typographic quotes (Slack turns "x" into “x” on some clients).
_PHRASE = re.compile(r"[\"“”„«»]([^\"“”„«»]*)[\"“”„«»]")
LOW_WORDS = frozenset({"low", "low-rated", "bad", "negative"})
MAX_PAGE = 1000


def parse_comments(text: str, team_names: Sequence[str]) -> Query | Usage:
    phrases = [p.strip() for p in _PHRASE.findall(text)]
    if len(phrases) > 1:
        return Usage("That names two themes; ask for one at a time.", 'For example `/kpi comments "refund"`.')
    if phrases and not phrases[0]:
        return Usage("The quotes are empty.", 'Put a theme between them, e.g. `/kpi comments "refund"`.')
    tokens = tokenize(_PHRASE.sub(" ", text))
    low, page, rest = False, 1, []
    i = 0
    while i < len(tokens):
        word = tokens[i].lower()
        if word in LOW_WORDS:
            low = True
        elif word == "page" and i + 1 < len(tokens) and tokens[i + 1].isdigit():
            page = int(tokens[i + 1])
            if not 1 <= page <= MAX_PAGE:
                return Usage(f"There is no page {tokens[i + 1]}.", 'Pages start at 1: `/kpi comments "refund" page 2`.')
            i += 1
        else:
            rest.append(tokens[i])
        i += 1
    parsed = _Parser(rest, list(team_names)).run()
    if isinstance(parsed, Usage):
        # The grammar's line echoes what was typed: escaped here, so "<!channel>" pings nobody.
        if parsed.problem.startswith("I didn't understand"):
            return Usage(escape(parsed.problem),
                         'A theme goes in quotes: `/kpi comments "refund"`; a team after `team`.')
        return Usage(escape(parsed.problem), escape(parsed.suggestion))
    if not isinstance(parsed, KpiQuery) or parsed.keys != HEADLINE:
        return Usage("`comments` takes a team or `all`, a period, `low` and a theme in quotes.",
                     'For example `/kpi comments team billing 30d low` or `/kpi comments "refund"`.')
    if parsed.target.scope not in (Scope.OWN_TEAM, Scope.TEAM, Scope.ALL):
        return Usage("`comments` are a team's (or everyone's), not one agent's.", "Try `/kpi comments` for your team.")
    return CommentsQuery(target=parsed.target, period=parsed.period, low=low, phrase=phrases[0] if phrases else None,
                         page=page, public=parsed.public)
