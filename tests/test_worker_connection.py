"""The RQ worker's own Redis client: an idle worker must keep listening, not back off for a minute."""
from __future__ import annotations

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from worker.queue import connect_redis
from worker.rq_worker import rq_connection

pytestmark = pytest.mark.integration


def test_rq_blocks_longer_than_our_socket_timeout_on_every_connection(redis_url, tmp_path):
    ours = connect_redis(redis_url, tmp_path)                       # 10 s socket timeout
    ours.ping()                                                      # a connection opened before RQ starts
    assert ours.connection_pool.connection_kwargs["socket_timeout"] == 10
    connection = rq_connection(ours)
    worker = SimpleWorker([Queue("test-idle", connection=ours)], connection=connection)
    wait = worker.connection.connection_pool.connection_kwargs["socket_timeout"]
    assert wait > worker.dequeue_timeout > 10                        # RQ's own setting, on a pool of its own
    assert ours.connection_pool.connection_kwargs["socket_timeout"] == 10   # ours untouched
    assert connection.connection_pool is not ours.connection_pool
    assert isinstance(connection, Redis) and connection.ping()
