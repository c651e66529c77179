"""Open conversations that the lists stop showing: deleted and merged ones.

Help Scout's lists leave a deleted or merged conversation out instead of listing it as deleted;
only the conversation itself says what became of it: 404 Not Found once deleted, 301 Moved
Permanently (``Location``: the conversation it was merged into) once merged.
https://developer.helpscout.com/mailbox-api/endpoints/conversations/delete (its "Moved or merged
conversations"); https://developer.helpscout.com/help-desk-api/conversations/get/ (404: "when
conversation does not exists or it is deleted").

So the conversations stream keeps, in its cursor, each open or pending conversation with when a
pass last listed (or read) it: ``{"open": {id: [created epoch, seen epoch]}}``. One not seen for
``reconcile_after_days`` is read on its own at the end of a pass; gone, it is stored as deleted or
merged (kept in the store, counted by no KPI). Closed conversations are not followed: one deleted
after it closed keeps counting (docs/helpscout.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from connectors.helpscout.mapping import SOURCE
from kpis.records import Ticket, TicketStatus

#: How many conversations one page of the reconciliation reads on their own.
BATCH = 25

_FOLLOWED = (TicketStatus.OPEN, TicketStatus.PENDING)


class OpenConversations:
    def __init__(self, state: dict[str, Any], *, now: datetime, after: timedelta) -> None:
        self.open: dict[str, list[int]] = {str(k): [int(v[0]), int(v[1])] for k, v in (state.get("open") or {}).items()}
        self.now = now
        self.stale_before = int((now - after).timestamp())

    def seen(self, records: Iterable[Any]) -> None:
        """Follow the open and pending conversations among ``records``; forget the others."""
        for ticket in records:
            if not isinstance(ticket, Ticket):
                continue
            if ticket.status in _FOLLOWED and not ticket.excluded:
                self.open[ticket.id] = [int(ticket.created_at.timestamp()), int(self.now.timestamp())]
            else:
                self.open.pop(ticket.id, None)

    def stale(self) -> list[str]:
        """The open conversations no pass has listed for ``after``, in id order (a resumed pass
        finds the same ones still to read)."""
        return sorted((cid for cid, (_, seen) in self.open.items() if seen < self.stale_before), key=_id_order)

    def batches(self) -> list[Sequence[str]]:
        stale = self.stale()
        return [stale[i : i + BATCH] for i in range(0, len(stale), BATCH)]

    def gone(self, cid: str, *, merged: bool, instance: str) -> Ticket:
        """The stored record of a conversation Help Scout deleted or merged away: its id and
        creation kept, the rest emptied (it counts for no KPI either way)."""
        created = self.open.pop(cid)[0]
        return Ticket(
            source=SOURCE,
            instance=instance,
            id=cid,
            created_at=datetime.fromtimestamp(created, tz=timezone.utc),
            updated_at=self.now,
            status=TicketStatus.DELETED,
            status_raw="merged" if merged else "deleted",
            is_deleted=not merged,
            is_merged=merged,
        )

    def state(self) -> dict[str, Any]:
        return {"open": self.open}


def _id_order(cid: str) -> tuple[int, str]:
    return (int(cid), cid) if cid.isdigit() else (0, cid)
