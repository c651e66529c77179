"""The settings of one `file` connector instance: which files it imports.

Apart from the connector so that reading the configuration (``config show``) does not import the
connector's record types.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class FileImportSettings(BaseModel):
    """``[connectors.file.<instance>]``: paths are relative to the working directory."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    surveys: Path | None = None
    reviews: Path | None = None
    accounts: Path | None = None
    retention_spend: Path | None = None
    skip_bad_rows: bool = False
