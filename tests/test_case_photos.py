"""A case's photos: fetched from LINE with retries, checked to be images, stored once, re-queued
by the sweeper when their job was lost, and served on the dashboard only to who may read the case."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.line_api import LineError
from storage import case_photos
from storage.models import AccessLogEntry, Case, utcnow
from tests.support.committees import load_example
from tests.support.dashboard import sign_in
from tests.support.images import image_bytes, png_bytes
from worker import photo_check
from worker.photos import BACKOFF_SECONDS, FETCH_ATTEMPTS, PHOTO_SWEEP_AFTER, PhotoFetcher, sweep_photos

pytestmark = pytest.mark.integration


class PhotoQueue:
    """Records the photo jobs asked for; never runs them."""

    def __init__(self, up: bool = True):
        self.fetches: list[tuple] = []
        self.up = up

    def fetch_case_photos(self, case_id, attempt=1, delay_seconds=0):
        if self.up:
            self.fetches.append((case_id, attempt, delay_seconds))
        return self.up


@pytest.fixture
def db(app):
    return app.extensions["hotline"].db


def _case(db, photos: list[str], committee: str = "CRI-5709", pending_age: timedelta = timedelta(0),
          created_age: timedelta = timedelta(0)) -> Case:
    with db.transaction() as session:
        case = Case(reference=uuid.uuid4().hex[:7].upper(), kind="self", chat_key="Ureporter",
                    answers={"_flow": "report", "photos": photos}, urgency="high", urgency_rule="ilo",
                    committee_id=committee, routing={}, status="new", created_at=utcnow() - created_age,
                    photos_pending_since=utcnow() - pending_age)
        session.add(case)
        session.flush()
        session.expunge(case)
        return case


def _stored(db, case_id) -> list[tuple[int, str]]:
    with db.sessions() as session:
        return [(position, kind) for _, position, kind in case_photos.photos_of(session, case_id)]


def _pending(db, case_id) -> bool:
    with db.sessions() as session:
        return session.get(Case, case_id).photos_pending_since is not None


def test_each_photo_is_stored_once_in_order_with_its_detected_type(db, line):
    line.contents.update({"A": png_bytes(), "B": image_bytes("JPEG"), "C": image_bytes("WEBP")})
    case = _case(db, ["A", "B", "C"])
    queue = PhotoQueue()
    assert PhotoFetcher(db, line, queue).fetch(case.id) == 3
    assert _stored(db, case.id) == [(0, "image/png"), (1, "image/jpeg"), (2, "image/webp")]
    assert not _pending(db, case.id) and queue.fetches == []
    assert PhotoFetcher(db, line, queue).fetch(case.id) == 0 and line.content_calls == ["A", "B", "C"]


def test_a_line_5xx_is_retried_with_back_off_and_what_was_stored_is_not_fetched_again(db, line):
    line.contents.update({"A": png_bytes(), "B": png_bytes()})
    line.content_failures = [LineError(None, "timeout"), LineError(503, "busy")]   # A, then B fail
    case = _case(db, ["A", "B"])
    queue = PhotoQueue()
    assert PhotoFetcher(db, line, queue).fetch(case.id) == 0
    assert queue.fetches == [(case.id, 2, 5)] and _pending(db, case.id)
    assert PhotoFetcher(db, line, queue).fetch(case.id, attempt=2) == 2
    assert _stored(db, case.id) == [(0, "image/png"), (1, "image/png")] and not _pending(db, case.id)

    line.content_calls.clear()
    stubborn = _case(db, ["A"])
    line.content_failures = [LineError(500, "down")] * FETCH_ATTEMPTS
    queue = PhotoQueue()
    PhotoFetcher(db, line, queue).fetch(stubborn.id, attempt=FETCH_ATTEMPTS)
    assert queue.fetches == [] and _pending(db, stubborn.id)        # left to the sweeper, later


def test_a_404_or_bytes_that_are_not_an_allowed_image_are_given_up(db, line, caplog):
    line.contents.update({"TEXT": b"%PDF-1.4 not a photo", "GIF": image_bytes("GIF"), "OK": png_bytes()})
    case = _case(db, ["GONE", "TEXT", "GIF", "OK"])
    queue = PhotoQueue()
    assert PhotoFetcher(db, line, queue).fetch(case.id) == 1
    assert _stored(db, case.id) == [(3, "image/png")]
    assert not _pending(db, case.id) and queue.fetches == []
    assert "404" in caplog.text and "PDF" not in caplog.text and "GONE" not in caplog.text   # ids, no content


def test_the_size_cap_and_a_truncated_image(monkeypatch):
    assert photo_check.image_type(png_bytes()) == "image/png"
    assert photo_check.image_type(png_bytes()[:30]) is None
    assert photo_check.image_type(b"") is None
    monkeypatch.setattr(photo_check, "MAX_PHOTO_BYTES", len(png_bytes()) - 1)
    assert photo_check.image_type(png_bytes()) is None


def test_a_photo_arriving_after_the_case_was_erased_is_not_kept(db, line):
    case = _case(db, ["A"])

    def erased_meanwhile(media_id):
        with db.transaction() as session:
            case_photos.erase(session, [case.id])
        return png_bytes()

    line.content = erased_meanwhile
    assert PhotoFetcher(db, line, PhotoQueue()).fetch(case.id) == 0
    assert _stored(db, case.id) == [] and not _pending(db, case.id)


def test_the_sweeper_requeues_a_case_whose_fetch_was_lost_and_waits_before_again(db, line):
    lost = _case(db, ["A"], pending_age=PHOTO_SWEEP_AFTER + timedelta(minutes=1))
    fresh = _case(db, ["B"])                                # its job is still on its way
    down = PhotoQueue(up=False)
    assert sweep_photos(db, down) == 0                       # Redis down: tried again next sweep
    queue = PhotoQueue()
    assert sweep_photos(db, queue) == 1 and queue.fetches == [(lost.id, 1, 0)]
    assert sweep_photos(db, queue) == 0                      # the mark's clock restarted
    assert fresh.id not in [case_id for case_id, _, _ in queue.fetches]


def test_the_back_off_stays_inside_the_sweepers_wait():
    assert sum(BACKOFF_SECONDS) < PHOTO_SWEEP_AFTER.total_seconds()


def test_a_case_older_than_lines_keeping_gives_up_its_photos(db, line):
    old = _case(db, ["A"], created_age=timedelta(days=30))
    line.content_failures = [LineError(500, "down")]
    queue = PhotoQueue()
    PhotoFetcher(db, line, queue).fetch(old.id)
    assert not _pending(db, old.id) and queue.fetches == []


def _photo(db, committee="CRI-5709") -> tuple[Case, int]:
    case = _case(db, ["A"], committee=committee)
    with db.transaction() as session:
        case_photos.store(session, case.id, 0, "image/png", png_bytes())
    with db.sessions() as session:
        (photo_id, _, _), = case_photos.photos_of(session, case.id)
    return case, photo_id


def test_the_dashboard_serves_a_photo_to_the_committee_holding_the_case_and_logs_it(app, db):
    load_example(db)
    case, photo_id = _photo(db)
    client = app.test_client()
    sign_in(app, client, "CRI-5709-1")
    answer = client.get(f"/dashboard/cases/{case.reference}/photos/{photo_id}")
    assert answer.status_code == 200 and answer.data == png_bytes()
    assert answer.mimetype == "image/png" and answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Content-Disposition"] == "inline"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    with db.sessions() as session:
        (entry,) = session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "photo_viewed"))
        assert (entry.officer_id, entry.case_id, entry.detail) == ("CRI-5709-1", case.id, {"photo_id": photo_id})
    sign_in(app, client, "CRI-57-1")                          # the province above reads it too
    assert client.get(f"/dashboard/cases/{case.reference}/photos/{photo_id}").status_code == 200


def test_the_dashboard_hides_a_photo_from_other_committees_and_other_cases(app, db):
    load_example(db)
    case, photo_id = _photo(db)
    other, other_photo = _photo(db, committee="CRI-5708")
    client = app.test_client()
    sign_in(app, client, "CRI-5708-1")
    assert client.get(f"/dashboard/cases/{case.reference}/photos/{photo_id}").status_code == 404
    assert client.get(f"/dashboard/cases/{other.reference}/photos/{photo_id}").status_code == 404  # not its photo
    assert client.get(f"/dashboard/cases/{other.reference}/photos/{other_photo}").status_code == 200
    assert client.get(f"/dashboard/cases/{other.reference}/photos/999999").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/dashboard/cases/{case.reference}/photos/{photo_id}").status_code in (302, 303)
    with db.sessions() as session:
        assert [e.case_id for e in session.scalars(select(AccessLogEntry))] == [other.id]
