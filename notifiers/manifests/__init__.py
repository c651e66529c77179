"""The Slack app manifests (HTTP and Socket Mode), shipped in the package:
``helpdesk-kpis config manifest`` prints the one a configuration needs."""

from __future__ import annotations

from importlib.resources import files

HTTP = "slack-app-manifest.yml"
SOCKET_MODE = "slack-app-manifest-socket-mode.yml"


def manifest_text(*, socket_mode: bool) -> str:
    return files(__name__).joinpath(SOCKET_MODE if socket_mode else HTTP).read_text(encoding="utf-8")
