"""LINE webhook requests for the load generators, built and signed before the clock starts.

A timed run then only writes ready bytes and reads answers, so the generator's own work
stays out of what is measured. Signing and encoding are the emulator's (one signer for
tests, benchmarks and the emulator).
"""
from __future__ import annotations

import hashlib
import random
import time
import uuid
from dataclasses import dataclass

from emulator.webhook_sender import encode_payload, sign


def line_user_ids(count: int, seed: str = "hotline-bench") -> list[str]:
    """`count` distinct, stable, LINE-shaped user ids ("U" + 32 hex digits)."""
    return ["U" + hashlib.md5(f"{seed}-{i}".encode()).hexdigest() for i in range(count)]


def text_event(user: str, text: str, event_id: str, reply_token: str, timestamp_ms: int) -> dict:
    """A LINE text-message event, shaped like tests/support/events.py's text_event."""
    return {
        "type": "message",
        "mode": "active",
        "timestamp": timestamp_ms,
        "source": {"type": "user", "userId": user},
        "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": False},
        "replyToken": reply_token,
        "message": {"id": str(uuid.uuid4().int)[:18], "type": "text", "text": text,
                    "quoteToken": uuid.uuid4().hex},
    }


@dataclass
class SignedRequest:
    event_id: str
    reply_token: str
    user: str
    body: bytes
    signature: str


def signed(secret: str, destination: str, event: dict) -> SignedRequest:
    """One event in a body of its own, signed as LINE would."""
    body = encode_payload(destination, [event])
    return SignedRequest(event["webhookEventId"], event.get("replyToken", ""), event["source"]["userId"],
                         body, sign(secret, body))


def resigned(secret: str, events: list[dict], destination: str, send_times_ms: list[int]) -> list[SignedRequest]:
    """Events the emulator made (so it knows their reply tokens), one per body, stamped with
    their planned send time."""
    return [signed(secret, destination, {**event, "timestamp": ts}) for event, ts in zip(events, send_times_ms)]


class EventFactory:
    """Makes signed one-event webhook bodies with unique webhookEventIds.

    Ids are ``<prefix><counter>`` padded to LINE's 26 characters, so everything a run
    stored can be found again with ``LIKE '<prefix>%'`` without touching other rows.
    """

    TEXTS = ["hello", "สวัสดี", "မင်္ဂလာပါ", "menu", "help", "I need a lawyer", "1", "2"]

    def __init__(self, secret: str, users: list[str], prefix: str | None = None,
                 destination: str = "Ubenchdestination000000000000000"):
        self.secret = secret
        self.users = users
        self.prefix = prefix or ("B" + uuid.uuid4().hex[:7].upper())
        self.destination = destination
        self.counter = 0
        self.random = random.Random(self.prefix)

    def make(self, count: int) -> list[SignedRequest]:
        out = []
        now_ms = int(time.time() * 1000)
        for _ in range(count):
            self.counter += 1
            event_id = f"{self.prefix}{self.counter:0{26 - len(self.prefix)}d}"
            user = self.users[self.counter % len(self.users)]
            text = f"{self.random.choice(self.TEXTS)} {self.counter}"
            out.append(signed(self.secret, self.destination,
                              text_event(user, text, event_id, uuid.uuid4().hex, now_ms)))
        return out


def raw_http(req: SignedRequest, host: str, port: int, path: str = "/callback") -> bytes:
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: LineBotWebhook/2.0\r\n"
            f"Content-Type: application/json; charset=utf-8\r\nX-Line-Signature: {req.signature}\r\n"
            f"Content-Length: {len(req.body)}\r\n\r\n")
    return head.encode() + req.body
