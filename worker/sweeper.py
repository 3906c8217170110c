"""Finds work the queue lost or never got (Redis was down, a worker died) and re-queues it
(a case's photo fetch too, a broadcast's start or its next multicast), escalates cases whose
scheduled check was lost, and now and then purges what is kept no longer (storage/retention.py).

Processing is idempotent, so re-queueing something that is merely slow costs a lookup,
never a second reply.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from storage import inbox, outbox, retention

from .broadcasts import sweep_broadcasts
from .photos import sweep_photos
from .promotion import promote_received

log = logging.getLogger(__name__)

RETENTION_EVERY_SECONDS = 600.0        # a retention pass at most this often per worker


def retention_policy(settings) -> retention.Policy:
    """RETENTION_DAYS, CASE_RETENTION_DAYS, and LINE's redelivery window (the inbox is never
    pruned younger than that, or a redelivery would be processed again)."""
    return retention.Policy(
        retention=timedelta(days=settings.retention_days),
        case_retention=timedelta(days=settings.case_retention_days),
        redelivery_window=timedelta(seconds=settings.event_max_age_seconds))


def purge_expired(db, policy: retention.Policy) -> retention.Purged:
    """One retention pass; logs counts only."""
    purged = retention.purge(db, policy)
    if purged.events or purged.messages or purged.conversations or purged.cases:
        log.info("retention: purged %s events, %s outbox rows, %s conversations; %s cases' personal content",
                 purged.events, purged.messages, purged.conversations, purged.cases)
    return purged


def sweep(db, queue, older_than_seconds: float) -> tuple[int, int]:
    """Re-queue stale pending events and outbox rows; returns how many of each."""
    older_than = timedelta(seconds=older_than_seconds)
    promote_received(db)
    with db.sessions() as session:
        chats = inbox.stale_chats(session, older_than)
        rows = outbox.due(session, older_than)
    queued_chats = sum(queue.process_chat(chat) for chat in chats)
    queued_rows = sum(queue.deliver(row) for row in rows)
    if chats or rows:
        log.info("sweeper re-queued %s chats and %s outbox rows", queued_chats, queued_rows)
    return queued_chats, queued_rows


class SweeperThread(threading.Thread):
    """Runs sweep() and due escalations every few seconds beside a worker; survives Redis
    and database outages."""

    def __init__(self, db, queue, older_than_seconds: float, interval_seconds: float, escalations=None,
                 retention: retention.Policy | None = None):
        super().__init__(name="sweeper", daemon=True)
        self.db, self.queue, self.escalations = db, queue, escalations
        self.older_than, self.interval = older_than_seconds, interval_seconds
        self.retention, self.next_purge = retention, 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                sweep(self.db, self.queue, self.older_than)
                sweep_photos(self.db, self.queue)
                sweep_broadcasts(self.db, self.queue, self.older_than)
                if self.escalations is not None:
                    self.escalations.run_due()
            except Exception as exc:  # keep sweeping after an outage
                log.warning("sweep failed: %s", exc)
            if self.retention is not None and time.monotonic() >= self.next_purge:
                self.next_purge = time.monotonic() + RETENTION_EVERY_SECONDS
                try:
                    purge_expired(self.db, self.retention)
                except Exception as exc:  # the next pass does it
                    log.warning("retention pass failed: %s", exc)

    def stop(self) -> None:
        self.stopped.set()
