"""Images that go with a `/kpi` answer, sent to the asker alone.

An ephemeral answer cannot carry a file, and a file shared in a channel is visible to everyone in
it; so the image goes to the asker's direct message with the app, opened with
``conversations.open`` (https://docs.slack.dev/reference/methods/conversations.open, scope
``im:write``) and uploaded as the digest uploads its chart (``files_upload_v2``,
https://docs.slack.dev/reference/methods/files.getUploadURLExternal).
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from notifiers.chart import Chart

log = logging.getLogger(__name__)


def upload_privately(client: WebClient, user_id: str, chart: Chart) -> str:
    """Upload ``chart`` to ``user_id``'s direct message with the app; its file ID. Raises what
    slack-sdk raises (the App Home reuses the file: the user can see it there)."""
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    response = client.files_upload_v2(channel=channel, content=chart.png, filename=chart.filename, title=chart.title,
                                      alt_txt=chart.alt_text)
    return response["file"]["id"]


def send_privately(client: WebClient, user_id: str, chart: Chart) -> bool:
    """Upload ``chart`` to ``user_id``'s direct message with the app; False (logged) when Slack refuses."""
    try:
        upload_privately(client, user_id, chart)
        return True
    except SlackApiError as error:
        log.warning("/kpi: sending %s to %s failed: %s", chart.filename, user_id, error.response.get("error"))
    except SlackClientError as error:
        log.warning("/kpi: sending %s to %s failed: %s", chart.filename, user_id, type(error).__name__)
    return False
