"""The App Home's chart: a file in Slack that the view's ``image`` block points at (``slack_file``).

An ``image`` block shows a public URL or a file in Slack that its viewer may see
(https://docs.slack.dev/reference/block-kit/composition-objects/slack-file-object). The charts are
not public, and a file uploaded without a channel is the bot's alone; so the chart goes to the
user's direct message with the app (its Messages tab, :func:`~notifiers.slash.private_files.upload_privately`,
the three steps of ``files_upload_v2`` the digests use) and the Home references that file by ID.
A chart whose bytes did not change since the last upload is not uploaded again.
"""

from __future__ import annotations

import hashlib
import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from notifiers.chart import Chart
from notifiers.interactive.home_store import HomeState, HomeStates
from notifiers.slash.private_files import upload_privately

log = logging.getLogger(__name__)


def chart_file(client: WebClient, states: HomeStates, state: HomeState, chart: Chart | None) -> str | None:
    """The file ID of ``chart`` in Slack, uploaded now unless the last upload was the same image;
    None (logged in one line) when there is no chart or Slack refused it: the Home goes without."""
    if chart is None:
        return None
    png_hash = hashlib.sha256(chart.png).hexdigest()
    if state.chart_file_id and state.chart_hash == png_hash:
        return state.chart_file_id
    try:
        file_id = upload_privately(client, state.user_id, chart)
    except SlackApiError as error:
        log.warning("App Home chart of %s not uploaded: Slack answered %s", state.user_id, error.response.get("error"))
        return None
    except (SlackClientError, OSError) as error:
        log.warning("App Home chart of %s not uploaded: Slack unreachable (%s)", state.user_id, type(error).__name__)
        return None
    states.chart_uploaded(state, file_id, png_hash)
    return file_id
