"""The `/kpi` grammar: the text after the command in, a typed query or a usage line out.

Pure: no I/O, no clock. Words may come in any order (``/kpi 30d csat team billing`` and
``/kpi team billing csat 30d`` are the same question); case does not matter; a word that is not
understood gets one line saying so and, where one is close, a corrected command to copy.

Slack sends mentions as ``<@U123|name>`` when the command escapes users (the manifest asks for
it): https://docs.slack.dev/interactivity/implementing-slash-commands#escaping
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from kpis.catalogue import HEADLINE, resolve
from kpis.directory import closest, named
from notifiers.slash import why
from notifiers.slash.parsed import (
    MAX_DAYS,
    BreachesQuery,
    CommentsQuery,
    HelpQuery,
    KpiQuery,
    Period,
    Query,
    Scope,
    ScorecardQuery,
    Target,
    TeamsQuery,
    Usage,
)
from notifiers.slash.period_words import period_at
from notifiers.slash.vocabulary import (
    AGENT_WORDS,
    ALL_WORDS,
    FILLER,
    HELP,
    HELP_WORDS,
    MAILTO,
    ME_WORDS,
    MENTION,
    PUBLIC_WORDS,
    SCORECARD_WORDS,
    TEAM_WORDS,
    TOKEN,
    known_words,
)


def tokenize(text: str) -> list[str]:
    return [token.strip(",;") for token in TOKEN.findall(text) if token.strip(",;")]


def parse(text: str, team_names: Sequence[str] = ()) -> Query | Usage:
    """``text`` as Slack sends it; ``team_names`` the configured teams (for ``team NAME``)."""
    if text.strip().lower().split(" ", 1)[0] == "comments":
        from notifiers.slash.comments_grammar import parse_comments  # it builds on _Parser

        return parse_comments(text.strip()[len("comments"):], team_names)
    return _Parser(tokenize(text), list(team_names)).run()


class _Parser:
    def __init__(self, tokens: list[str], team_names: list[str]) -> None:
        self.tokens = tokens
        self.teams = team_names
        self.lower = [t.lower() for t in tokens]
        self.target: Target | None = None
        self.command: str | None = None  # teams | breaches
        self.keys: list[str] = []
        self.period: Period | None = None
        self.public = False
        self.by: str | None = None  # `by channel`: a breakdown, or the dimension of `why`
        # The words as understood, to rebuild a corrected command for suggestions.
        self.understood: list[str] = []

    def run(self) -> Query | Usage:
        if any(word in HELP_WORDS for word in self.lower):
            return HelpQuery()
        i = 0
        while i < len(self.tokens):
            step = self._word(i)
            if isinstance(step, Usage):
                return step
            i += step
        return self._finish()

    # -- one word (or a few) at a time; each returns how many tokens it consumed ------------

    def _word(self, i: int) -> int | Usage:
        word = self.lower[i]
        if word in FILLER:
            return 1
        if word in PUBLIC_WORDS:
            self.public = True
            self.understood.append("public")
            return 1
        if word in ("teams", "breaches", "alerts"):
            return self._set_command("teams" if word == "teams" else "breaches", i)
        if word == "why":
            return self._set_command("why", i)
        if word in SCORECARD_WORDS:
            return self._set_command("scorecard", i)
        if word == "by":
            by = why.dimension_after(self.tokens, i)
            if isinstance(by, Usage):
                return by
            self.by = by
            self.understood.append(f"by {by}")
            return 2
        period = self._period_at(i)
        if isinstance(period, Usage):
            return period
        if period is not None:
            return period
        if word in TEAM_WORDS:
            if i + 1 == len(self.tokens):
                example = f"/kpi team {self.teams[0]}" if self.teams else "/kpi team billing"
                return Usage("`team` needs a team name.", f"For example `{example}`; `/kpi teams` lists them.")
            return self._team_after(i + 1)
        if word in AGENT_WORDS:
            return self._agent_after(i + 1)
        mention = MENTION.match(self.tokens[i])
        if mention:
            return self._set_target(Target(Scope.AGENT, user_id=mention.group(1)), self.tokens[i], 1)
        if word in ME_WORDS:
            return self._set_target(Target(Scope.ME), "me", 1)
        if word in ALL_WORDS:
            return self._set_target(Target(Scope.ALL), "all", 1)
        spec = resolve(word)
        if spec is not None:
            if spec.key not in self.keys:
                self.keys.append(spec.key)
            self.understood.append(word)
            return 1
        team = self._known_team_at(i)
        if team is not None:
            name, used = team
            return self._set_target(Target(Scope.TEAM, team=name), f"team {name}", used)
        return self._unknown(i)

    def _set_command(self, command: str, i: int) -> int | Usage:
        if self.command is not None and self.command != command:
            return Usage(f"`{self.command}` and `{command}` are two questions; ask one at a time.")
        self.command = command
        self.understood.append(command)
        return 1

    def _set_target(self, target: Target, text: str, used: int) -> int | Usage:
        if self.target is not None and self.target != target:
            return Usage(
                "That asks about two things at once; ask about one team, agent, `me` or `all` at a time.",
                "For example `/kpi team billing` or `/kpi agent @ann`.",
            )
        self.target = target
        self.understood.append(text)
        return used

    def _period_at(self, i: int) -> int | Usage | None:
        period, used = period_at(self.lower, i)
        if not used:
            return None
        if period is None:
            return used  # a `last` the number after it carries
        if isinstance(period, Usage):
            return period
        if self.period is not None and self.period != period:
            return Usage(
                "That names two periods; give one.", "For example `/kpi 30d` or `/kpi 2026-11-01..2026-11-15`."
            )
        self.period = period
        self.understood.append(period.text())
        return used

    def _team_after(self, start: int) -> int | Usage:
        known = self._known_team_at(start)
        if known is not None:
            name, used = known
            return self._set_target(Target(Scope.TEAM, team=name), f"team {name}", used + 1)
        # Unknown: the name runs until a word we understand (a KPI, a period, public...).
        end = start
        while end < len(self.tokens) and not self._recognised(end):
            end += 1
        typed = " ".join(self.tokens[start:end]) or self.tokens[start]
        name = closest(typed, self.teams, cutoff=0.5)
        if name is not None:
            rest = self._rest_text(max(end, start + 1))
            return Usage(f"There's no team called “{typed}”.", f"Did you mean `{self._command(f'team {name}', rest)}`?")
        listed = ", ".join(self.teams) if self.teams else "none configured yet"
        return Usage(f"There's no team called “{typed}”.", f"Teams: {listed}. `/kpi teams` lists them.")

    def _agent_after(self, start: int) -> int | Usage:
        if start >= len(self.tokens):
            return Usage("`agent` needs someone to ask about.", "For example `/kpi agent @ann 30d`.")
        token = self.tokens[start]
        mention = MENTION.match(token)
        if mention:
            return self._set_target(Target(Scope.AGENT, user_id=mention.group(1)), f"agent {token}", 2)
        mailto = MAILTO.match(token)
        if mailto:
            return self._set_target(Target(Scope.AGENT, agent=mailto.group(1)), f"agent {mailto.group(1)}", 2)
        end = start
        while end < len(self.tokens) and (end == start or not self._recognised(end)):
            end += 1
        typed = " ".join(self.tokens[start:end]).lstrip("@")
        if self.lower[start].lstrip("@") in ME_WORDS:
            return self._set_target(Target(Scope.ME), "me", 2)
        return self._set_target(Target(Scope.AGENT, agent=typed), f"agent {typed}", end - start + 1)

    def _known_team_at(self, start: int) -> tuple[str, int] | None:
        """The longest configured team name spelled by the words from ``start``."""
        for end in range(len(self.tokens), start, -1):
            typed = " ".join(self.lower[start:end])
            name = named(typed, self.teams)
            if name is not None:
                return name, end - start
        return None

    def _recognised(self, i: int) -> bool:
        word = self.lower[i]
        keywords = (
            FILLER | PUBLIC_WORDS | TEAM_WORDS | AGENT_WORDS | ME_WORDS | ALL_WORDS
            | {"teams", "breaches", "alerts", "why", "by"} | SCORECARD_WORDS
        )
        return bool(word in keywords or resolve(word) is not None or MENTION.match(self.tokens[i])
                    or period_at(self.lower, i)[1])

    def _unknown(self, i: int) -> Usage:
        typed = self.tokens[i]
        # A misspelt team name of several words ("tech support"): the run of unknown words.
        end = i + 1
        while end < len(self.tokens) and not self._recognised(end):
            end += 1
        if end - i > 1:
            run = " ".join(self.lower[i:end])
            name = closest(run, self.teams, cutoff=0.5)
            if name is not None:
                return Usage(
                    f"I didn't understand “{' '.join(self.tokens[i:end])}”.",
                    f"Did you mean `{self._command(f'team {name}', self._rest_text(end))}`?",
                )
        vocabulary = known_words(self.teams)
        close = difflib.get_close_matches(typed.lower(), vocabulary, n=1, cutoff=0.6)
        if close:
            fixed = close[0]
            team = named(fixed, self.teams)
            if team is not None:
                fixed = f"team {team}"
            return Usage(
                f"I didn't understand “{typed}”.", f"Did you mean `{self._command(fixed, self._rest_text(i + 1))}`?"
            )
        return Usage(f"I didn't understand “{typed}”.")

    def _rest_text(self, start: int) -> str:
        return " ".join(self.tokens[start:])

    def _command(self, fixed: str, rest: str) -> str:
        return " ".join(part for part in ["/kpi", *self.understood, fixed, rest] if part)

    # -- the whole question --------------------------------------------------------------------

    def _finish(self) -> Query | Usage:
        period = self.period or Period()
        if self.command == "teams":
            if self.target is not None or self.keys:
                return Usage("`teams` lists the teams; it takes no other words.", "Try `/kpi teams`.")
            return TeamsQuery(public=self.public)
        if self.command == "breaches":
            if self.target is not None and self.target.scope is not Scope.TEAM:
                return Usage("`breaches` takes a team, or nothing for every team.", "Try `/kpi breaches billing`.")
            return BreachesQuery(team=self.target.team if self.target else None, public=self.public)
        if self.command == "scorecard":
            if self.keys or self.by is not None or (self.target is not None and self.target.scope is Scope.ALL):
                return Usage("`scorecard` takes an agent, `me` or a team, and a period.",
                             "For example `/kpi scorecard @ann 30d` or `/kpi scorecard team billing`.")
            return ScorecardQuery(target=self.target, period=period, public=self.public)
        target = self.target or Target(Scope.OWN_TEAM)
        if self.command == "why" or self.by is not None:
            return why.finish(target, self.keys, period, self.by, self.command == "why", self.public)
        keys = tuple(self.keys) if self.keys else HEADLINE
        if "low_rated" in keys and len(keys) > 1:
            keys = ("low_rated",)  # the list answers on its own; numbers are one more command away
        if target.scope is Scope.ALL and "low_rated" in keys:
            return Usage("`low-csat` lists one team's ratings.", "Try `/kpi low-csat billing`.")
        return KpiQuery(target=target, keys=keys, period=period, public=self.public)


# Re-exported: callers take the parsed question's types from the grammar that makes them.
__all__ = [
    "HELP", "MAX_DAYS", "BreachesQuery", "CommentsQuery", "HelpQuery", "KpiQuery", "Period", "Query",
    "Scope", "ScorecardQuery", "Target", "TeamsQuery", "Usage", "parse", "tokenize",
]
