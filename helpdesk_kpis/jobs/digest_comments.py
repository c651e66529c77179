"""The comments behind a digest's "What customers said": the window's low-rating comments and the
window before's, read once for every digest of a run and grouped into themes per team on demand."""

from __future__ import annotations

from helpdesk_kpis.jobs.teams import helpdesk_team_ids
from helpdesk_kpis.settings.models import FileConfig
from kpis.directory import Directory
from kpis.rated_comments import load_rated_comments
from kpis.results import ScopeRow
from kpis.store import Store
from kpis.themes.report import CommentThemes, RatedComment, comment_themes
from kpis.windows import Window


class DigestComments:
    def __init__(self, store: Store, config: FileConfig, window: Window, directory: Directory) -> None:
        self._store, self._config, self._window, self._directory = store, config, window, directory
        self._comments: list[RatedComment] | None = None

    def low_themes(self, team: str | None, row: ScopeRow, list_limit: int) -> CommentThemes | None:
        """Themes of the low ratings of ``team`` (``None``: everyone), only when the digest's list of
        low ratings cannot show them all (a small team keeps the list, and nothing is computed)."""
        low = row.metrics.get("low_rated")
        if low is None or len(low.items) <= list_limit:
            return None
        comments = self._all()
        if team is not None:
            ids = set(helpdesk_team_ids(self._directory, self._config, team))
            comments = [c for c in comments if c.team_id in ids]
        start = self._window.start
        return comment_themes([c for c in comments if c.rated_at >= start],
                              [c for c in comments if c.rated_at < start], low_only=True)

    def _all(self) -> list[RatedComment]:
        if self._comments is None:
            self._comments = load_rated_comments(self._store, self._window.previous().start, self._window.end)
        return self._comments
