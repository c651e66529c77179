"""The `file` connector: survey answers, accounts and retention spend imported from CSV or JSON Lines."""

from connectors.files.connector import FileImportConnector, FileImportSettings
from connectors.registry import ConnectorSpec, register

SPEC = register(
    ConnectorSpec(
        source="file",
        summary="Survey answers (NPS, CES, CSAT), accounts and retention spend from CSV or JSON Lines files",
        settings_model=FileImportSettings,
        connector=FileImportConnector,
    )
)

__all__ = ["SPEC", "FileImportConnector", "FileImportSettings"]
