"""The webhook's word to the workers: "these chats got new events", without waiting.

Each thread keeps a Redis connection of its own on which it has said `CLIENT REPLY OFF`, and
only ever sends `LPUSH` on it. Waiting for Redis's reply was half of a webhook request's
time under load (the sync worker sat idle until redis-server got a core; bench/bench_webhook.py
with py-spy), and the reply carries nothing the webhook needs: the events are already
committed, and a signal that goes missing (Redis down, or dying just after the send) only
delays that chat until the sweeper finds its pending events (`SWEEP_AFTER_SECONDS`).

A connection the server has closed becomes readable (nothing else ever arrives on it), so it
is checked, at the cost of one poll, before each send and replaced when stale: a restarted
Redis loses at most the signals sent in the instant it went down.
"""
from __future__ import annotations

import logging
import os
import threading

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _replies_off(connection) -> None:
    """redis-py's connect handshake (AUTH, SELECT, ...), then no more replies on this connection."""
    connection.on_connect()
    connection.send_command("CLIENT", "REPLY", "OFF", check_health=False)


def _closed_by_server(connection) -> bool:
    """Anything readable on a connection that gets no replies means the server closed it."""
    try:
        return connection.can_read(timeout=0)
    except RedisError:
        return True


class Signals:
    """Fire-and-forget LPUSHes to one list, one quiet connection per thread."""

    def __init__(self, redis: Redis, key: str):
        self.redis = redis
        self.key = key
        self._local = threading.local()

    def send(self, chat_keys: list[str]) -> bool:
        """Push the chat keys; False (and a warning) when Redis cannot be reached."""
        if not chat_keys:
            return True
        try:
            connection = self._connection()
            if _closed_by_server(connection):
                connection.disconnect()
                connection.connect()
            connection.send_command("LPUSH", self.key, *chat_keys, check_health=False)
            return True
        except RedisError as exc:
            self._local.connection = None
            log.warning("queue unavailable, %s chat(s) left for the sweeper: %s", len(chat_keys), exc)
            return False

    def _connection(self):
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():    # first use, or a forked child
            pool = self.redis.connection_pool
            kwargs = {**pool.connection_kwargs, "health_check_interval": 0, "redis_connect_func": _replies_off}
            connection = pool.connection_class(**kwargs)
            connection.connect()            # raises when Redis is down: nothing kept
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None and self._local.pid == os.getpid():
            connection.disconnect()
        self._local.connection = None
