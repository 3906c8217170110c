"""`flask worker` outlives a Redis outage: it builds RQ's worker again until Redis answers.

Building RQ's worker talks to Redis (CLIENT SETNAME): done outside run_worker's retry, a
Redis outage would end the process and leave the queue unserved for good.
"""
from __future__ import annotations

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from worker import rq_worker


class _Queue:
    def __init__(self):
        self.redis = Redis(host="127.0.0.1", port=9)     # never connected to by this test
        self.queue = object()
        self.sends = object()
        self.broadcasts = object()


def test_a_redis_error_while_building_rq_s_worker_is_waited_out(monkeypatch):
    built, worked = [], []

    class FlakyWorker:
        """Redis refuses the first two builds, as while it is down; the third works once."""

        def __init__(self, queues, connection):
            built.append(connection)
            if len(built) < 3:
                raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")
            self._stop_requested = False
            self._shutdown_requested_date = None

        def work(self, **kwargs):
            worked.append(kwargs)
            self._stop_requested = True      # then a SIGTERM: run_worker returns

    monkeypatch.setattr(rq_worker, "SimpleWorker", FlakyWorker)
    rq_worker.run_worker(_Queue(), pause=0)
    assert len(built) == 3
    assert len(worked) == 1


def test_a_burst_worker_still_ends_when_redis_is_down(monkeypatch):
    class DownWorker:
        def __init__(self, queues, connection):
            raise RedisConnectionError("Connection refused.")

    monkeypatch.setattr(rq_worker, "SimpleWorker", DownWorker)
    rq_worker.run_worker(_Queue(), burst=True, pause=0)    # returns instead of looping for ever
