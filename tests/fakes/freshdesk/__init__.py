"""A fake Freshdesk for the tests: account data and a local HTTP server."""

from tests.fakes.freshdesk.data import FreshdeskAccount, iso, populate
from tests.fakes.freshdesk.server import FakeFreshdesk

__all__ = ["FakeFreshdesk", "FreshdeskAccount", "iso", "populate"]
