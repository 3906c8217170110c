"""RQ jobs: plain functions, run by a worker that has the app's context pushed."""
from __future__ import annotations

from flask import current_app


def _hotline():
    return current_app.extensions["hotline"]


def process_chat(chat_key: str) -> int:
    return _hotline().processor.process_chat(chat_key)


def drain_chats(slot: int) -> int:
    """The chats waiting on the chat list, one after another (worker/chat_drain.py)."""
    return _hotline().drain.run(slot)


def deliver(outbox_id: int) -> str:
    return _hotline().delivery.deliver(outbox_id)


def escalation_check() -> int:
    """At a case's deadline: escalate every case due by now (that one, if still unacknowledged,
    and any other overdue); returns how many moved up."""
    return _hotline().escalations.run_due()


def fetch_case_photos(case_id: int, attempt: int = 1) -> int:
    """A new case's photos from LINE into the database (worker/photos.py); returns how many were stored."""
    from .photos import PhotoFetcher
    hotline = _hotline()
    return PhotoFetcher(hotline.db, hotline.line, hotline.queue).fetch(case_id, attempt)


def start_broadcast(broadcast_id: int) -> str:
    """A broadcast's start: the quota checked, its batches made (worker/broadcasts.py)."""
    return _hotline().broadcasts.start(broadcast_id)


def plan_broadcast(broadcast_id: int) -> str:
    """One slice of a started broadcast's audience cut into batches (worker/broadcasts.py)."""
    return _hotline().broadcasts.plan(broadcast_id)


def send_broadcast(broadcast_id: int, slot: float | None = None) -> str:
    """One multicast of a broadcast, then the next one queued (worker/broadcasts.py)."""
    return _hotline().broadcasts.send(broadcast_id, slot)
