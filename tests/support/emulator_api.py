"""Driving the emulator in its own tests: the channel it runs for, the control API as a person
uses it, a fake bot that records the webhooks it posts, and a clock that moves only when told."""
from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable

from flask import Flask, request
from werkzeug.serving import make_server

from tests.support.webhook import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}
USER = "U" + "1" * 32
USER2 = "U" + "2" * 32
GROUP = "C" + "3" * 32
# A 1x1 PNG: an image LINE takes (message content, rich menu pictures).
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


class FakeClock:
    """Seconds since epoch that only move when a test says so."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class WebhookReceiver:
    """A fake bot on a free port: records each webhook POST, answers `status`,
    and runs `handler(record)` first if set (e.g. to call the reply API)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.handler: Callable[[dict], None] | None = None
        app = Flask("fake-bot")

        @app.post("/callback")
        def callback():
            raw = request.get_data()
            record = {"raw": raw, "headers": dict(request.headers), "json": json.loads(raw)}
            self.requests.append(record)
            if self.handler:
                self.handler(record)
            return "OK", self.status

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def reset(self) -> None:
        self.requests.clear()
        self.status = 200
        self.handler = None

    @property
    def events(self) -> list[dict]:
        return [event for r in self.requests for event in r["json"]["events"]]


def send(client, **spec) -> dict:
    """Act as a person through the control API; return its JSON answer."""
    spec.setdefault("userId", USER)
    response = client.post("/emulator/api/send", json=spec)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def reply_token(client, **spec) -> str:
    return send(client, **spec)["event"]["replyToken"]


def text(value: str = "hello", **extra) -> dict:
    return {"type": "text", "text": value, **extra}
