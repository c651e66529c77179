"""A fake Intercom for the tests: workspace data and a local HTTP server."""

from tests.fakes.intercom.data import IntercomWorkspace, populate
from tests.fakes.intercom.server import FakeIntercom

__all__ = ["FakeIntercom", "IntercomWorkspace", "populate"]
