"""The `file` connector: survey answers, conversation reviews, accounts and retention spend imported from CSV or JSON Lines."""

from connectors.files.settings import FileImportSettings
from connectors.lazy import lazy_attributes
from connectors.registry import ConnectorSpec, register

SPEC = register(
    ConnectorSpec(
        source="file",
        summary="Survey answers (NPS, CES, CSAT), conversation reviews, accounts and retention spend from CSV or JSON Lines files",
        settings_model=FileImportSettings,
        connector="connectors.files.connector:FileImportConnector",
    )
)

__all__ = ["SPEC", "FileImportConnector", "FileImportSettings"]

__getattr__ = lazy_attributes(__name__, SPEC.connector)  # type: ignore[arg-type]
