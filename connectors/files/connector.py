"""The `file` connector: survey answers, conversation reviews, accounts and retention spend from CSV or
JSON Lines files.

For what helpdesks do not hold (NPS and CES from survey tools, CSAT from other tools, the customer
accounts behind churn and lifetime value). Each configured file is one stream. A file is read
whole and validated first: with any bad row nothing is imported and the run fails with every bad
line listed, unless ``skip_bad_rows`` imports the good rows and warns about the others. The stream's
cursor is the file's content hash (and, between the pages of one import, the next record to
import), so an unchanged file is not read again, an import stopped midway resumes where it
stopped, and a changed file is re-imported whole (records are upserted, never duplicated; rows
deleted from the file stay stored).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from connectors.base import CheckResult, Connector, Page, Stream, SyncOptions
from connectors.errors import MalformedResponse
from connectors.files.reader import file_format, read_rows
from connectors.files.schemas import account_records, review_records, spend_records, survey_records
from connectors.files.settings import FileImportSettings
from kpis.errors import ConfigError

log = logging.getLogger(__name__)
PAGE_SIZE = 1000
SHOWN_ERRORS = 5

RowParser = Callable[[dict[str, Any], str, int], list[Any]]


class FileStream(Stream):
    parse: ClassVar[RowParser]

    def __init__(self, instance: str, path: Path, skip_bad_rows: bool) -> None:
        self.instance, self.path, self.skip_bad_rows = instance, path, skip_bad_rows

    def pages(self, cursor: str | None, options: SyncOptions) -> Iterator[Page]:
        if not self.path.is_file():
            raise ConfigError(f"[connectors.file.{self.instance}] {self.name}: no file at {self.path}")
        file_format(self.path)
        fingerprint = hashlib.sha256(self.path.read_bytes()).hexdigest()
        saved = json.loads(cursor) if cursor else {}
        same_file = saved.get("sha256") == fingerprint
        if same_file and "next" not in saved:
            return  # unchanged since the last import
        first = int(saved["next"]) if same_file else 0
        records, errors = self._validated()
        if errors and not self.skip_bad_rows:
            listed = "; ".join(errors[:SHOWN_ERRORS])
            more = f"; and {len(errors) - SHOWN_ERRORS} more" if len(errors) > SHOWN_ERRORS else ""
            raise MalformedResponse(
                f"{self.path}: {len(errors)} bad row{'s' if len(errors) > 1 else ''}, nothing imported "
                f"(fix them, or run sync --skip-bad-rows to import the rest): {listed}{more}"
            )
        for error in errors:
            log.warning("%s: skipped %s", self.path, error)
        for start in range(first, max(len(records), 1), PAGE_SIZE):
            end = start + PAGE_SIZE
            # Only the last page records the file as imported; the others, where to go on from.
            state = {"sha256": fingerprint} if end >= len(records) else {"sha256": fingerprint, "next": end}
            yield Page(records[start:end], json.dumps(state))

    def check(self, label: str) -> CheckResult:
        """The file exists, has a known format and every row parses (``config check``)."""
        what = f"{label} {self.name}"
        if not self.path.is_file():
            return CheckResult(what, False, f"no file at {self.path}",
                               f"create it, or fix {self.name} in [connectors.file.{self.instance}]")
        try:
            file_format(self.path)
            records, errors = self._validated()
        except ConfigError as error:
            return CheckResult(what, False, str(error), f"fix {self.name} in [connectors.file.{self.instance}]")
        rows = f"{len(records):,} record{'s' if len(records) != 1 else ''}"
        if not errors:
            return CheckResult(what, True, f"{self.path}: {rows}, every row valid")
        more = len(errors) - SHOWN_ERRORS
        listed = "; ".join(errors[:SHOWN_ERRORS]) + (f"; and {more} more" if more > 0 else "")
        bad = f"{len(errors)} bad row{'s' if len(errors) > 1 else ''}"
        if self.skip_bad_rows:
            return CheckResult(what, True, f"{self.path}: {rows}; {bad} will be skipped ({listed})")
        return CheckResult(what, False, f"{self.path}: {bad}: {listed}",
                           "fix those rows, or set skip_bad_rows = true to import the rest")

    def _validated(self) -> tuple[list[Any], list[str]]:
        records: list[Any] = []
        errors: list[str] = []
        for line, row in read_rows(self.path):
            if isinstance(row, str):
                errors.append(f"line {line}: {row}")
                continue
            try:
                records.extend(type(self).parse(row, self.instance, line))
            except ValueError as error:
                errors.append(f"line {line}: {error}")
        return records, errors


class SurveysStream(FileStream):
    name = "surveys"
    parse = staticmethod(survey_records)


class ReviewsStream(FileStream):
    """Conversation reviews; one reviewer's reviews of one ticket: the newest is kept, the others counted."""

    name = "reviews"
    parse = staticmethod(review_records)

    def _validated(self) -> tuple[list[Any], list[str]]:
        records, errors = super()._validated()
        newest: dict[tuple[str, str, str], Any] = {}
        for review in records:
            key = (review.source, review.instance, review.id)
            if key not in newest or review.reviewed_at >= newest[key].reviewed_at:
                newest[key] = review
        if len(newest) < len(records):
            dropped = len(records) - len(newest)
            log.warning("%s: %d older review%s of a ticket by the same reviewer replaced by the newest", self.path,
                        dropped, "s" if dropped > 1 else "")
        return list(newest.values()), errors


class AccountsStream(FileStream):
    name = "accounts"
    parse = staticmethod(account_records)


class RetentionSpendStream(FileStream):
    name = "retention_spend"
    parse = staticmethod(spend_records)


class FileImportConnector(Connector):
    source = "file"
    _STREAMS: ClassVar[tuple[tuple[str, type[FileStream]], ...]] = (
        ("surveys", SurveysStream),
        ("reviews", ReviewsStream),
        ("accounts", AccountsStream),
        ("retention_spend", RetentionSpendStream),
    )

    def __init__(self, instance: str, settings: FileImportSettings) -> None:
        super().__init__(instance)
        self.settings = settings
        if not any(getattr(settings, field) for field, _ in self._STREAMS):
            raise ConfigError(
                f"[connectors.file.{instance}] names no file; set surveys, reviews, accounts or retention_spend"
            )

    def streams(self) -> Sequence[FileStream]:
        return [
            stream(self.instance, path, self.settings.skip_bad_rows)
            for field, stream in self._STREAMS
            if (path := getattr(self.settings, field)) is not None
        ]

    def check(self) -> list[CheckResult]:
        return [stream.check(self.label) for stream in self.streams()]
