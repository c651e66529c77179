"""A fake Intercom for the tests: workspace data and a local HTTP server."""

from tests.fake_intercom.data import IntercomWorkspace, populate
from tests.fake_intercom.server import FakeIntercom

__all__ = ["FakeIntercom", "IntercomWorkspace", "populate"]
