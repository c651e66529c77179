"""Slack-native surfaces beyond `/kpi`: buttons on digests and alerts, App Home, shortcuts and modals."""
