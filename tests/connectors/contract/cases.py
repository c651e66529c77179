"""One contract case per connector: the connector, built afresh for every run (as a new process
would), against its fake; and how to make one page of its run malformed.

Each case is small enough that every stream has several pages, so that resuming "from every
page's cursor" exercises mid-stream cursors, not only the ends of streams.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from connectors.base import Connector, SyncOptions
from tests.fakes.zendesk import CompressedClock


@dataclass
class Case:
    name: str
    make: Callable[[], Connector]
    options: SyncOptions
    #: Makes one page in the middle of the next run malformed; ``None``: nothing can be.
    break_page: Callable[[], None] | None
    #: Undoes ``break_page`` (the vendor's answers are good again).
    repair: Callable[[], None]


def _options(clock: CompressedClock) -> SyncOptions:
    now = datetime.fromtimestamp(int(clock.epoch()), tz=timezone.utc)
    return SyncOptions(since=now - timedelta(days=30), now=now)


@contextmanager
def sample(tmp_path: Path) -> Iterator[Case]:
    from connectors.sample import SampleConnector
    from connectors.sample.settings import SampleSettings

    settings = SampleSettings(tickets=240, days=14, page_size=60, teams=2, agents=4, seed=5)
    # The synthetic helpdesk is generated in process: there is no wire for a page to break on.
    yield Case("sample", lambda: SampleConnector("demo", settings), _options(CompressedClock()), None, lambda: None)


@contextmanager
def zendesk(tmp_path: Path) -> Iterator[Case]:
    from connectors.zendesk import ZendeskConnector, ZendeskSettings
    from tests.fakes.zendesk import Account, FakeZendesk, populate

    clock = CompressedClock()
    account = Account(clock)
    populate(account, tickets=120, sla=True)
    with FakeZendesk(account, clock, page_cap=25) as fake:
        settings = ZendeskSettings(url=fake.url, email=fake.email, api_token=fake.token)

        def break_page() -> None:
            fake.fail("truncated", "cursor=")  # the second page of the ticket export

        yield Case(
            "zendesk",
            lambda: ZendeskConnector("acme", settings, clock=clock),
            _options(clock),
            break_page,
            fake.faults.clear,
        )


@contextmanager
def files(tmp_path: Path) -> Iterator[Case]:
    from connectors.files import FileImportConnector, FileImportSettings
    from connectors.files import connector as file_connector

    folder = tmp_path / "imports"
    folder.mkdir()
    surveys = ["id,kind,value,answered_at,comment"] + [
        f"s{i},{'nps' if i % 2 else 'ces'},{i % 7 + 1},2026-11-{1 + i % 20:02d},{'ok' if i % 3 else ''}"
        for i in range(23)
    ]
    accounts = ["id,name,started_at,ended_at,monthly_revenue"] + [
        f"a{i},Customer {i},2026-0{1 + i % 9}-01,{'2026-11-10' if i % 6 == 0 else ''},{40 + i}" for i in range(17)
    ]
    (folder / "surveys.csv").write_text("\n".join(surveys) + "\n")
    (folder / "accounts.csv").write_text("\n".join(accounts) + "\n")
    (folder / "spend.jsonl").write_text(
        "".join(f'{{"spent_at": "2026-11-0{1 + i}", "amount": {100 * i}}}\n' for i in range(8))
    )
    settings = FileImportSettings(
        surveys=folder / "surveys.csv", accounts=folder / "accounts.csv", retention_spend=folder / "spend.jsonl"
    )
    good_accounts = (folder / "accounts.csv").read_text()

    def break_page() -> None:
        # A bad row in the second file: the first file's pages are stored, nothing of this one.
        (folder / "accounts.csv").write_text(good_accounts + "a99,Broken,someday,,40\n")

    def repair() -> None:
        (folder / "accounts.csv").write_text(good_accounts)

    page_size = file_connector.PAGE_SIZE
    file_connector.PAGE_SIZE = 5
    try:
        yield Case(
            "file", lambda: FileImportConnector("imports", settings), _options(CompressedClock()), break_page, repair
        )
    finally:
        file_connector.PAGE_SIZE = page_size


@contextmanager
def freshdesk(tmp_path: Path) -> Iterator[Case]:
    from connectors.freshdesk import FreshdeskConnector, FreshdeskSettings
    from tests.fakes.freshdesk import FakeFreshdesk, FreshdeskAccount, populate

    clock = CompressedClock()
    account = FreshdeskAccount(clock)
    populate(account, tickets=70)
    for tid in list(account.tickets)[:3]:
        account.delete(tid)
    with FakeFreshdesk(account, clock, page_size=9) as fake:
        settings = FreshdeskSettings(url=fake.url, api_key=account.api_key)

        def break_page() -> None:
            fake.fail("truncated", "GET /api/v2/tickets", skip=1)

        yield Case(
            "freshdesk",
            lambda: FreshdeskConnector("acme", settings, clock=clock),
            _options(clock),
            break_page,
            fake.faults.clear,
        )


@contextmanager
def intercom(tmp_path: Path) -> Iterator[Case]:
    from connectors.intercom import IntercomConnector, IntercomSettings
    from tests.fakes.intercom import FakeIntercom, IntercomWorkspace, populate

    clock = CompressedClock()
    workspace = IntercomWorkspace(clock)
    populate(workspace, conversations=70)
    with FakeIntercom(workspace, clock, page_size=9) as fake:
        settings = IntercomSettings(url=fake.url, access_token=workspace.token)

        def break_page() -> None:
            fake.fail("truncated", "POST /conversations/search", skip=2)

        yield Case(
            "intercom",
            lambda: IntercomConnector("default", settings, clock=clock),
            _options(clock),
            break_page,
            fake.faults.clear,
        )


@contextmanager
def helpscout(tmp_path: Path) -> Iterator[Case]:
    from connectors.helpscout import HelpScoutConnector, HelpScoutSettings
    from tests.fakes.helpscout import FakeHelpScout, HelpScoutAccount, populate

    clock = CompressedClock()
    account = HelpScoutAccount(clock)
    populate(account, conversations=50)
    with FakeHelpScout(account, clock, page_size=8) as fake:
        settings = HelpScoutSettings(url=fake.url, app_id=account.app_id, app_secret=account.app_secret)

        def break_page() -> None:
            fake.fail("truncated", "GET /v2/conversations", skip=1)

        yield Case(
            "helpscout",
            lambda: HelpScoutConnector("default", settings, clock=clock),
            _options(clock),
            break_page,
            fake.faults.clear,
        )


CASES: dict[str, Callable[[Path], Any]] = {
    "sample": sample,
    "zendesk": zendesk,
    "file": files,
    "freshdesk": freshdesk,
    "intercom": intercom,
    "helpscout": helpscout,
}
