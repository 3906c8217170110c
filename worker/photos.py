"""Fetch a new case's photos from LINE (which keeps content only for a while) and store them
encrypted (storage/case_photos.py).

Run as an RQ job queued after the case's transaction commits, and again by the sweeper for a
case whose job was lost. A LINE failure that may pass (5xx, 429, no answer) is retried with
back-off; a 404 or bytes that are not an allowed image are given up, logged by id only.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from bot.line_api import LineError
from storage import case_photos
from storage.models import Case, utcnow
from storage.timeutil import as_utc

from .photo_check import image_type

log = logging.getLogger(__name__)

# A job's back-offs add up to less than PHOTO_SWEEP_AFTER (each attempt restarts the mark's clock),
# so the sweeper never queues a second job beside a retry that is on its way.
FETCH_ATTEMPTS = 5                     # per job; then the sweeper tries again later
BACKOFF_SECONDS = (5, 30, 120, 600)    # before the 2nd, 3rd, ... attempt
PHOTO_SWEEP_AFTER = timedelta(minutes=15)   # a mark this old without a job: re-queued
GIVE_UP_AFTER = timedelta(days=7)      # LINE no longer has the content: the mark is dropped


def schedule_fetches(queue, case_ids) -> None:
    """Queue the photo fetch of each case, once the transaction that made it is committed (if
    Redis is down the sweeper queues it later: the case keeps its pending mark)."""
    for case_id in case_ids:
        queue.fetch_case_photos(case_id)


class PhotoFetcher:
    def __init__(self, db, line, queue, clock=utcnow):
        self.db, self.line, self.queue, self.clock = db, line, queue, clock

    def fetch(self, case_id: int, attempt: int = 1) -> int:
        """Fetch what is not stored yet; returns how many photos were stored now."""
        with self.db.sessions() as session:
            case = session.get(Case, case_id)
            if case is None or case.photos_pending_since is None:
                return 0
            wanted = [str(media_id) for media_id in (case.answers or {}).get("photos") or []]
            done = case_photos.stored_positions(session, case_id)
            too_old = self.clock() - as_utc(case.created_at) > GIVE_UP_AFTER
        stored, unsettled = 0, 0
        for position, media_id in enumerate(wanted):
            if position in done:
                continue
            outcome = self._fetch_one(case_id, position, media_id)
            stored += outcome == "stored"
            unsettled += outcome == "retry"
        with self.db.transaction() as session:
            if not unsettled or too_old:
                case_photos.settle(session, case_id)
                if unsettled:
                    log.warning("case %s: %s photo(s) given up, LINE kept failing", case_id, unsettled)
                return stored
            case_photos.touch(session, case_id, self.clock())   # the sweeper waits PHOTO_SWEEP_AFTER
        if attempt < FETCH_ATTEMPTS:
            delay = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1]
            self.queue.fetch_case_photos(case_id, attempt=attempt + 1, delay_seconds=delay)
        return stored

    def _fetch_one(self, case_id: int, position: int, media_id: str) -> str:
        """stored, refused (given up) or retry."""
        try:
            data = bytes(self.line.content(media_id))
        except LineError as error:
            if error.retryable:
                return "retry"
            log.warning("case %s photo %s: LINE answered %s, given up", case_id, position, error.status)
            return "refused"
        content_type = image_type(data)
        if content_type is None:
            log.warning("case %s photo %s: not an allowed image (%s bytes), refused", case_id, position, len(data))
            return "refused"
        with self.db.transaction() as session:
            if not case_photos.still_pending(session, case_id):   # erased meanwhile: keep nothing
                return "refused"
            case_photos.store(session, case_id, position, content_type, data, now=self.clock())
        return "stored"


def sweep_photos(db, queue, now=None) -> int:
    """Re-queue the fetch of cases whose photos are still pending long after they were marked
    (a job Redis lost); returns how many were queued."""
    now = now or utcnow()
    with db.sessions() as session:
        case_ids = case_photos.pending(session, now - PHOTO_SWEEP_AFTER)
    queued = 0
    for case_id in case_ids:
        if queue.fetch_case_photos(case_id):
            with db.transaction() as session:
                case_photos.touch(session, case_id, now)
            queued += 1
    return queued
