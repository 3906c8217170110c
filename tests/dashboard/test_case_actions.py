"""The case-work buttons: each goes through Casework (the lifecycle's one table), in one
transaction, its outbox rows and timers handed on after the commit; refusals are polite."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest

from storage import cases as case_store
from tests.support.committees import load_example
from tests.support.dashboard import post, set_clock, sign_in
from tests.support.dashboard_cases import START, make_case

OFFICER = "CRI-5709-1"
NOW = START + timedelta(hours=2)
LINKED = ("CRI-5709-1", "CRI-5709-2", "CRI-5708-1", "CRI-5708-2", "CRI-57-1")


@pytest.fixture
def db(app):
    database = app.extensions["hotline"].db
    load_example(database, linked={o: f"U{o.replace('-', '')}" for o in LINKED})
    set_clock(app, lambda: NOW)
    return database


@pytest.fixture
def handed_on(app):
    """What after_commit was given: (outbox row ids, case references)."""
    calls = []
    app.extensions["dashboard"].after_commit = lambda rows, cases: calls.append(
        ([r.id for r in rows], [c.reference for c in cases]))
    return calls


@pytest.fixture
def client(app, db):
    client = app.test_client()
    sign_in(app, client, OFFICER, language="en", now=NOW)
    return client


def _case(db, **fields):
    with db.transaction() as session:
        return make_case(session, "CRI-5709", **fields).reference


def _state(db, reference):
    with db.transaction() as session:
        case = case_store.by_reference(session, reference)
        return case.status, case.assigned_to, [e.kind for e in case_store.trail(session, case.id)]


def _act(client, reference, action, **data):
    response = post(client, f"/dashboard/cases/{reference}/{action}", data)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/dashboard/cases/{reference}")
    return html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))


def test_take_changes_the_state_and_hands_the_alerts_on_after_commit(client, db, handed_on):
    reference = _case(db)
    page = _act(client, reference, "take")
    status, assigned, kinds = _state(db, reference)
    assert (status, assigned) == ("taken", OFFICER) and "taken" in kinds
    assert "Done." in page and 'data-action="take"' not in page        # not offered to take it again
    assert len(handed_on) == 1 and handed_on[0][1] == [reference] and handed_on[0][0]  # the committee told


def test_a_step_the_state_does_not_allow_is_refused_politely(client, db, handed_on):
    reference = _case(db, status="closed", outcome="duplicate")
    page = _act(client, reference, "take")
    assert "not possible in the case's present state" in page
    assert _state(db, reference)[0] == "closed" and handed_on == []


def test_start_refer_and_the_referrals_state(client, db, handed_on):
    reference = _case(db)
    _act(client, reference, "take")
    assert "Please choose from the lists" in _act(client, reference, "start", activity="dancing")
    _act(client, reference, "start", activity="visit")
    assert _state(db, reference)[0] == "in_progress"
    assert "Please choose from the lists" in _act(client, reference, "refer", service="police", agency="")
    page = _act(client, reference, "refer", service="police", agency="Mae Sai police", contact="053 000 000")
    assert _state(db, reference)[0] == "referred" and "Mae Sai police" in page and "053 000 000" in page
    with db.transaction() as session:
        referral = case_store.referrals(session, case_store.by_reference(session, reference).id)[0]
    _act(client, reference, "referral", referral=str(referral.id), state="accepted")
    with db.transaction() as session:
        assert case_store.get_referral(session, referral.id).state == "accepted"


def test_a_referral_of_another_case_cannot_be_changed_through_this_one(client, db, handed_on):
    mine, other = _case(db), _case(db)
    for reference in (mine, other):
        _act(client, reference, "take")
    _act(client, other, "refer", service="ngo", agency="An NGO")
    _act(client, mine, "refer", service="ngo", agency="Another NGO")
    with db.transaction() as session:
        theirs = case_store.referrals(session, case_store.by_reference(session, other).id)[0].id
    refused = post(client, f"/dashboard/cases/{mine}/referral", {"referral": str(theirs), "state": "done"})
    assert refused.status_code == 404
    with db.transaction() as session:
        assert case_store.get_referral(session, theirs).state == "sent"


def test_close_with_a_note_then_reopen(client, db, handed_on):
    reference = _case(db)
    _act(client, reference, "take")
    page = _act(client, reference, "close", outcome="not_a_case", note="Spoke to the reporter twice.")
    status, _, kinds = _state(db, reference)
    assert status == "closed" and kinds.index("closed") < kinds.index("note") and "Spoke to the reporter twice." in page
    _act(client, reference, "reopen")
    assert _state(db, reference)[0] == "taken"


def test_acknowledge_and_note(client, db, handed_on):
    reference = _case(db)
    _act(client, reference, "acknowledge")
    assert _state(db, reference)[0] == "acknowledged"
    assert "Please choose" in _act(client, reference, "note", text="   ")
    page = _act(client, reference, "note", text="Asked an interpreter.")
    assert _state(db, reference)[2][-1] == "note" and "Asked an interpreter." in page


def test_move_leaves_the_first_committee_reading_without_buttons(client, db, handed_on):
    reference = _case(db)
    page = _act(client, reference, "move", committee="CRI-5708", reason="Happened in Chiang Saen")
    with db.transaction() as session:
        assert case_store.by_reference(session, reference).committee_id == "CRI-5708"
    assert "you can read it but not act on it" in page and "data-action=" not in page
    assert "Happened in Chiang Saen" in page
    assert post(client, f"/dashboard/cases/{reference}/note", {"text": "more"}).status_code == 404


def test_unknown_action_and_missing_csrf_token(client, db, handed_on):
    reference = _case(db)
    assert post(client, f"/dashboard/cases/{reference}/delete").status_code == 404
    assert client.post(f"/dashboard/cases/{reference}/take").status_code == 400
    assert _state(db, reference)[0] == "new"
