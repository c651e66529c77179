"""The contract every connector keeps, run against each connector's fake (see ``cases.py``):

- its pages hold records of the record types, with the connector's source and instance and UTC
  timestamps, and each page carries the cursor to resume after it (only the last page of a
  stream read whole on every sync may carry none: "start over");
- a run abandoned after any page and resumed from the cursors stored ends with the very store an
  uninterrupted run gives: nothing lost, nothing duplicated, the same cursors;
- a second run after a complete one changes nothing;
- a malformed page stops the run with MalformedResponse, leaves the store as the pages before it
  left it, and the next run (the vendor answering well again) completes it.
"""

from __future__ import annotations

import pytest

from connectors.errors import MalformedResponse
from kpis.record_types import RECORD_TYPES
from kpis.store import Store
from tests.connectors.contract.cases import CASES, Case
from tests.connectors.contract.harness import Stopped, bad_timestamps, differences, is_json, run, snapshot


@pytest.fixture(params=sorted(CASES))
def case(request, tmp_path):
    with CASES[request.param](tmp_path) as built:
        yield built


@pytest.fixture
def new_store(tmp_path):
    stores = []

    def make() -> Store:
        store = Store.open(f"sqlite:///{tmp_path / f'store-{len(stores)}.db'}")
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


def reference(case: Case, new_store):
    store = new_store()
    done = run(store, case.make, case.options, keep_snapshots=True)
    return done, snapshot(store)


def test_pages_hold_records_of_this_instance_with_utc_times_and_a_cursor_each(case, new_store):
    done, final = reference(case, new_store)
    connector = case.make()
    assert len(done.pages) >= 4, "the case should be big enough for several pages"
    assert sum(len(w.page.records) for w in done.pages) > 0
    for index, written in enumerate(done.pages):
        for record in written.page.records:
            assert isinstance(record, RECORD_TYPES), f"{written.stream}: {type(record).__name__} is not a record type"
            assert (record.source, record.instance) == (connector.source, connector.instance), record
            assert not bad_timestamps(record), f"{written.stream} {record.id}: {bad_timestamps(record)} not UTC"
        last_of_stream = index + 1 == len(done.pages) or done.pages[index + 1].stream != written.stream
        if written.page.cursor is None:
            assert last_of_stream, f"{written.stream}: page {index} carries no cursor in mid-stream"
        else:
            assert is_json(written.page.cursor), f"{written.stream}: cursor {written.page.cursor!r} is not JSON"
    # Every stream's position is stored (a stream read whole stores None: start over).
    assert {key[2] for key in final["cursors"]} == {w.stream for w in done.pages}


def test_resuming_from_every_page_gives_the_uninterrupted_store(case, new_store):
    done, final = reference(case, new_store)
    for stop_after in range(1, len(done.pages)):
        store = new_store()
        with pytest.raises(Stopped):
            run(store, case.make, case.options, stop_after=stop_after)
        run(store, case.make, case.options)
        problems = differences(final, snapshot(store))
        assert not problems, f"stopped after page {stop_after} ({done.pages[stop_after - 1].stream}): {problems}"


def test_a_second_run_after_a_complete_one_changes_nothing(case, new_store):
    store = new_store()
    run(store, case.make, case.options)
    first = snapshot(store)
    run(store, case.make, case.options)
    assert not differences(first, snapshot(store))


def test_a_malformed_page_stops_the_run_and_leaves_the_store_as_the_pages_before_it_left_it(case, new_store):
    if case.break_page is None:
        pytest.skip(f"{case.name}: its data is generated in process; no page can arrive malformed")
    done, final = reference(case, new_store)
    store = new_store()
    case.break_page()
    with pytest.raises(MalformedResponse):
        run(store, case.make, case.options)
    stopped = snapshot(store)
    # Mid-run: some pages were stored, and the store is exactly the reference store after that
    # many pages (the malformed page added nothing and moved no cursor).
    stored_pages = next(
        (n for n in range(len(done.snapshots), 0, -1) if not differences(done.snapshots[n - 1], stopped)), 0
    )
    assert 0 < stored_pages < len(done.pages), "the malformed page should come in the middle of the run"
    case.repair()
    run(store, case.make, case.options)
    assert not differences(final, snapshot(store))
