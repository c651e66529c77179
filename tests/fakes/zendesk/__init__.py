"""A fake Zendesk for the tests and the benchmark: account data, a local HTTP server, clocks."""

from tests.fakes.zendesk.clock import CompressedClock, RealClock, ScaledClock
from tests.fakes.zendesk.data import Account, populate
from tests.fakes.zendesk.server import FakeZendesk

__all__ = ["Account", "CompressedClock", "FakeZendesk", "RealClock", "ScaledClock", "populate"]
