"""A JobQueue of its own on the test Redis (a fresh name), removed afterwards with its chat list
and drainer slots: for tests of what is queued where."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from redis import Redis

from worker.queue import CHAT_LOCK_PREFIX, DRAINERS, JobQueue


@contextmanager
def fresh_job_queue(redis_url: str) -> Iterator[JobQueue]:
    jobs = JobQueue(Redis.from_url(redis_url), f"test-{uuid.uuid4().hex[:8]}")
    try:
        yield jobs
    finally:
        for rq_queue in (jobs.queue, jobs.sends, jobs.broadcasts):
            rq_queue.delete(delete_jobs=True)
        jobs.redis.delete(jobs.chats.key, *[jobs.chats.slot_key(slot) for slot in range(DRAINERS)])


def chat_lock(queue: JobQueue, chat_key: str):
    """A plain Redis lock on the chat's lock key, as another worker holding the chat: the chat
    list's scripts (worker/queue.py) find it taken, and take the key once it is released."""
    return queue.redis.lock(f"{CHAT_LOCK_PREFIX}{chat_key}", timeout=queue.chat_lock_seconds, thread_local=False)
