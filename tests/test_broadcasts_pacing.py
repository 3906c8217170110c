"""Issue 15: broadcasts never crowd out replies and alerts. Their jobs have a queue of their own that
workers take from last, and the multicasts of the whole deployment are paced on Redis: at most
BROADCAST_CALLS_PER_SECOND in any second, a job over it put back for later instead of sleeping."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from rq import SimpleWorker

from tests.support.job_queue import fresh_job_queue
from worker.broadcasts import Pacer
from worker.queue import DELIVER, DRAIN_CHATS, SEND_BROADCAST, START_BROADCAST
from worker.rq_worker import listened_queues

pytestmark = pytest.mark.integration


@pytest.fixture
def queue(redis_url):
    with fresh_job_queue(redis_url) as jobs:
        yield jobs


def _taken(queue, count):
    worker = SimpleWorker(listened_queues(queue), connection=queue.redis)
    taken = []
    for _ in range(count):
        job, _ = worker.dequeue_job_and_maintain_ttl(timeout=None)
        taken.append(job.func_name)
    return taken


def test_broadcast_jobs_go_to_their_own_queue(queue):
    when = datetime(2030, 1, 1, 3, 0, tzinfo=UTC)
    assert queue.start_broadcast(1) and queue.send_broadcast(1) and queue.start_broadcast(2, when=when)
    assert queue.send_broadcast(1, when=when, slot=when.timestamp())
    assert [(job.func_name, job.args) for job in queue.broadcasts.jobs] == [(START_BROADCAST, (1,)),
                                                                            (SEND_BROADCAST, (1, None))]
    scheduled = queue.broadcasts.scheduled_job_registry
    assert len(scheduled.get_job_ids()) == 2
    assert not queue.queue.jobs and not queue.sends.jobs


def test_an_alert_and_a_chat_are_taken_before_a_backlog_of_broadcast_sends(queue):
    for _ in range(20):
        queue.send_broadcast(1)
    queue.process_chat("U1")
    queue.deliver(7)               # an alert to officers, queued last
    assert _taken(queue, 3) == [DELIVER, DRAIN_CHATS, SEND_BROADCAST]


def test_at_most_the_rate_in_any_second_and_later_calls_get_later_slots(redis):
    pacer = Pacer(redis, f"test-pace-{uuid.uuid4().hex[:8]}", calls_per_second=5)
    now = 1_800_000_000.4
    slots = [pacer.reserve(now) for _ in range(12)]
    assert slots == [1_800_000_000.0] * 5 + [1_800_000_001.0] * 5 + [1_800_000_002.0] * 2
    # a second later, the window is the next one: the calls of the last one are not forgotten
    assert pacer.reserve(now + 1) == 1_800_000_002.0


def test_the_pace_is_one_for_the_whole_deployment(redis):
    key = f"test-pace-{uuid.uuid4().hex[:8]}"
    one, other = Pacer(redis, key, 2), Pacer(redis, key, 2)      # two workers
    now = 1_800_000_000.0
    assert [one.reserve(now), other.reserve(now), one.reserve(now)] == [now, now, now + 1]


def test_below_one_call_a_second_the_windows_are_longer(redis):
    pacer = Pacer(redis, f"test-pace-{uuid.uuid4().hex[:8]}", calls_per_second=0.5)
    now = 1_800_000_000.0
    assert [pacer.reserve(now) for _ in range(3)] == [now, now + 2, now + 4]


def test_a_quiet_pace_lets_the_next_call_go_at_once(redis):
    pacer = Pacer(redis, f"test-pace-{uuid.uuid4().hex[:8]}", calls_per_second=5)
    assert pacer.reserve(1_800_000_000.0) == 1_800_000_000.0
    assert pacer.reserve(1_800_000_100.7) == 1_800_000_100.0     # its window has begun: now
