"""Where every environment variable comes from: the process environment, the ``.env`` file, a
file named by ``<VARIABLE>_FILE``, or a secrets directory -- read once, with the origin of each
value kept so that ``config show`` can say where a setting came from.

pydantic-settings does the reading (its environment, ``.env`` and secrets-directory sources); the
sources below add two things it lacks: the origin of each value, and lookups by any variable name,
because connector instances name theirs at run time (``ZENDESK_<INSTANCE>_API_TOKEN``). They are the
settings sources of :class:`~helpdesk_kpis.settings.models.EnvSettings` and serve connector instances too.

The order, first found wins:

1. ``VARIABLE`` in the process environment, then in ``.env``;
2. ``VARIABLE_FILE`` (environment, then ``.env``): the path of a file holding the value;
3. a file named ``VARIABLE`` (or ``variable``) in the folder ``HELPDESK_KPIS_SECRETS_DIR`` names,
   as Docker and Kubernetes mount secrets (``/run/secrets/SLACK_BOT_TOKEN``).

An empty value counts as unset. Values are never part of a repr or an error message.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
)

from kpis.errors import ConfigError

SECRETS_DIR_VARIABLE = "HELPDESK_KPIS_SECRETS_DIR"


@dataclass(frozen=True, slots=True)
class Found:
    value: str = field(repr=False)
    #: Where the value came from, as a person would say it ("environment", ".env", "file /run/x (X_FILE)").
    origin: str
    #: The origin does not name the variable (the environment, .env): say it next to the origin.
    plain: bool = True

    def source(self, variable: str) -> str:
        """Where ``variable``'s value came from, naming the variable: "environment ZENDESK_EMAIL"."""
        return f"{self.origin} {variable}" if self.plain else self.origin


class AnyVariables(BaseSettings):
    """No fields: the settings class of variables looked up by name only (connector instances, the wizard)."""


class _ByName:
    """What every source here shares: ``find`` any variable by name; as a settings source, the fields'
    variables (the field name upper-cased) found that way."""

    def find(self, name: str) -> Found | None:
        raise NotImplementedError

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:  # noqa: ARG002
        found = self.find(field_name.upper())
        return (None if found is None else found.value), field_name, False

    def __call__(self) -> dict[str, Any]:
        # Not pydantic-settings' own loop: it would wrap a ConfigError (an unreadable *_FILE) in a SettingsError.
        # A field an earlier source set is not looked up: first found wins, and a file behind it is never read.
        fields = self.settings_cls.model_fields  # type: ignore[attr-defined]
        unset = [name for name in fields if name not in self.current_state]
        return {name: found.value for name in unset if (found := self.find(name.upper())) is not None}


