"""Slack's interactive surfaces: the App Home, buttons on digests and alerts, shortcuts and modals."""
