"""Finds work the queue lost or never got (Redis was down, a worker died) and re-queues it;
now and then, purges what is kept no longer (storage/retention.py).

Processing is idempotent, so re-queueing something that is merely slow costs a lookup,
never a second reply.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from storage import inbox, outbox, retention
from storage.inbox_watch import inbox_watch

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
    db.inbox_writer.promote()           # events stored as received count as pending from here on
    with db.sessions() as session:
        chats = inbox.stale_chats(session, older_than)
        rows = outbox.due(session, older_than)
    queued_chats = sum(queue.process_chat(chat) for chat in chats)
    queued_rows = sum(queue.deliver(row) for row in rows)
    if chats or rows:
        log.info("sweeper re-queued %s chats and %s outbox rows", queued_chats, queued_rows)
    return queued_chats, queued_rows


class DispatcherThread(threading.Thread):
    """Turns newly committed inbox events into process_chat jobs, beside a worker.

    The webhook only commits; this thread watches the inbox (storage/inbox_watch.py) and
    enqueues each chat that got new events. One worker's dispatcher at a time does it (a
    Redis lock, renewed every loop); the others try every second to take over, and a new
    leader first enqueues every chat with pending events, so nothing a dead leader saw is
    left waiting for the sweeper."""

    def __init__(self, db, queue, lock_seconds: float = 5.0, poll_seconds: float = 0.002):
        super().__init__(name="dispatcher", daemon=True)
        self.db, self.queue = db, queue
        self.lock_seconds, self.poll_seconds = lock_seconds, poll_seconds
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
                        watch = inbox_watch(self.db.engine, self.db.inbox_writer.promote, self.poll_seconds)
                        self._dispatch(watch.catch_up())
                    self._dispatch(watch.wait(timeout=min(1.0, self.lock_seconds / 3)))
                    lock.reacquire()         # renew; raises if the lock was lost meanwhile
                except Exception as exc:  # Redis or the database down: the sweeper covers what is missed
                    log.warning("dispatcher: %s", exc)
                    watch = self._step_down(lock, watch)
                    self.stopped.wait(1.0)
        finally:
            self._step_down(lock, watch)

    def _dispatch(self, chats: list[str]) -> None:
        for chat_key in chats:
            self.queue.process_chat(chat_key)

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
        watch = inbox_watch(self.db.engine, self.db.inbox_writer.promote, self.poll_seconds)
        try:
            return sum(self.queue.process_chat(chat_key) for chat_key in watch.catch_up())
        finally:
            watch.close()

    def stop(self) -> None:
        self.stopped.set()


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
