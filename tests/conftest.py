"""Shared fixtures: a real Redis, a real migrated database, the app wired to them, the whole stack.

Integration runs point TEST_REDIS_URL and TEST_DATABASE_URL at the machine's services;
without them the suite starts its own Redis and uses SQLite, so it passes anywhere.
Helpers tests import live in tests/support/, never here.
"""
from __future__ import annotations

import os

import pytest
from cryptography.fernet import Fernet
from redis import Redis

from app import create_app
from storage import crypto
from storage.db import Database
from tests.support.app_settings import settings_for
from tests.support.databases import fresh_database
from tests.support.fake_line import FakeLine
from tests.support.servers import OwnRedis
from tests.support.stack import start_stack

# Tests run in development (dev defaults, instance-dir keys), whoever runs pytest (make test, .ci/run);
# the few tests of the production refusal set HOTLINE_ENV themselves.
os.environ["HOTLINE_ENV"] = "development"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "stack(scope='module', workers=1, example_directory=False, **settings_changes): "
                   "how the `stack` fixture starts the service for the tests it marks")


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
    return settings_for(tmp_path, database_url, redis_url)


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


@pytest.fixture
def line():
    """LINE faked: records what the app sends (tests/support/fake_line.py)."""
    return FakeLine()


@pytest.fixture
def app(settings, line):
    """The app on the test's database and Redis, talking to the fake `line`."""
    application = create_app(settings, line=line)
    yield application
    application.extensions["hotline"].db.dispose()


def _stack_options(node) -> dict:
    marker = node.get_closest_marker("stack")
    return dict(marker.kwargs) if marker else {}


@pytest.fixture
def stack(request, tmp_path):
    """The whole service (tests/support/stack.py): the emulator, the web app, `flask worker` processes.
    One per test, or one per module with `@pytest.mark.stack(scope="module")`; the marker's other
    options go to `start_stack` (workers, example_directory, Settings fields to change)."""
    options = _stack_options(request.node)
    if options.pop("scope", "function") == "module":
        yield request.getfixturevalue("module_stack")
        return
    running = start_stack(request.getfixturevalue("settings"), tmp_path, **options)
    yield running
    running.close()


@pytest.fixture(scope="module")
def module_stack(request, tmp_path_factory, redis_url):
    """The `stack` of a module marked `scope="module"`: on a database of its own, shared by its tests
    (and the name module-scoped fixtures of that module ask for)."""
    options = _stack_options(request.node)
    options.pop("scope", None)
    tmp_path = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])
    with fresh_database(tmp_path) as database_url:
        running = start_stack(settings_for(tmp_path, database_url, redis_url), tmp_path, **options)
        yield running
        running.close()
