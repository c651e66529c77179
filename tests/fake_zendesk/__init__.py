"""A fake Zendesk for the tests and the benchmark: account data, a local HTTP server, clocks."""

from tests.fake_zendesk.clock import CompressedClock, RealClock, ScaledClock
from tests.fake_zendesk.data import Account, populate
from tests.fake_zendesk.server import FakeZendesk

__all__ = ["Account", "CompressedClock", "FakeZendesk", "RealClock", "ScaledClock", "populate"]
