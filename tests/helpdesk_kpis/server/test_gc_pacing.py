"""A serve process runs its full garbage collections on a clock: none while it makes lasting
objects (each one stopped every thread for 120-280 ms), and garbage cycles are still freed."""

from __future__ import annotations

import gc
import time
import weakref

import pytest

from helpdesk_kpis.server.gc_pacing import CollectionPacer


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def full_collections():
    """How many full collections ran since the fixture began."""
    seen = []

    def watch(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            seen.append(info)

    gc.callbacks.append(watch)
    yield seen
    gc.callbacks.remove(watch)


def keep_many_objects() -> list[Node]:
    """As a period's read does: objects the collector tracks, hundreds of thousands, all kept."""
    return [Node() for _ in range(600_000)]


def test_without_pacing_lasting_objects_cause_full_collections(full_collections):
    kept = keep_many_objects()
    assert full_collections, "CPython ran no full collection: the test below would prove nothing"
    del kept


def test_paced_no_full_collection_runs_while_lasting_objects_are_made(full_collections):
    pacer = CollectionPacer(seconds=3600).start()
    try:
        kept = keep_many_objects()
        assert full_collections == []
        del kept
    finally:
        pacer.stop()


def test_a_paced_full_collection_frees_old_garbage_cycles():
    a, b = Node(), Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    gc.collect()  # the cycle is alive now: it moves to the oldest generation
    pacer = CollectionPacer(seconds=0.05).start()
    try:
        del a, b  # garbage only a full collection finds
        deadline = time.monotonic() + 30  # a busy machine delays the pacing thread, never this long
        while gone() is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert gone() is None
    finally:
        pacer.stop()


def test_stopping_gives_back_the_thresholds():
    before = gc.get_threshold()
    pacer = CollectionPacer(seconds=3600).start()
    assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > 10**9
    pacer.stop()
    assert gc.get_threshold() == before
