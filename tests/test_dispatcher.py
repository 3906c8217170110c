"""The dispatcher: events the webhook committed become process_chat jobs, by one worker at a time."""
from __future__ import annotations

import threading
import time

import pytest

from storage import inbox
from tests.support.events import text_event
from tests.support.servers import wait_for
from tests.support.webhook import post_events, user_id
from worker.inbox_dispatcher import InboxDispatcher
from worker.sweeper import sweep

pytestmark = pytest.mark.integration


class RecordingQueue:
    """The real queue's dispatcher lock, with process_chat recorded instead of enqueued."""

    def __init__(self, queue):
        self.real = queue
        self.chats: list[str] = []
        self._lock = threading.Lock()

    def dispatcher_lock(self, timeout: float):
        return self.real.dispatcher_lock(timeout)

    def process_chat(self, chat_key: str) -> bool:
        with self._lock:
            self.chats.append(chat_key)
        return True

    def process_chats(self, chat_keys: list[str]) -> bool:
        return all([self.process_chat(chat_key) for chat_key in chat_keys])


def _dispatcher(app, **kwargs) -> tuple[InboxDispatcher, RecordingQueue]:
    hotline = app.extensions["hotline"]
    queue = RecordingQueue(hotline.queue)
    return InboxDispatcher(hotline.db, queue, **kwargs), queue


def _stop(*dispatchers: InboxDispatcher) -> None:
    for dispatcher in dispatchers:
        dispatcher.stop()
    for dispatcher in dispatchers:
        dispatcher.join(5)


def test_new_events_become_one_job_per_chat_and_a_redelivery_none(app):
    dispatcher, queue = _dispatcher(app)
    dispatcher.start()
    try:
        wait_for(dispatcher.leading.is_set, message="dispatcher leading")
        alice, bob = user_id(), user_id()
        first = text_event(alice, "one")
        client = app.test_client()
        assert post_events(client, [first, text_event(alice, "two"), text_event(bob, "three")]).status_code == 200
        wait_for(lambda: sorted(queue.chats) == sorted([alice, bob]), timeout=3, message="both chats dispatched")
        _assert_pending(app, alice, bob)          # promoted (SQLite) before they were named: a job finds them
        assert post_events(client, [{**first, "deliveryContext": {"isRedelivery": True}}]).status_code == 200
        carol = user_id()
        assert post_events(client, [text_event(carol, "later")]).status_code == 200
        wait_for(lambda: carol in queue.chats, timeout=3, message="a later chat dispatched")
        assert queue.chats.count(alice) == 1       # the redelivery stored nothing, so it woke nobody
    finally:
        _stop(dispatcher)


def test_only_one_dispatcher_leads_and_another_takes_over_with_what_is_pending(app):
    first, first_queue = _dispatcher(app)
    second, second_queue = _dispatcher(app)
    first.start()
    wait_for(first.leading.is_set, message="first dispatcher leading")
    second.start()
    try:
        chat = user_id()
        assert post_events(app.test_client(), [text_event(chat, "hello")]).status_code == 200
        wait_for(lambda: first_queue.chats == [chat], timeout=3, message="dispatched by the leader")
        assert not second.leading.is_set() and second_queue.chats == []
        _stop(first)                                # gives the lock back
        late = user_id()
        assert post_events(app.test_client(), [text_event(late, "while nobody leads")]).status_code == 200
        wait_for(second.leading.is_set, timeout=5, message="second dispatcher took over")
        # taking over enqueues every chat with pending events (nothing was processed here)
        wait_for(lambda: {chat, late} <= set(second_queue.chats), timeout=3, message="caught up")
    finally:
        _stop(first, second)


def test_a_burst_worker_drains_every_chat_with_pending_events(app):
    chats = [user_id() for _ in range(3)]
    assert post_events(app.test_client(), [text_event(chat, "x") for chat in chats]).status_code == 200
    dispatcher, queue = _dispatcher(app)
    assert dispatcher.drain() == 3
    assert sorted(queue.chats) == sorted(chats)


def test_a_lock_held_elsewhere_keeps_a_dispatcher_waiting(app):
    hotline = app.extensions["hotline"]
    elsewhere = hotline.queue.dispatcher_lock(5)
    assert elsewhere.acquire(blocking=False)
    dispatcher, queue = _dispatcher(app)
    dispatcher.start()
    try:
        assert post_events(app.test_client(), [text_event(user_id(), "hi")]).status_code == 200
        assert not dispatcher.leading.wait(1.5) and queue.chats == []
        elsewhere.release()
        wait_for(lambda: len(queue.chats) == 1, timeout=5, message="dispatched once the lock was free")
    finally:
        _stop(dispatcher)


def _assert_pending(app, *chats: str) -> None:
    with app.extensions["hotline"].db.sessions() as session:
        assert all(inbox.next_pending(session, chat) is not None for chat in chats)


def test_the_sweeper_finds_events_no_dispatcher_saw(app):
    """No dispatcher ran (say Redis was down when they came): the sweeper promotes them and
    re-queues their chats."""
    chats = [user_id() for _ in range(2)]
    assert post_events(app.test_client(), [text_event(chat, "x") for chat in chats]).status_code == 200
    hotline = app.extensions["hotline"]
    queue = RecordingQueue(hotline.queue)
    assert sweep(hotline.db, queue, older_than_seconds=0) == (2, 0)
    assert sorted(queue.chats) == sorted(chats)
    _assert_pending(app, *chats)


class CountedRenewals:
    """The real dispatcher lock, its renewals counted."""

    def __init__(self, lock):
        self.lock, self.renewals = lock, 0

    def acquire(self, **kwargs):
        return self.lock.acquire(**kwargs)

    def reacquire(self):
        self.renewals += 1
        return self.lock.reacquire()

    def release(self):
        return self.lock.release()


def test_a_leader_renews_its_lock_about_once_a_second_not_at_every_wake(app):
    """A wake per event cost a Redis round trip each under load; the lock is still renewed in time."""
    dispatcher, queue = _dispatcher(app, lock_seconds=3)
    counted = CountedRenewals(queue.real.dispatcher_lock(3))
    queue.dispatcher_lock = lambda timeout: counted
    dispatcher.start()
    try:
        wait_for(dispatcher.leading.is_set, message="dispatcher leading")
        client, chats = app.test_client(), [user_id() for _ in range(12)]
        began, before = time.monotonic(), counted.renewals
        for chat in chats:                           # 12 wakes, within about a second on a quiet machine
            assert post_events(client, [text_event(chat, "hi")]).status_code == 200
            wait_for(lambda chat=chat: chat in queue.chats, timeout=3, message="dispatched")
        renewals, seconds = counted.renewals, time.monotonic() - began
        # about one renewal a second whatever the machine's speed; one per wake would be 12
        assert renewals - before <= int(seconds / dispatcher.renew_seconds) + 1 < len(chats), (renewals, seconds)
        wait_for(lambda: counted.renewals >= renewals + 2, timeout=4, message="renewed while idle")
        assert dispatcher.leading.is_set()           # still the leader past the lock's 3 s
    finally:
        _stop(dispatcher)
