"""Finds work the queue lost or never got (Redis was down, a worker died) and re-queues it.

Processing is idempotent, so re-queueing something that is merely slow costs a lookup,
never a second reply.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from storage import inbox, outbox

log = logging.getLogger(__name__)


def sweep(db, queue, older_than_seconds: float) -> tuple[int, int]:
    """Re-queue stale pending events and outbox rows; returns how many of each."""
    older_than = timedelta(seconds=older_than_seconds)
    with db.sessions() as session:
        chats = inbox.stale_chats(session, older_than)
        rows = outbox.due(session, older_than)
    queued_chats = sum(queue.process_chat(chat) for chat in chats)
    queued_rows = sum(queue.deliver(row) for row in rows)
    if chats or rows:
        log.info("sweeper re-queued %s chats and %s outbox rows", queued_chats, queued_rows)
    return queued_chats, queued_rows


class DispatcherThread(threading.Thread):
    """Turns the webhook's signals into process_chat jobs, beside a worker: the webhook
    pays for one Redis command, the worker for building the RQ job."""

    def __init__(self, queue):
        super().__init__(name="dispatcher", daemon=True)
        self.queue = queue
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                chat_key = self.queue.next_signal(timeout=1.0)
                if chat_key:
                    self.queue.process_chat(chat_key)
            except Exception as exc:  # Redis down: the sweeper covers what is missed
                log.warning("dispatcher: %s", exc)
                self.stopped.wait(1.0)

    def drain(self) -> int:
        """Turn every waiting signal into a job now (a burst worker has no thread)."""
        count = 0
        while chat_key := self.queue.next_signal(timeout=0.01):
            count += self.queue.process_chat(chat_key)
        return count

    def stop(self) -> None:
        self.stopped.set()


class SweeperThread(threading.Thread):
    """Runs sweep() and due escalations every few seconds beside a worker; survives Redis
    and database outages."""

    def __init__(self, db, queue, older_than_seconds: float, interval_seconds: float, escalations=None):
        super().__init__(name="sweeper", daemon=True)
        self.db, self.queue, self.escalations = db, queue, escalations
        self.older_than, self.interval = older_than_seconds, interval_seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                sweep(self.db, self.queue, self.older_than)
                if self.escalations is not None:
                    self.escalations.run_due()
            except Exception as exc:  # keep sweeping after an outage
                log.warning("sweep failed: %s", exc)

    def stop(self) -> None:
        self.stopped.set()
