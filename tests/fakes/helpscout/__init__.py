"""A fake Help Scout for the tests: account data and a local HTTP server."""

from tests.fakes.helpscout.data import HelpScoutAccount, populate
from tests.fakes.helpscout.server import FakeHelpScout

__all__ = ["FakeHelpScout", "HelpScoutAccount", "populate"]
