"""Small integer codes for team and agent keys (``source:instance:vendor_id``) and for tags (the
lower-cased tag), kept in ``kpi_keys``.

Blocks store codes, not strings. A key the store has no code for yet gets a *temporary* code in
memory (-2, -3, ...; -1 means "none"), so that it can never clash with a code another process
stores meanwhile; :meth:`KeyCodes.store_new` turns temporaries into stored codes when blocks that
use them are persisted (same transaction). Stored codes are only ever added.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from kpis.store.schema import kpi_keys

TEAM, AGENT, TAG = "team", "agent", "tag"
KINDS = (TEAM, AGENT, TAG)


class KeyCodes:
    def __init__(self) -> None:
        self._codes: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
        self._keys: dict[str, dict[int, str]] = {kind: {} for kind in KINDS}
        self._temporary: dict[str, list[str]] = {kind: [] for kind in KINDS}
        # (source, instance, vendor id) -> code, so that packing a million rows costs a lookup each.
        self._memo: dict[str, dict[tuple, int]] = {kind: {} for kind in KINDS}

    @classmethod
    def load(cls, connection: Connection) -> KeyCodes:
        codes = cls()
        codes.reload(connection)
        return codes

    def reload(self, connection: Connection) -> None:
        """Add the codes stored since loading (another process may have persisted blocks)."""
        for kind, key, code in connection.execute(select(kpi_keys.c.kind, kpi_keys.c.key, kpi_keys.c.code)):
            self._keys[kind][code] = key
            self._codes[kind].setdefault(key, code)

    def code(self, kind: str, key: str | None) -> int:
        """The code of a key (``source:instance:vendor_id``, or a tag); -1 for None."""
        if key is None:
            return -1
        code = self._codes[kind].get(key)
        if code is None:
            code = -2 - len(self._temporary[kind])
            self._temporary[kind].append(key)
            self._codes[kind][key] = code
            self._keys[kind][code] = key
        return code

    def codes(self, kind: str, sources: tuple, instances: tuple, vendor_ids: tuple) -> list[int]:
        """The code of each ``source:instance:vendor_id`` (-1 where the id is None)."""
        memo, out = self._memo[kind], []
        for scoped in zip(sources, instances, vendor_ids):
            code = memo.get(scoped)
            if code is None:
                source, instance, vendor_id = scoped
                code = memo[scoped] = -1 if vendor_id is None else self.code(kind, f"{source}:{instance}:{vendor_id}")
            out.append(code)
        return out

    def key(self, kind: str, code: int) -> str:
        return self._keys[kind][code]

    def bounds(self, kind: str) -> tuple[int, int]:
        """Smallest and one past the largest code in use (temporaries and -1 included)."""
        return -1 - len(self._temporary[kind]), max(max(self._keys[kind], default=-1) + 1, 0)

    def store_new(self, connection: Connection) -> dict[str, tuple[int, np.ndarray]]:
        """Give every temporary code a stored one; return, per kind, ``(low, table)``: ``table[c - low]``
        is the stored code of code ``c``.

        Run inside the transaction that persists the blocks; a clash with another writer raises
        IntegrityError and rolls both back.
        """
        mapping: dict[str, tuple[int, np.ndarray]] = {}
        for kind in KINDS:
            low, high = self.bounds(kind)
            table = np.arange(low, high, dtype=np.int32)
            temporaries = self._temporary[kind]
            if temporaries:
                top = connection.execute(select(func.max(kpi_keys.c.code)).where(kpi_keys.c.kind == kind)).scalar()
                first = max(-1 if top is None else top, high - 1) + 1
                rows = [{"kind": kind, "key": key, "code": first + i} for i, key in enumerate(temporaries)]
                connection.execute(insert(kpi_keys), rows)
                for i in range(len(temporaries)):
                    table[(-2 - i) - low] = first + i
            mapping[kind] = (low, table)
        return mapping
