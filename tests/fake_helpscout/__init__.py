"""A fake Help Scout for the tests: account data and a local HTTP server."""

from tests.fake_helpscout.data import HelpScoutAccount, populate
from tests.fake_helpscout.server import FakeHelpScout

__all__ = ["FakeHelpScout", "HelpScoutAccount", "populate"]
