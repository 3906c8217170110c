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


class SweeperThread(threading.Thread):
    """Runs sweep() every few seconds beside a worker; survives Redis and database outages."""

    def __init__(self, db, queue, older_than_seconds: float, interval_seconds: float):
        super().__init__(name="sweeper", daemon=True)
        self.db, self.queue = db, queue
        self.older_than, self.interval = older_than_seconds, interval_seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                sweep(self.db, self.queue, self.older_than)
            except Exception as exc:  # keep sweeping after an outage
                log.warning("sweep failed: %s", exc)

    def stop(self) -> None:
        self.stopped.set()
