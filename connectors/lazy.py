"""Names a package hands out but imports only when first asked for (a PEP 562 module ``__getattr__``).

Every start of the command line lists the connectors (for ``config init``'s flags and to read the
settings), so the connector packages and the shared HTTP plumbing must import without their HTTP
stacks (requests, tenacity, zenpy) or numpy: what needs those is named by a ``"module:Name"`` path
and imported on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def resolve(path: str) -> Any:
    """The object a ``"package.module:Name"`` path names, its module imported if it is not yet."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def lazy_attributes(package: str, *paths: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` handing out each path's name, imported on first use."""
    by_name = {path.partition(":")[2]: path for path in paths}

    def __getattr__(name: str) -> Any:
        if name not in by_name:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return resolve(by_name[name])

    return __getattr__
