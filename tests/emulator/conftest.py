"""Fixtures: an emulator app with a fake clock, and a tiny fake bot that records webhooks."""
from __future__ import annotations

import pytest

from emulator import EmulatorConfig, create_emulator_app
from tests.support.emulator_api import FakeClock, WebhookReceiver
from tests.support.webhook import SECRET, TOKEN


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
