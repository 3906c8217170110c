"""One RQ job that works through many chats: the chats waiting on the queue's chat list.

RQ's own bookkeeping costs about 5 ms of CPU per job, more than deciding and sending an answer,
so a job per message would spend most of a worker on RQ. A drain job instead takes chat keys
from a plain Redis list (worker/queue.py, `ChatList`) one after another, waits a moment for the
next one when the list is empty, and gives the worker back to RQ as soon as a send is queued
(sends go first) or, with nothing left for chats, a broadcast is. Each chat is processed exactly
as before (`ChatProcessor.process_chat`: its lock, its order, its effects once); the chat's lock
is taken by the look that takes the chat and given back by the next one (worker/queue.py).
"""
from __future__ import annotations

import time

LINGER_SECONDS = 0.5    # how long the first drainer waits for a next message before giving the worker back
WAIT_STEP_SECONDS = 0.05  # one wait for a chat; sends queued meanwhile wait at most this long
BUDGET_SECONDS = 5.0    # a drain job hands over to a fresh one after this, so RQ keeps its worker alive


class ChatDrain:
    def __init__(self, chats, processor, linger: float = LINGER_SECONDS, step: float = WAIT_STEP_SECONDS,
                 budget: float = BUDGET_SECONDS, clock=time.monotonic):
        self.chats = chats
        self.processor = processor
        self.linger, self.step, self.budget = linger, step, budget
        self.clock = clock

    def run(self, slot: int) -> int:
        """Process waiting chats as drainer `slot`; returns how many events were handled. The
        chat's lock rides on the looks: taken with the chat, given back by the next look."""
        handled = 0
        held = None
        started = last_work = self.clock()
        try:
            while True:
                look = self.chats.look(slot, held, lock=True)
                chat, held = look.chat, look.held
                if chat is None and not look.sends_waiting and not look.broadcasts_waiting and self._lingers(slot):
                    chat = self.chats.wait(self.step)
                    if chat is not None:
                        held = self.chats.take(chat)
                if held is not None:      # else another worker has the chat, and puts it back when done
                    handled += self.processor.process_chat(chat, held)
                    last_work = self.clock()
                now = self.clock()
                if look.sends_waiting or now - started >= self.budget:
                    break
                if chat is None and (look.broadcasts_waiting or not self._lingers(slot)
                                     or now - last_work >= self.linger):
                    break
        except Exception:
            # The database or Redis gone, or a bug outside an event's own handling: no new drain
            # job now (it would fail the same way, chat after chat); the next chat put on the list
            # starts one, and the sweeper re-queues the chat this one held.
            self.chats.leave(slot, wake=False, held=held)
            raise
        self.chats.leave(slot, held=held)
        return handled

    def _lingers(self, slot: int) -> bool:
        """Only the first drainer waits for the next message; the others, started for a backlog,
        end once it is worked off."""
        return slot == 0 and self.linger > 0
