"""The embedded Redis (REDIS_URL unset): one server per instance dir, shared, and none spawned by RQ."""
from __future__ import annotations

import redis
from rq.connections import parse_connection

from worker.queue import embedded_redis


def test_processes_of_one_instance_share_one_server_and_rq_rebuilds_a_plain_client(tmp_path):
    first = embedded_redis(tmp_path)
    try:
        second = embedded_redis(tmp_path)           # as the worker does beside the web process
        first.set("shared", "yes")
        assert second.get("shared") == b"yes"
        assert first.embedded_server.socket_file == second.embedded_server.socket_file
        # RQ's scheduler builds its own client from the connection's class and pool settings:
        # a plain redis-py class, so it connects to this server instead of starting another
        cls, pool_class, pool_kwargs = parse_connection(first)
        assert cls is redis.Redis
        rebuilt = cls(connection_pool=redis.ConnectionPool(connection_class=pool_class, **pool_kwargs))
        assert rebuilt.get("shared") == b"yes"
    finally:
        try:
            first.shutdown(nosave=True)
        except redis.exceptions.ConnectionError:
            pass
