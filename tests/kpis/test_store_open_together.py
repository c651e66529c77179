"""Processes started together on a new store (a scheduler and endpoints from one compose file)
all open it: one creates the schema, the others wait for it instead of failing."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import create_engine, text

OPENERS = 4
# Each process waits for a go file so that all of them reach Store.open at about the same moment.
OPEN = """
import pathlib, sys, time
go = pathlib.Path(sys.argv[2])
while not go.exists():
    time.sleep(0.01)
from kpis.store.store import Store
Store.open(sys.argv[1], lock_timeout=60).close()
print("opened")
"""


def test_processes_opening_a_new_store_at_once_all_succeed(store_url, tmp_path):
    url = store_url
    go = tmp_path / "go"
    openers = [
        subprocess.Popen([sys.executable, "-c", OPEN, url, str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for _ in range(OPENERS)
    ]
    # Import time dominates; give every process time to reach its wait loop, then release them together.
    subprocess.run([sys.executable, "-c", "import kpis.store.store"], check=True, timeout=120)
    go.touch()
    results = [opener.communicate(timeout=120) for opener in openers]
    failures = [err for opener, (_, err) in zip(openers, results) if opener.returncode != 0]
    assert failures == []
    assert all(out.strip() == "opened" for out, _ in results)
    engine = create_engine(url)
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
    engine.dispose()
    assert versions == 1