class Environment(_ByName, EnvSettingsSource):
    """``VARIABLE`` in the process environment."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls, case_sensitive=False, env_prefix="", env_ignore_empty=True)

    def find(self, name: str) -> Found | None:
        value = self.env_vars.get(name.lower())
        return Found(value, "environment") if value else None

    def __repr__(self) -> str:
        return f"Environment({len(self.env_vars)} variables)"


class DotEnv(_ByName, DotEnvSettingsSource):
    """``VARIABLE`` in the ``.env`` file, when there is one."""

    def __init__(self, settings_cls: type[BaseSettings], env_file: Path | None) -> None:
        super().__init__(settings_cls, env_file=env_file, case_sensitive=False, env_prefix="", env_ignore_empty=True)
        self.name = str(env_file) if env_file is not None else ".env"
        warning = exposed_file_warning(env_file) if env_file is not None and env_file.is_file() else None
        #: One-line warnings for the user (an ``.env`` readable by others).
        self.warnings = [warning] if warning else []

    def find(self, name: str) -> Found | None:
        value = self.env_vars.get(name.lower())
        return Found(value, self.name) if value else None

    def __repr__(self) -> str:
        return f"DotEnv({len(self.env_vars)} variables in {self.name})"


class FilePointers(_ByName, PydanticBaseSettingsSource):
    """``VARIABLE_FILE`` naming a file that holds the value (pydantic-settings has no such source)."""

    def __init__(self, settings_cls: type[BaseSettings], plain: tuple[_ByName, ...]) -> None:
        super().__init__(settings_cls)
        self._plain = plain

    def find(self, name: str) -> Found | None:
        variable = f"{name}_FILE"
        pointer = _first(self._plain, variable)
        if pointer is None:
            return None
        path = Path(pointer.value).expanduser()
        return Found(_read_secret(path, variable), f"file {pointer.value} ({variable})", plain=False)

    def __repr__(self) -> str:
        return "FilePointers()"


class SecretsDirectory(_ByName, SecretsSettingsSource):
    """A file named ``VARIABLE`` (or ``variable``) in the folder ``HELPDESK_KPIS_SECRETS_DIR`` names."""

    def __init__(self, settings_cls: type[BaseSettings], secrets_dir: Path | None) -> None:
        super().__init__(settings_cls, secrets_dir=secrets_dir, case_sensitive=True, env_prefix="")

    def find(self, name: str) -> Found | None:
        if self.secrets_dir is None:
            return None
        for file_name in (name, name.lower()):
            path = self.find_case_path(Path(self.secrets_dir), file_name, case_sensitive=True)
            if path is not None and path.is_file():
                return Found(_read_secret(path, SECRETS_DIR_VARIABLE), f"secrets directory file {path}", plain=False)
        return None


class Variables:
    """The variables visible to one command, resolved as the module docstring says."""

    def __init__(self, sources: tuple[_ByName, ...] = (), *, secrets_dir: Path | None = None,
                 warnings: list[str] | None = None) -> None:
        #: The settings sources, first found wins (``EnvSettings.settings_customise_sources`` returns them).
        self.sources = sources
        self.secrets_dir = secrets_dir
        #: One-line warnings for the user (an ``.env`` readable by others).
        self.warnings: list[str] = list(warnings or [])
        #: Every variable looked up so far, with its value and origin: a file is read once, and
        #: ``config show`` says where each value came from.
        self._found: dict[str, Found | None] = {}

    @classmethod
    def read(cls, env_file: Path | None = Path(".env"), settings_cls: type[BaseSettings] = AnyVariables) -> Variables:
        """The process environment, and the ``.env`` file when there is one, as sources of ``settings_cls``."""
        environment = Environment(settings_cls)
        dotenv = DotEnv(settings_cls, env_file)
        plain = (environment, dotenv)
        secrets_dir = _secrets_dir(_first(plain, SECRETS_DIR_VARIABLE))
        sources = (*plain, FilePointers(settings_cls, plain), SecretsDirectory(settings_cls, secrets_dir))
        return cls(sources, secrets_dir=secrets_dir, warnings=dotenv.warnings)

    def __repr__(self) -> str:
        return f"Variables({', '.join(map(repr, self.sources))})"

    def find(self, name: str) -> Found | None:
        """``name``'s value and origin, or ``None`` when it is not set anywhere."""
        name = name.upper()
        if name not in self._found:
            self._found[name] = _first(self.sources, name)
        return self._found[name]

    def get(self, name: str) -> str | None:
        found = self.find(name)
        return None if found is None else found.value


def _first(sources: tuple[_ByName, ...], name: str) -> Found | None:
    return next((found for source in sources if (found := source.find(name)) is not None), None)


def _secrets_dir(found: Found | None) -> Path | None:
    if found is None:
        return None
    path = Path(found.value).expanduser()
    if not path.is_dir():
        raise ConfigError(
            f"{SECRETS_DIR_VARIABLE}: no folder at {path}; point it at the folder holding one file per secret "
            "(e.g. /run/secrets) or unset it"
        )
    return path


def _read_secret(path: Path, variable: str) -> str:
    try:
        # A trailing newline (echo secret > file) is not part of the secret.
        return path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ConfigError(f"{variable}: cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{variable}: {path} is not a UTF-8 text file") from None


def exposed_file_warning(path: Path) -> str | None:
    """A one-line warning when ``path`` (holding secrets) can be read or changed by other users."""
    if os.name != "posix":
        return None
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if not mode & 0o077:
        return None
    return (
        f"warning: {path} holds secrets but other users can read or change it (mode {mode:04o}); "
        f"run: chmod 600 {path}"
    )
