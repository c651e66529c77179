"""The store: SQLAlchemy Core over a SQLite file (default) or PostgreSQL."""

from kpis.store.store import Store

__all__ = ["Store"]
