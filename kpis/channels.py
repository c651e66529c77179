"""One channel vocabulary across helpdesks, so `--by channel` compares like with like.

Normalised values: email, web, chat, phone, social, api, other. The store keeps the raw value
each connector wrote; the KPI layer maps it when it packs the records (so a mapping change
needs no migration, only a block rebuild). Sources of the raw values:
- Zendesk `via.channel`: https://developer.zendesk.com/documentation/ticketing/reference-guides/via-object-reference/
- Freshdesk `source` (integer): https://developers.freshdesk.com/api/#tickets
- Intercom `source.type`: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations
- Help Scout conversation `type` / `source.type`: https://developer.helpscout.com/mailbox-api/endpoints/conversations/get/
"""

from __future__ import annotations

_ZENDESK = {
    "email": "email", "web": "web", "web_form": "web", "web_widget": "chat", "chat": "chat",
    "native_messaging": "chat", "mobile_sdk": "chat", "voice": "phone", "sms": "phone",
    "twitter": "social", "facebook": "social", "instagram_dm": "social", "whatsapp": "social",
    "api": "api",
}
# Freshdesk: 1 Email, 2 Portal, 3 Phone, 4 Forum, 5 Twitter, 6 Facebook, 7 Chat,
# 8 Mobihelp, 9 Feedback widget, 10 Outbound email.
_FRESHDESK = {
    "1": "email", "2": "web", "3": "phone", "4": "web", "5": "social", "6": "social",
    "7": "chat", "8": "chat", "9": "web", "10": "email",
    # The names the Freshdesk connector stores for the codes it knows.
    "email": "email", "portal": "web", "phone": "phone", "chat": "chat", "feedback_widget": "web",
    "outbound_email": "email",
}
_INTERCOM = {
    "conversation": "chat", "email": "email", "push": "chat", "phone_call": "phone",
    "phone_switch": "phone", "sms": "phone", "facebook": "social", "twitter": "social",
    "instagram": "social", "whatsapp": "social",
}
_HELPSCOUT = {"email": "email", "chat": "chat", "phone": "phone", "beacon-v2": "chat",
              "web": "web", "api": "api"}

CHANNELS = ("email", "web", "chat", "phone", "social", "api", "other")

_BY_SOURCE = {"zendesk": _ZENDESK, "freshdesk": _FRESHDESK, "intercom": _INTERCOM,
              "helpscout": _HELPSCOUT}


def normalise_channel(source: str, raw: object) -> str | None:
    """The shared channel name for a helpdesk's raw value; None when the helpdesk gave none."""
    if raw is None or raw == "":
        return None
    return _BY_SOURCE.get(source, {}).get(str(raw).strip().lower(), "other")


def channel_code(source: str, raw: object) -> int:
    """Index of the normalised channel in :data:`CHANNELS`; -1 when the helpdesk gave none."""
    name = normalise_channel(source, raw)
    return -1 if name is None else CHANNELS.index(name)
