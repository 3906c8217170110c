"""Puts the chats of newly committed inbox events on the chat list (their drain jobs), beside a worker.

The webhook only commits; the dispatcher watches the inbox (storage/inbox_watch.py) and
lists each chat that got new events, so a reply does not wait for the sweeper.
"""
from __future__ import annotations

import logging
import threading
import time

from storage.inbox_watch import POLL_SECONDS, inbox_watch

from .promotion import promote_received

log = logging.getLogger(__name__)


class InboxDispatcher(threading.Thread):
    """One worker's dispatcher at a time does the work (a Redis lock, renewed every second); the
    others try every second to take over, and a new leader first enqueues every chat with
    pending events, so nothing a dead leader saw is left waiting for the sweeper."""

    def __init__(self, db, queue, lock_seconds: float = 5.0, poll_seconds: float = POLL_SECONDS):
        super().__init__(name="dispatcher", daemon=True)
        self.db, self.queue = db, queue
        self.lock_seconds, self.poll_seconds = lock_seconds, poll_seconds
        # The lock is renewed this often, not at every wake: under load a wake per event cost a Redis
        # round trip each; a leader that lost the lock still learns it within this time, as before.
        self.renew_seconds = min(1.0, lock_seconds / 3)
        self.stopped = threading.Event()
        self.leading = threading.Event()     # for tests and logs: is this one dispatching now

    def run(self) -> None:
        lock = self.queue.dispatcher_lock(self.lock_seconds)
        watch = None
        try:
            while not self.stopped.is_set():
                try:
                    if not self.leading.is_set():
                        if not lock.acquire(blocking=False):
                            self.stopped.wait(1.0)
                            continue
                        self.leading.set()
                        renewed = time.monotonic()
                        watch = self._watch()
                        self._dispatch(watch.catch_up())
                    self._dispatch(watch.wait(timeout=max(0.0, renewed + self.renew_seconds - time.monotonic())))
                    if time.monotonic() - renewed >= self.renew_seconds:
                        lock.reacquire()     # renew; raises if the lock was lost meanwhile
                        renewed = time.monotonic()
                except Exception as exc:  # Redis or the database down: the sweeper covers what is missed
                    log.warning("dispatcher: %s", exc)
                    watch = self._step_down(lock, watch)
                    self.stopped.wait(1.0)
        finally:
            self._step_down(lock, watch)

    def _watch(self):
        """The inbox watch, promoting received events before it names their chats."""
        return inbox_watch(self.db.engine, lambda: promote_received(self.db), self.poll_seconds)

    def _dispatch(self, chats: list[str]) -> None:
        self.queue.process_chats(chats)

    def _step_down(self, lock, watch) -> None:
        if watch is not None:
            watch.close()
        if self.leading.is_set():
            self.leading.clear()
            try:
                lock.release()
            except Exception:  # noqa: BLE001 - expired or Redis down: nothing to give back
                pass
        return None

    def drain(self) -> int:
        """Enqueue every chat with pending events now (a burst worker has no thread)."""
        watch = self._watch()
        try:
            return sum(self.queue.process_chat(chat_key) for chat_key in watch.catch_up())
        finally:
            watch.close()

    def stop(self) -> None:
        self.stopped.set()
