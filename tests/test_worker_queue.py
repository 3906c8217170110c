"""worker/queue.py and rq_worker.py: sends have a queue of their own, taken from before chats."""
from __future__ import annotations

import pytest
from rq import SimpleWorker

from tests.support.job_queue import fresh_job_queue
from worker.queue import DELIVER, DRAIN_CHATS
from worker.rq_worker import listened_queues

pytestmark = pytest.mark.integration


@pytest.fixture
def queue(redis_url):
    with fresh_job_queue(redis_url) as jobs:
        yield jobs


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
