"""`config show`: the effective configuration, every value with where it came from, secrets masked.

Sources: ``environment``, ``.env``, a file (``<VARIABLE>_FILE`` or the secrets directory), the
TOML file, or ``default``. A secret shows at most its last 4 characters (``••••abcd``), and only
when it is long enough for them to give nothing away; the database URL shows without its password.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError
from rich.table import Table
from rich.text import Text

from connectors import registry
from helpdesk_kpis.settings.instances import TOML_ORIGIN
from helpdesk_kpis.settings.models import Settings
from helpdesk_kpis.settings.variables import SECRETS_DIR_VARIABLE
from kpis.check_result import shown_url

MASK = "••••"
#: Secrets shorter than this are fully masked: four of their characters would be too many.
SHOW_TAIL_FROM = 16
DEFAULT = "default"
#: A SQLite URL (the default store) holds no credentials, and when its path has only characters
#: SQLAlchemy does not escape, SQLAlchemy renders it unchanged: it is shown as it is, without
#: importing SQLAlchemy, which would take most of the command's time.
_PLAIN_SQLITE_URL = re.compile(r"sqlite:///[A-Za-z0-9_.~ +/-]*")


def mask(secret: str | SecretStr | None) -> str:
    """``••••abcd`` for a long secret, ``••••`` for a short one; never more than the last 4 characters."""
    value = secret.get_secret_value() if isinstance(secret, SecretStr) else (secret or "")
    return MASK + value[-4:] if len(value) >= SHOW_TAIL_FROM else MASK


#: The row that says a section's values are refused, with the reason as its value.
INVALID = "(invalid)"


@dataclass(frozen=True)
class Row:
    section: str
    setting: str
    value: str
    source: str


def effective_rows(settings: Settings, *, config_source: str) -> list[Row]:
    rows = _files(settings, config_source)
    rows += _environment(settings)
    for source, instance, values in settings.connector_sections():
        rows += _instance(settings, source, instance, values)
    rows += _toml(settings)
    return rows


def _files(settings: Settings, config_source: str) -> list[Row]:
    exists = settings.config_path.exists()
    shown = f"{settings.config_path}" + ("" if exists else " (none: defaults)")
    rows = [Row("files", "config file", shown, config_source)]
    secrets_dir = settings.variables.find(SECRETS_DIR_VARIABLE)
    if secrets_dir is not None:
        rows.append(Row("files", SECRETS_DIR_VARIABLE, secrets_dir.value, secrets_dir.origin))
    return rows


def _environment(settings: Settings) -> list[Row]:
    rows: list[Row] = []
    env = settings.env
    for name in type(env).model_fields:
        if name == "helpdesk_kpis_config":
            continue
        value = getattr(env, name)
        variable = name.upper()
        found = settings.variables.find(variable)
        if name == "database_url":
            shown = _database_url(value.get_secret_value())
        else:
            shown = _shown(value)
        rows.append(Row("environment", variable, shown, found.origin if found else DEFAULT))
    return rows


def _database_url(url: str) -> str:
    if _PLAIN_SQLITE_URL.fullmatch(url):
        return url
    from kpis.store.connection import describe, parse_url

    try:
        return describe(parse_url(url))
    except Exception:  # noqa: BLE001 - an unparsable URL may still hold a password: mask it all
        return mask(url)


def _instance(settings: Settings, source: str, instance: str, values: dict[str, Any]) -> list[Row]:
    spec = registry.spec_for(source)
    origins = settings.connector_origins.get(source, {}).get(instance, {})
    section = f"{source}:{instance}"
    rows: list[Row] = []
    problem: str | None = None
    try:
        model: BaseModel | None = spec.settings_model.model_validate(values)
    except ValidationError as error:
        model, problem = None, error.errors()[0]["msg"].removeprefix("Value error, ")
    for name in spec.settings_model.model_fields:
        if name == "env_prefix":
            continue  # how messages name variables, not a setting
        if model is not None:
            value = getattr(model, name)
        elif name in values:
            value = SecretStr(str(values[name])) if name in spec.secret_fields else values[name]
        else:
            value = spec.settings_model.model_fields[name].default
        origin = origins.get(name)
        source_text = (origin or DEFAULT).replace(TOML_ORIGIN, settings.config_path.name, 1) if origin and origin.startswith(TOML_ORIGIN) else origin or DEFAULT
        rows.append(Row(section, name, _shown(value), source_text))
    if problem:
        rows.append(Row(section, INVALID, problem, "config check / sync will refuse it"))
    return rows


def _toml(settings: Settings) -> list[Row]:
    data = settings.config.model_dump(mode="json", exclude={"connectors"})
    rows: list[Row] = []
    for section, value in data.items():
        raw = settings.toml.get(section)
        rows += _flatten(section, "", value, raw, settings.config_path.name)
    return rows


def _flatten(section: str, key: str, value: Any, raw: Any, file_name: str) -> list[Row]:
    if isinstance(value, dict):
        rows: list[Row] = []
        for name, inner in value.items():
            inner_raw = raw.get(name) if isinstance(raw, dict) else None
            rows += _flatten(section, f"{key}.{name}" if key else name, inner, inner_raw, file_name)
        return rows
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        rows = []
        for index, item in enumerate(value):
            label = item.get("id") or item.get("name") or f"#{index + 1}"
            item_raw = raw[index] if isinstance(raw, list) and index < len(raw) else None
            rows += _flatten(section, f"{key}.{label}" if key else str(label), item, item_raw, file_name)
        return rows
    return [Row(section, key or section, _shown(value), file_name if raw is not None else DEFAULT)]


def _shown(value: Any) -> str:
    if isinstance(value, SecretStr):
        return mask(value)
    if isinstance(value, str) and "://" in value and "@" in value:
        return shown_url(value)
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def rows_table(rows: list[Row]) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("setting", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_column("source", overflow="fold", style="dim")
    current = None
    for row in rows:
        if row.section != current:
            if current is not None:
                table.add_row("", "", "")
            table.add_row(Text(row.section, style="bold"), "", "")
            current = row.section
        table.add_row(Text("  " + row.setting), Text(row.value), Text(row.source))
    return table
