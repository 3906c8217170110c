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
