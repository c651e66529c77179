"""A fake Freshdesk for the tests: account data and a local HTTP server."""

from tests.fake_freshdesk.data import FreshdeskAccount, iso, populate
from tests.fake_freshdesk.server import FakeFreshdesk

__all__ = ["FakeFreshdesk", "FreshdeskAccount", "iso", "populate"]
