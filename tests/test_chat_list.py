"""worker/queue.py's ChatList on a real Redis: a chat put on the list starts a drain job only when
no drainer holds the first slot, a backlog brings more drainers, and a drainer that leaves with
chats still waiting queues the next one."""
from __future__ import annotations

import time

import pytest
from redis.exceptions import LockError

from tests.support.job_queue import chat_lock, fresh_job_queue
from worker.queue import DRAIN_CHATS, DRAINERS

pytestmark = pytest.mark.integration


@pytest.fixture
def queue(redis_url):
    with fresh_job_queue(redis_url) as jobs:
        yield jobs


def drainers(queue):
    return [job.args[0] for job in queue.queue.jobs if job.func_name == DRAIN_CHATS]


def test_the_first_chat_starts_the_first_drainer_and_the_next_ones_ride_along(queue):
    assert queue.process_chat("U1")
    assert queue.chats.look(0).chat == "U1"       # the drainer at work holds slot 0
    assert queue.process_chat("U2")               # one waiting: the drainer at work takes it
    assert drainers(queue) == [0]
    assert queue.chats.waiting() == ["U2"]


def test_a_backlog_brings_one_more_drainer_per_chat_up_to_the_limit(queue):
    for n in range(DRAINERS + 5):
        queue.process_chat(f"U{n}")
    assert drainers(queue) == list(range(DRAINERS))
    assert len(queue.chats.waiting()) == DRAINERS + 5


def test_chats_put_on_the_list_at_once_start_the_drainers_one_by_one_would(queue, monkeypatch):
    monkeypatch.setattr("worker.queue.PUSH_BATCH", 4)        # two scripts: the slots carry over
    assert queue.process_chats([f"U{n}" for n in range(DRAINERS + 3)])
    assert drainers(queue) == list(range(DRAINERS))
    assert queue.chats.waiting() == [f"U{n}" for n in range(DRAINERS + 3)]
    queue.queue.empty()
    queue.redis.delete(queue.chats.slot_key(0))              # the first drainer left
    assert queue.process_chats(["late", "later"])
    assert drainers(queue) == [0]                            # the first slot again, no other (all taken)
    assert queue.process_chats([])


def test_look_takes_chats_in_order_and_sees_sends_and_broadcasts_waiting(queue):
    queue.process_chat("U1")
    queue.process_chat("U2")
    first = queue.chats.look(0)
    assert (first.chat, first.sends_waiting, first.broadcasts_waiting) == ("U1", False, False)
    queue.deliver(7)
    queue.start_broadcast(3)
    second = queue.chats.look(0)
    assert (second.chat, second.sends_waiting, second.broadcasts_waiting) == ("U2", True, True)
    assert queue.chats.look(0).chat is None


def test_wait_returns_a_chat_pushed_meanwhile_or_none_in_time(queue):
    started = time.monotonic()
    assert queue.chats.wait(0.05) is None
    assert time.monotonic() - started < 1.0
    queue.redis.rpush(queue.chats.key, "U9")
    assert queue.chats.wait(0.05) == "U9"


def test_leaving_with_chats_waiting_queues_the_next_drainer(queue):
    queue.process_chat("U1")
    queue.chats.look(0)                          # the drainer took U1
    queue.process_chat("U2")                     # slot 0 held: nothing new queued
    queue.queue.empty()
    queue.chats.leave(0)                         # e.g. a send was queued: it steps aside
    assert drainers(queue) == [0] and queue.chats.waiting() == ["U2"]


def test_leaving_an_empty_list_queues_nothing_and_frees_the_slot(queue):
    queue.process_chat("U1")
    queue.chats.look(0)
    queue.queue.empty()
    queue.chats.leave(0)
    assert drainers(queue) == [] and not queue.redis.exists(queue.chats.slot_key(0))
    queue.process_chat("U2")
    assert drainers(queue) == [0]


def test_leaving_after_a_failure_queues_nothing(queue):
    queue.process_chat("U1")
    queue.process_chat("U2")
    queue.chats.look(0)
    queue.queue.empty()
    queue.chats.leave(0, wake=False)
    assert drainers(queue) == [] and queue.chats.waiting() == ["U2"]


def test_a_dead_drainers_slot_lapses(queue):
    queue.chats.look(0)
    assert 0 < queue.redis.ttl(queue.chats.slot_key(0)) <= 10


def test_a_later_drainer_that_steps_aside_hands_its_slot_to_a_successor(queue):
    for n in range(5):
        queue.process_chat(f"U{n}")
    assert drainers(queue) == [0, 1, 2, 3, 4]
    queue.queue.empty()
    queue.chats.look(3)                         # drainer 3 took a chat, then a send was queued
    queue.chats.leave(3)
    assert drainers(queue) == [3]


def test_a_push_behind_a_long_backlog_asks_one_slot_only(queue):
    for n in range(DRAINERS + 20):
        queue.process_chat(f"U{n}")
    queue.queue.empty()
    queue.redis.delete(queue.chats.slot_key(2))      # drainer 2 gone; the backlog is longer than the drainers
    queue.process_chat("late")
    assert drainers(queue) == []                      # it asked for the last slot (taken), not every slot
    queue.redis.delete(queue.chats.slot_key(DRAINERS - 1))
    queue.process_chat("later")
    assert drainers(queue) == [DRAINERS - 1]


def other_worker_has(queue, chat):
    """Whether another worker (a lock of its own on the chat's key) would find the chat locked."""
    lock = chat_lock(queue, chat)
    if lock.acquire(blocking=False):
        lock.release()
        return False
    return True


def test_a_look_takes_the_chats_lock_and_the_next_look_gives_it_back(queue):
    queue.process_chat("U1")
    queue.process_chat("U2")
    first = queue.chats.look(0, lock=True)
    assert first.chat == "U1" and first.held.chat == "U1"
    assert other_worker_has(queue, "U1")
    assert 0 < queue.redis.pttl(first.held.name) <= 10_000
    second = queue.chats.look(0, first.held, lock=True)
    assert second.held.chat == "U2"
    assert not other_worker_has(queue, "U1") and other_worker_has(queue, "U2")
    queue.chats.leave(0, held=second.held)
    assert not other_worker_has(queue, "U2") and queue.chats.waiting() == []


def test_a_chat_found_locked_goes_back_on_the_list_when_its_holder_gives_it_back(queue):
    queue.process_chat("U1")
    held = queue.chats.look(0, lock=True).held
    queue.process_chat("U1")                             # a new event while U1 is worked on
    found = queue.chats.look(1, lock=True)               # another worker's drainer pops it
    assert found.chat == "U1" and found.held is None     # and leaves it to the holder
    assert queue.chats.take("U1") is None                # so does a job of its own
    assert queue.chats.waiting() == []
    again = queue.chats.look(0, held, lock=True)         # the holder gives it back: listed again, taken again
    assert again.chat == "U1" and again.held is not None
    queue.chats.give_back(again.held)
    assert queue.chats.waiting() == [] and not other_worker_has(queue, "U1")


def test_a_lapsed_lock_taken_by_another_worker_is_not_given_back_by_the_first(queue):
    queue.chat_lock_seconds = 0.2
    held = queue.chats.take("U1")
    time.sleep(0.3)
    with pytest.raises(LockError):
        held.reacquire()
    other = queue.chats.take("U1")
    assert other is not None
    queue.chats.give_back(held)
    queue.chats.leave(0, held=held)
    assert other_worker_has(queue, "U1")
    other.reacquire()
    assert queue.redis.pttl(other.name) > 100
    queue.chats.give_back(other)
    assert not other_worker_has(queue, "U1")
