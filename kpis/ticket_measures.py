"""The ticket measurements the KPIs read, declared once.

A measurement is a number a helpdesk reports per ticket (a reply count, minutes to first reply),
``None`` where it does not say. This tuple is the one list of them: the store's block layout
(:mod:`kpis.columnar.layout`), the SELECT that packs tickets (:mod:`kpis.columnar.packing`), the
query layer (:mod:`kpis.query`) and the fields of :class:`kpis.dataset.TicketColumns` are all
derived from it, in its order. Every measurement is float64 in the columns, NaN where not measured.

Adding one: a field on :class:`kpis.records.Ticket` (or a column the store derives) and a column of the ``tickets`` table (with a
migration) named ``record``, an entry here, then bump :data:`kpis.columnar.layout.FORMAT` (the
stored blocks change shape).
"""

from __future__ import annotations

from dataclasses import dataclass

from kpis.sla_outcomes import SLA_METRICS


@dataclass(frozen=True, slots=True)
class TicketMeasure:
    #: The field of ``TicketColumns`` and the column of the stored blocks.
    name: str
    #: The ``Ticket`` field and the ``tickets`` table column it is read from.
    record: str
    #: Its type in the stored blocks (numpy): float64, or float32 for small counts.
    dtype: str = "<f8"


def sla_columns(metric: str) -> tuple[str, str, str]:
    """The ``tickets`` columns of one SLA policy metric: its achieved and breached targets, and when
    the last of them was settled (epoch seconds)."""
    return f"sla_{metric}_achieved", f"sla_{metric}_breached", f"sla_{metric}_settled"


TICKET_MEASURES: tuple[TicketMeasure, ...] = (
    TicketMeasure("replies", "replies"),  # public agent replies
    TicketMeasure("reopens", "reopens"),
    TicketMeasure("first_reply", "first_reply_minutes"),  # NaN: no public reply yet
    TicketMeasure("first_reply_business", "first_reply_minutes_business"),
    TicketMeasure("first_resolution", "first_resolution_minutes"),
    TicketMeasure("first_resolution_business", "first_resolution_minutes_business"),
    TicketMeasure("full_resolution", "full_resolution_minutes"),
    TicketMeasure("full_resolution_business", "full_resolution_minutes_business"),
    # The helpdesk's own SLA policy targets, per metric: how many the ticket achieved and breached
    # (float32 counts) and when the last was settled (float64 epoch seconds); NaN: no policy
    # measured that metric on it. Not fields of ``Ticket``: the store derives them from the
    # ticket's SLA events (kpis.sla_outcomes), which a connector reads on their own.
    *(TicketMeasure(column, column, dtype)
      for metric in SLA_METRICS for column, dtype in zip(sla_columns(metric), ("<f4", "<f4", "<f8"))),
)
