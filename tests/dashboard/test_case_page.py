"""The case page: what a committee reads about one case, only for who may read it, each view logged."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from storage import access_log, case_photos
from storage import cases as case_store
from tests.support.dashboard import example_at, sign_in
from tests.support.dashboard_cases import ANSWERS, START, make_case

OFFICER = "CRI-5709-1"
NOW = START + timedelta(days=1)


@pytest.fixture
def db(app):
    return example_at(app, NOW)


def _client(app, officer=OFFICER, language="en"):
    client = app.test_client()
    sign_in(app, client, officer, language=language, now=NOW)
    return client


def _text(response):
    return html.unescape(response.get_data(as_text=True))


def test_the_page_shows_urgency_indicators_routing_words_and_location(app, db):
    answers = {**ANSWERS, "_flow": "report", "contact_ok": "yes", "contact_phone": "0812345678"}
    with db.transaction() as session:
        case = make_case(session, "CRI-5709", urgency="urgent", answers=answers,
                         indicators=["ilo:restriction_of_movement", "ilo:deception", "palermo.act:recruitment"])
        case_store.record(session, case, "note", "CRI-5709-2", "CRI-5709", text="Called the employer. Second line.")
        reference = case.reference
    page = _text(_client(app).get(f"/dashboard/cases/{reference}"))
    assert f"Case {reference}" in page
    assert re.search(r"Urgent.*\(.+\)", page)                            # the urgency and its rule
    ilo = re.search(r"<li>(ILO[^<]*)</li>", page).group(1)
    assert "eception" in ilo and "movement" in ilo.lower()               # one line per framework
    assert ANSWERS["description"] in page and "Not translated: written in Burmese (မြန်မာ)" in page
    assert "no machine translation" in page
    assert "0812345678" in page                                           # the details, as in LINE's 1:1
    assert "20.427500" in page and 'href="geo:20.427500,99.883600"' in page
    assert '<svg class="case-map"' in page and "Mae Sai" in page
    assert "Called the employer. Second line." in page                  # the note, whole, decrypted
    assert "Alert sent to Mae Sai district" in page and "Report received" in page   # the trail in words
    assert "<img" not in page                                           # no photos were sent


def test_thai_viewer_reads_thai_words_and_the_reporters_words_untouched(app, db):
    with db.transaction() as session:
        thai = {**ANSWERS, "description": "ไม่ให้ออก"}
        reference = make_case(session, "CRI-5709", language="th", answers=thai).reference
    page = _text(_client(app, language="th").get(f"/dashboard/cases/{reference}"))
    assert f"เคส {reference}" in page and "ไม่ให้ออก" in page and "ยังไม่ได้แปล" not in page


def test_an_overdue_case_says_so_on_its_page(app, db):
    with db.transaction() as session:
        late = make_case(session, "CRI-5709", escalate_at=NOW - timedelta(minutes=1)).reference
        fine = make_case(session, "CRI-5709", escalate_at=NOW + timedelta(minutes=1)).reference
    client = _client(app)
    assert "overdue-mark" in _text(client.get(f"/dashboard/cases/{late}"))
    assert "overdue-mark" not in _text(client.get(f"/dashboard/cases/{fine}"))


def test_a_case_without_location_says_so_and_draws_no_map(app, db):
    with db.transaction() as session:
        reference = make_case(session, "CRI-5709", answers={"description": "x", "location": "unknown"}).reference
    page = _text(_client(app).get(f"/dashboard/cases/{reference}"))
    assert "<svg" not in page and "geo:" not in page


def test_only_the_buttons_the_state_allows_are_shown(app, db):
    with db.transaction() as session:
        new = make_case(session, "CRI-5709").reference
        closed = make_case(session, "CRI-5709", status="closed", outcome="duplicate").reference
    buttons = re.compile(r'data-action="(\w+)"')
    assert buttons.findall(_text(_client(app).get(f"/dashboard/cases/{new}"))) == \
        ["acknowledge", "take", "close", "move"]
    assert buttons.findall(_text(_client(app).get(f"/dashboard/cases/{closed}"))) == ["reopen"]


def test_each_view_is_logged_and_an_unknown_reference_is_404(app, db):
    with db.transaction() as session:
        case = make_case(session, "CRI-5709")
    client = _client(app)
    assert client.get(f"/dashboard/cases/{case.reference.lower().replace('-', '')}").status_code == 200
    assert client.get("/dashboard/cases/ZZZ-999").status_code == 404
    with db.transaction() as session:
        viewed = [(e.action, e.case_id, e.officer_id) for e in access_log.recent(session)]
    assert viewed == [("case_viewed", case.id, OFFICER)]


def test_photos_are_shown_through_the_photo_endpoint(app, db):
    with db.transaction() as session:
        case = make_case(session, "CRI-5709")
        reference = case.reference
        case_photos.store(session, case.id, 0, "image/jpeg", b"first")
        case_photos.store(session, case.id, 1, "image/png", b"second")
        first, second = (photo_id for photo_id, _position, _type in case_photos.photos_of(session, case.id))
    page = _text(_client(app).get(f"/dashboard/cases/{reference}"))
    assert re.findall(r'<img src="([^"]+)" alt="([^"]+)"', page) == [
        (f"/dashboard/cases/{reference}/photos/{first}", "Photo 1 sent by the reporter"),
        (f"/dashboard/cases/{reference}/photos/{second}", "Photo 2 sent by the reporter")]


def test_why_it_is_here_follows_the_last_escalation_or_move(app, db):
    with db.transaction() as session:
        escalated = make_case(session, "CRI-57")
        escalated.escalation_level = 1
        case_store.record(session, escalated, "escalated", "system", "CRI-57", frm="CRI-5709", why="no_acknowledgement")
        moved = make_case(session, "CRI-5709")
        case_store.record(session, moved, "moved", "CRI-5708-1", "CRI-5709", frm="CRI-5708", reason="wrong district")
        plain = make_case(session, "CRI-5709")
        references = escalated.reference, moved.reference, plain.reference
    client = _client(app, "CRI-57-1")

    def why(reference):
        page = _text(client.get(f"/dashboard/cases/{reference}"))
        return re.search(r"<dt>Why it came to you</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert "Escalated (step 1): Nobody acknowledged it in time" in why(references[0])
    assert why(references[1]) == "Moved here by another committee"
    assert "It happened in your district" in why(references[2])
