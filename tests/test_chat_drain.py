"""worker/chat_drain.py: a drain job works through the chat list, waits a moment for the next
chat only as the first drainer, and gives the worker back to RQ when a send (always) or a
broadcast (with no chat waiting) is queued, or after its budget."""
from __future__ import annotations

import pytest

from worker.chat_drain import ChatDrain
from worker.queue import Look


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class FakeChats:
    """The chat list as the drain sees it: what each look and wait returns, in order; the locks
    it hands out are the chats' names (a chat named in `locked` is another worker's)."""

    def __init__(self, clock, looks, waits=(), wait_seconds=0.05, locked=()):
        self.clock, self.looks, self.waits = clock, list(looks), list(waits)
        self.wait_seconds = wait_seconds
        self.locked = set(locked)
        self.looked, self.left, self.given_back = [], [], []

    def look(self, slot, held=None, lock=False):
        assert lock
        self.looked.append(slot)
        if held is not None:
            self.given_back.append(held)
        found = self.looks.pop(0) if self.looks else Look(None, False, False)
        return Look(found.chat, found.sends_waiting, found.broadcasts_waiting,
                    found.chat if found.chat not in (None, *self.locked) else None)

    def wait(self, seconds):
        self.clock.now += seconds
        return self.waits.pop(0) if self.waits else None

    def take(self, chat):
        return None if chat in self.locked else chat

    def leave(self, slot, wake=True, held=None):
        self.left.append((slot, wake))
        if held is not None:
            self.given_back.append(held)


class FakeProcessor:
    def __init__(self, clock, cost=0.01, fail_on=None):
        self.clock, self.cost, self.fail_on = clock, cost, fail_on
        self.processed = []

    def process_chat(self, chat, held):
        assert held == chat          # always with its lock taken
        if chat == self.fail_on:
            raise RuntimeError("database gone")
        self.processed.append(chat)
        self.clock.now += self.cost
        return 1


def chat(key, sends=False, broadcasts=False):
    return Look(key, sends, broadcasts)


def nothing(sends=False, broadcasts=False):
    return Look(None, sends, broadcasts)


@pytest.fixture
def clock():
    return FakeClock()


def test_every_chat_on_the_list_is_processed_in_order_then_the_slot_is_given_back(clock):
    chats = FakeChats(clock, [chat("U1"), chat("U2"), chat("U3")])
    processor = FakeProcessor(clock)
    handled = ChatDrain(chats, processor, linger=0.5, clock=clock).run(slot=0)
    assert processor.processed == ["U1", "U2", "U3"] and handled == 3
    assert chats.left == [(0, True)]
    assert chats.given_back == ["U1", "U2", "U3"]    # each by the next look, the last by leaving


def test_a_chat_another_worker_holds_is_skipped_and_its_lock_is_not_given_back(clock):
    chats = FakeChats(clock, [chat("U1"), chat("U2")], waits=["U3", "U4"], locked={"U2", "U3"})
    processor = FakeProcessor(clock)
    ChatDrain(chats, processor, linger=0.5, clock=clock).run(slot=0)
    assert processor.processed == ["U1", "U4"]
    assert chats.given_back == ["U1", "U4"]


def test_the_first_drainer_waits_for_a_next_message_and_takes_it(clock):
    chats = FakeChats(clock, [chat("U1")], waits=[None, "U2"])
    processor = FakeProcessor(clock)
    ChatDrain(chats, processor, linger=0.5, step=0.05, clock=clock).run(slot=0)
    assert processor.processed == ["U1", "U2"]


def test_the_first_drainer_ends_after_lingering_idle(clock):
    chats = FakeChats(clock, [chat("U1")])
    ChatDrain(chats, FakeProcessor(clock), linger=0.5, step=0.05, clock=clock).run(slot=0)
    # about linger / step rounds of waiting after the last chat, then it leaves
    assert 0.5 <= clock.now <= 0.5 + 0.01 + 0.1
    assert chats.left == [(0, True)]


def test_a_later_drainer_ends_as_soon_as_the_list_is_empty(clock):
    chats = FakeChats(clock, [chat("U1"), chat("U2")])
    processor = FakeProcessor(clock)
    ChatDrain(chats, processor, linger=0.5, clock=clock).run(slot=3)
    assert processor.processed == ["U1", "U2"] and len(chats.looked) == 3
    assert clock.now == pytest.approx(0.02)


def test_a_queued_send_makes_it_leave_after_the_chat_in_hand(clock):
    chats = FakeChats(clock, [chat("U1"), chat("U2", sends=True), chat("U3")])
    processor = FakeProcessor(clock)
    ChatDrain(chats, processor, clock=clock).run(slot=0)
    assert processor.processed == ["U1", "U2"]          # U3 stays on the list for the next drainer
    assert chats.left == [(0, True)]


def test_a_queued_send_ends_the_wait_at_once(clock):
    chats = FakeChats(clock, [nothing(sends=True)])
    ChatDrain(chats, FakeProcessor(clock), linger=0.5, clock=clock).run(slot=0)
    assert clock.now == 0 and chats.left == [(0, True)]


def test_a_broadcast_waits_for_the_chats_but_not_for_the_linger(clock):
    chats = FakeChats(clock, [chat("U1", broadcasts=True), chat("U2", broadcasts=True), nothing(broadcasts=True)])
    processor = FakeProcessor(clock)
    ChatDrain(chats, processor, linger=0.5, clock=clock).run(slot=0)
    assert processor.processed == ["U1", "U2"] and clock.now == pytest.approx(0.02)


def test_it_hands_over_after_its_budget(clock):
    chats = FakeChats(clock, [chat(f"U{i}") for i in range(100)])
    processor = FakeProcessor(clock, cost=0.125)
    ChatDrain(chats, processor, budget=1.0, clock=clock).run(slot=0)
    assert len(processor.processed) == 8 and chats.left == [(0, True)]


def test_a_failure_outside_an_event_leaves_without_starting_another_drainer(clock):
    chats = FakeChats(clock, [chat("U1"), chat("U2"), chat("U3")])
    processor = FakeProcessor(clock, fail_on="U2")
    with pytest.raises(RuntimeError):
        ChatDrain(chats, processor, clock=clock).run(slot=1)
    assert processor.processed == ["U1"] and chats.left == [(1, False)]
    assert chats.given_back == ["U1", "U2"]          # the failing chat's lock too, as it leaves


def test_no_linger_means_it_ends_with_the_list(clock):
    chats = FakeChats(clock, [chat("U1")], waits=["U2"])
    processor = FakeProcessor(clock)
    ChatDrain(chats, processor, linger=0, clock=clock).run(slot=0)
    assert processor.processed == ["U1"]
