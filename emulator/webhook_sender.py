"""Sign and POST webhook payloads to the bot, the way the LINE platform does."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass

import requests


def sign(channel_secret: str, body: bytes) -> str:
    """X-Line-Signature: base64(HMAC-SHA256(channel secret, raw body))."""
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def encode_payload(destination: str, events: list[dict]) -> bytes:
    """UTF-8 JSON with non-ASCII kept as is (Burmese/Thai text arrives unescaped, like LINE's)."""
    return json.dumps({"destination": destination, "events": events},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class WebhookResult:
    status: int | None
    body: str | None
    error: str | None = None


class WebhookSender:
    def __init__(self, channel_secret: str, post: Callable[..., requests.Response] = requests.post) -> None:
        self.channel_secret = channel_secret
        self.post = post

    def deliver(self, url: str, destination: str, events: list[dict], timeout: float) -> WebhookResult:
        body = encode_payload(destination, events)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "LineBotWebhook/2.0",
            "X-Line-Signature": sign(self.channel_secret, body),
        }
        try:
            response = self.post(url, data=body, headers=headers, timeout=timeout)
        except requests.RequestException as exc:
            return WebhookResult(None, None, f"webhook unreachable: {exc}")
        return WebhookResult(response.status_code, response.text)
