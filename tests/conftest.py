"""Shared fixtures: a store on every backend the suite can reach.

``store_url`` runs a test once on a SQLite file and once on PostgreSQL when ``TEST_DATABASE_URL``
names a server (CI always sets it); each PostgreSQL test gets a schema of its own, dropped after.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def _postgres_schema_url() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL store tests need TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"



@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty PostgreSQL schema of the test's own (skipped without TEST_DATABASE_URL)."""
    yield from _postgres_schema_url()
