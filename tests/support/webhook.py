"""What tests POST to the app's `/callback`: the test channel's secret and token, LINE user ids,
bodies signed with the emulator's signer (the one LINE's rule is written in)."""
from __future__ import annotations

import json
import uuid

from emulator.webhook_sender import sign as sign_bytes

SECRET = "test-channel-secret"
TOKEN = "test-channel-access-token"


def user_id() -> str:
    return "U" + uuid.uuid4().hex


def sign(body: str, secret: str = SECRET) -> str:
    """X-Line-Signature of a body written as text (sent UTF-8 encoded)."""
    return sign_bytes(secret, body.encode())


def post_events(client, events: list[dict], secret: str = SECRET):
    body = json.dumps({"destination": "U" + "0" * 32, "events": events})
    return client.post("/callback", data=body, headers={"X-Line-Signature": sign(body, secret),
                                                        "Content-Type": "application/json"})
