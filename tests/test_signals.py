"""The webhook's signals to the workers: LPUSH without waiting, and surviving Redis restarts."""
from __future__ import annotations

import logging
import threading

import pytest
from redis import Redis

from bot.signals import Signals
from tests.support.servers import OwnRedis, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def own_redis():
    server = OwnRedis().start()      # our own: these tests kill and restart it
    yield server
    server.close()


def _signals(server: OwnRedis) -> tuple[Signals, Redis]:
    client = Redis.from_url(server.url, socket_connect_timeout=0.5, socket_timeout=2)
    return Signals(client, "test:signals"), client


def _pushed(client: Redis) -> list[str]:
    return [item.decode() for item in reversed(client.lrange("test:signals", 0, -1))]


def test_signals_arrive_in_order(own_redis):
    signals, client = _signals(own_redis)
    assert signals.send(["U1", "U2"]) and signals.send(["U3"]) and signals.send([])
    wait_for(lambda: len(_pushed(client)) == 3)
    assert _pushed(client) == ["U1", "U2", "U3"]


def test_a_connection_closed_by_the_server_is_replaced_before_sending(own_redis):
    signals, client = _signals(own_redis)
    signals.send(["before"])
    wait_for(lambda: _pushed(client) == ["before"])
    client.client_kill_filter(_type="normal", skipme=True)     # Redis drops the quiet connection
    wait_for(lambda: len(client.client_list()) == 1)
    assert signals.send(["after"])
    wait_for(lambda: _pushed(client) == ["before", "after"])


def test_redis_down_is_reported_and_a_restarted_redis_gets_the_next_signal(own_redis, caplog):
    signals, client = _signals(own_redis)
    signals.send(["first"])
    own_redis.stop()
    caplog.set_level(logging.WARNING, logger="bot.signals")
    assert signals.send(["while down"]) is False
    assert "left for the sweeper" in caplog.text
    own_redis.start()
    assert signals.send(["back"])
    wait_for(lambda: _pushed(client) == ["back"])


def test_each_thread_sends_on_its_own_connection(own_redis):
    signals, client = _signals(own_redis)
    threads = [threading.Thread(target=lambda n=n: [signals.send([f"t{n}-{i}"]) for i in range(50)])
               for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_for(lambda: len(_pushed(client)) == 200)
    pushed = _pushed(client)
    for n in range(4):       # each thread's signals in its own order
        mine = [item for item in pushed if item.startswith(f"t{n}-")]
        assert mine == [f"t{n}-{i}" for i in range(50)]
