"""worker/queue.py and rq_worker.py: sends have a queue of their own, taken from before chats."""
from __future__ import annotations

import uuid

import pytest
from redis import Redis
from rq import SimpleWorker

from worker.queue import DELIVER, DRAIN_CHATS, DRAINERS, JobQueue
from worker.rq_worker import listened_queues

pytestmark = pytest.mark.integration


@pytest.fixture
def queue(redis_url):
    jobs = JobQueue(Redis.from_url(redis_url), f"test-{uuid.uuid4().hex[:8]}")
    yield jobs
    for rq_queue in (jobs.queue, jobs.sends):
        rq_queue.delete(delete_jobs=True)
    jobs.redis.delete(jobs.chats.key, *[jobs.chats.slot_key(slot) for slot in range(DRAINERS)])


def test_sends_go_to_their_own_queue_and_chats_to_theirs(queue):
    assert queue.process_chat("U1") and queue.deliver(7) and queue.deliver(8, delay_seconds=30)
    assert [(job.func_name, job.args) for job in queue.queue.jobs] == [(DRAIN_CHATS, (0,))]
    assert queue.chats.waiting() == ["U1"]
    assert [(job.func_name, job.args) for job in queue.sends.jobs] == [(DELIVER, (7,))]
    assert queue.sends.scheduled_job_registry.get_job_ids() and not queue.queue.scheduled_job_registry.get_job_ids()


def test_a_worker_takes_a_send_before_a_chat_queued_earlier(queue):
    queue.process_chat("U1")
    queue.deliver(7)
    worker = SimpleWorker(listened_queues(queue), connection=queue.redis)
    job, taken_from = worker.dequeue_job_and_maintain_ttl(timeout=None)
    assert (job.func_name, taken_from.name) == (DELIVER, queue.sends.name)
