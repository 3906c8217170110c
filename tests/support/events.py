"""LINE webhook events as LINE's webhook.yml describes them, for tests that bypass the emulator."""
from __future__ import annotations

import time
import uuid


def now_ms() -> int:
    """LINE's timestamps: milliseconds since the epoch. Events far from now are refused."""
    return int(time.time() * 1000)


def text_event(user: str, text: str, timestamp: int | None = None, redelivery: bool = False,
               event_id: str | None = None, reply_token: str | None = None) -> dict:
    return {
        "type": "message",
        "mode": "active",
        "timestamp": now_ms() if timestamp is None else timestamp,
        "source": {"type": "user", "userId": user},
        "webhookEventId": event_id or uuid.uuid4().hex[:26].upper(),
        "deliveryContext": {"isRedelivery": redelivery},
        "replyToken": reply_token or uuid.uuid4().hex,
        "message": {"id": str(uuid.uuid4().int)[:18], "type": "text", "text": text,
                    "quoteToken": uuid.uuid4().hex},
    }


def beacon_event(user: str) -> dict:
    return {
        "type": "beacon", "mode": "active", "timestamp": now_ms(),
        "source": {"type": "user", "userId": user}, "webhookEventId": uuid.uuid4().hex[:26].upper(),
        "deliveryContext": {"isRedelivery": False}, "replyToken": uuid.uuid4().hex,
        "beacon": {"hwid": "d41d8cd98f", "type": "enter"},
    }


def _common(kind: str, source: dict, timestamp: int | None, reply: bool) -> dict:
    event = {
        "type": kind, "mode": "active", "timestamp": now_ms() if timestamp is None else timestamp,
        "source": source, "webhookEventId": uuid.uuid4().hex[:26].upper(),
        "deliveryContext": {"isRedelivery": False},
    }
    if reply:
        event["replyToken"] = uuid.uuid4().hex
    return event


def user_source(user: str) -> dict:
    return {"type": "user", "userId": user}


def group_source(group: str, user: str | None = None) -> dict:
    return {"type": "group", "groupId": group, **({"userId": user} if user else {})}


def message_event(source: dict, message: dict, timestamp: int | None = None) -> dict:
    """A message event; `message` without its id (added here)."""
    return {**_common("message", source, timestamp, True),
            "message": {"id": str(uuid.uuid4().int)[:18], **message}}


def sticker_message() -> dict:
    return {"type": "sticker", "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC",
            "quoteToken": uuid.uuid4().hex}


def image_message() -> dict:
    return {"type": "image", "contentProvider": {"type": "line"}, "quoteToken": uuid.uuid4().hex}


def location_message(latitude: float = 20.4283, longitude: float = 99.8826, address: str = "") -> dict:
    return {"type": "location", "latitude": latitude, "longitude": longitude,
            **({"address": address} if address else {})}


def text_message(text: str) -> dict:
    return {"type": "text", "text": text, "quoteToken": uuid.uuid4().hex}


def postback_event(source: dict, data: str, timestamp: int | None = None) -> dict:
    return {**_common("postback", source, timestamp, True), "postback": {"data": data}}


def follow_event(user: str, timestamp: int | None = None) -> dict:
    return {**_common("follow", user_source(user), timestamp, True), "follow": {"isUnblocked": False}}


def unfollow_event(user: str, timestamp: int | None = None) -> dict:
    return _common("unfollow", user_source(user), timestamp, False)


def join_event(group: str, timestamp: int | None = None) -> dict:
    return _common("join", group_source(group), timestamp, True)


def leave_event(group: str, timestamp: int | None = None) -> dict:
    return _common("leave", group_source(group), timestamp, False)


def member_joined_event(group: str, users: list[str], timestamp: int | None = None) -> dict:
    return {**_common("memberJoined", group_source(group), timestamp, True),
            "joined": {"members": [user_source(user) for user in users]}}


def member_left_event(group: str, users: list[str], timestamp: int | None = None) -> dict:
    return {**_common("memberLeft", group_source(group), timestamp, False),
            "left": {"members": [user_source(user) for user in users]}}
