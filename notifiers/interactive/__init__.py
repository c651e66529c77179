"""Slack's interactive surfaces (App Home, buttons, shortcuts and modals), answered by the `/kpi` machinery."""
