"""Where every environment variable comes from: the process environment, the ``.env`` file, a
file named by ``<VARIABLE>_FILE``, or a secrets directory -- read once, with the origin of each
value kept so that ``config show`` can say where a setting came from.

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

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


class Variables:
    """The variables visible to one command, resolved as the module docstring says."""

    def __init__(
        self,
        environ: Mapping[str, str],
        dotenv: Mapping[str, str] | None = None,
        *,
        env_file_name: str = ".env",
    ) -> None:
        self._environ = {k.upper(): v for k, v in environ.items()}
        self._dotenv = {k.upper(): v for k, v in (dotenv or {}).items() if v is not None}
        self._env_file_name = env_file_name
        self.secrets_dir = self._secrets_dir()
        #: One-line warnings for the user (an ``.env`` readable by others).
        self.warnings: list[str] = []

    @classmethod
    def read(cls, env_file: Path | None = Path(".env")) -> Variables:
        """The process environment, and the ``.env`` file when there is one."""
        dotenv: dict[str, str] = {}
        warnings: list[str] = []
        if env_file is not None and env_file.is_file():
            dotenv = {k: v for k, v in dotenv_values(env_file).items() if v is not None}
            warning = exposed_file_warning(env_file)
            if warning:
                warnings.append(warning)
        variables = cls(os.environ, dotenv, env_file_name=str(env_file) if env_file else ".env")
        variables.warnings.extend(warnings)
        return variables

    def __repr__(self) -> str:
        return f"Variables({len(self._environ)} in the environment, {len(self._dotenv)} in {self._env_file_name})"

    def _plain(self, name: str) -> Found | None:
        if self._environ.get(name):
            return Found(self._environ[name], "environment")
        if self._dotenv.get(name):
            return Found(self._dotenv[name], self._env_file_name)
        return None

    def _secrets_dir(self) -> Path | None:
        found = self._plain(SECRETS_DIR_VARIABLE)
        if found is None:
            return None
        path = Path(found.value).expanduser()
        if not path.is_dir():
            raise ConfigError(
                f"{SECRETS_DIR_VARIABLE}: no folder at {path}; point it at the folder holding one file per secret "
                "(e.g. /run/secrets) or unset it"
            )
        return path

    def find(self, name: str) -> Found | None:
        """``name``'s value and origin, or ``None`` when it is not set anywhere."""
        name = name.upper()
        found = self._plain(name)
        if found is not None:
            return found
        pointer = self._plain(f"{name}_FILE")
        if pointer is not None:
            return Found(_read_secret(Path(pointer.value).expanduser(), f"{name}_FILE"),
                         f"file {pointer.value} ({name}_FILE)", plain=False)
        if self.secrets_dir is not None:
            for candidate in (self.secrets_dir / name, self.secrets_dir / name.lower()):
                if candidate.is_file():
                    return Found(_read_secret(candidate, SECRETS_DIR_VARIABLE), f"secrets directory file {candidate}",
                                 plain=False)
        return None

    def get(self, name: str) -> str | None:
        found = self.find(name)
        return None if found is None else found.value


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
