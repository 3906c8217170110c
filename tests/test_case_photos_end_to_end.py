"""A photo sent in a report, through the emulator and a real worker: LINE's content endpoint is
read after the case is committed and the photo ends up stored, encrypted, on the case."""
from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from flows.loader import load_flows
from storage import case_photos
from storage.cases import Case
from tests.support.committees import load_example
from tests.support.images import png_bytes
from tests.support.reporter import Reporter
from tests.support.servers import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.stack()]

FLOWS = load_flows()


def test_a_photo_sent_in_a_report_is_fetched_by_the_worker_and_stored(stack):
    load_example(stack.app.extensions["hotline"].db)
    user = stack.user("en", name="Reporter")
    person = Reporter(stack, user, FLOWS)
    stack.say(user, "hello")
    person.answer()
    person.tap("c|main.menu|2")                                    # report about myself
    answers = {"in_danger": "no", "location": (20.4335, 99.8762), "sector": "fishing", "contact_ok": "no"}
    person.fill(answers, until="photos")
    stack.send(user, type="image", imageBase64="data:image/png;base64," + base64.b64encode(png_bytes()).decode())
    person.answer()
    person.fill(answers)
    person.tap("c|" + person.at() + "|0")                         # Send
    db = stack.app.extensions["hotline"].db

    def stored():
        with db.sessions() as session:
            case = session.scalars(select(Case).where(Case.chat_key == user)).one()
            photos = case_photos.photos_of(session, case.id)
            # the photo is stored, then (a moment later, in its own transaction) the case's mark cleared
            return (case.id, photos, case.photos_pending_since) if photos and case.photos_pending_since is None \
                else None

    case_id, photos, pending = wait_for(stored, timeout=20, message="the photo stored and the mark cleared")
    assert [(position, kind) for _, position, kind in photos] == [(0, "image/png")] and pending is None
    with db.sessions() as session:
        assert case_photos.get(session, case_id, photos[0][0]).data == png_bytes()
