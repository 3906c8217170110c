"""Shared fixtures: a real Redis, a real migrated database, the app wired to them.

Integration runs point TEST_REDIS_URL and TEST_DATABASE_URL at the machine's services;
without them the suite starts its own Redis and uses SQLite, so it passes anywhere.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import uuid

import pytest
from cryptography.fernet import Fernet
from redis import Redis

from settings import Settings
from storage import crypto
from storage.db import Database
from tests.support.databases import fresh_database
from tests.support.servers import OwnRedis

# Tests run in development (dev defaults, instance-dir keys), whoever runs pytest (make test, .ci/run);
# the few tests of the production refusal set HOTLINE_ENV themselves.
os.environ["HOTLINE_ENV"] = "development"

SECRET = "test-channel-secret"
TOKEN = "test-channel-access-token"


def sign(body: str, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()).decode()


def user_id() -> str:
    return "U" + uuid.uuid4().hex


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    server = OwnRedis().start()
    yield server.url
    server.close()


@pytest.fixture
def database_url(tmp_path):
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
def settings(tmp_path, database_url, redis_url):
    return Settings(channel_secret=SECRET, access_token=TOKEN, database_url=database_url,
                    redis_url=redis_url, queue_name=f"test-{uuid.uuid4().hex[:8]}",
                    instance_dir=tmp_path, line_api_base="http://127.0.0.1:9", line_api_data_base="http://127.0.0.1:9")


@pytest.fixture
def db(database_url):
    """A migrated database with a fresh encryption key: for tests below the app."""
    crypto.configure(crypto.KeyRing([Fernet.generate_key().decode()]))
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def redis(redis_url):
    return Redis.from_url(redis_url)


def post_events(client, events: list[dict], secret: str = SECRET):
    body = json.dumps({"destination": "U" + "0" * 32, "events": events})
    return client.post("/callback", data=body, headers={"X-Line-Signature": sign(body, secret),
                                                        "Content-Type": "application/json"})
