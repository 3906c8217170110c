"""Fixtures: an emulator app with a fake clock, and a tiny fake bot that records webhooks."""
from __future__ import annotations

import json
import threading
from collections.abc import Callable

import pytest
from flask import Flask, request
from werkzeug.serving import make_server

from emulator import EmulatorConfig, create_emulator_app

SECRET = "test-channel-secret"
TOKEN = "test-channel-access-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
USER = "U" + "1" * 32
USER2 = "U" + "2" * 32
GROUP = "C" + "3" * 32


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


@pytest.fixture(scope="session")
def receiver():
    fake_bot = WebhookReceiver()
    yield fake_bot
    fake_bot.server.shutdown()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config(receiver) -> EmulatorConfig:
    receiver.reset()
    return EmulatorConfig(webhook_url=receiver.url, channel_secret=SECRET,
                          channel_access_token=TOKEN, reply_token_ttl=60, webhook_timeout=5)


@pytest.fixture
def app(config, clock):
    return create_emulator_app(config, clock=clock)


@pytest.fixture
def client(app):
    return app.test_client()


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
