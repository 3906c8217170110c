"""Casework on a real database (storage's CaseStore): routing to the right committee, alerts
queued with the case, escalation on time, acknowledgement, cancellation by the reporter."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.alerts import AlertComposer
from cases.casework import Casework
from cases.lifecycle import NotAllowed
from locales.catalogs import catalogs
from storage import directory
from storage.case_store import CaseStore
from storage.cases import Case, CaseEvent, readers, trail
from storage.directory_file import load_directory, read_directory_file
from storage.models import CaseReferral, Officer, OutboxMessage
from tests.support.committees import EXAMPLE

pytestmark = pytest.mark.integration

TUESDAY_10_BANGKOK = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def world(db):
    with db.transaction() as session:
        load_directory(session, read_directory_file(EXAMPLE))
        for officer in session.scalars(select(Officer)):
            officer.line_user_id = line_id(officer.id)
    clock = Clock(TUESDAY_10_BANGKOK)
    casework = Casework(AlertComposer(catalogs(), lambda case: []), CaseStore(), clock=clock)
    return db, casework, clock


def line_id(officer_id: str) -> str:
    return "U" + officer_id.replace("-", "").lower().ljust(32, "0")[:32]


def submit(db, casework, **answers):
    with db.transaction() as session:
        case, rows = casework.submit(session, chat_key="Ureporter", user_id="Ureporter", language="my",
                                     kind=answers.pop("kind", "self"), answers=answers)
        return case.id, sorted(row.push_to for row in rows)


def load(db, case_id) -> Case:
    with db.sessions() as session:
        return session.get(Case, case_id)


@pytest.mark.parametrize("answers, committee, reason", [
    ({"province": "57", "district": "5709"}, "CRI-5709", "district_committee"),
    ({"province": "57", "district": "5705"}, "CRI-57", "uncovered_district"),
    ({"province": "57", "district": "unknown"}, "CRI-57", "province_only"),
    ({"province": "unknown"}, "TH-NATIONAL", "no_province"),
    ({"location": {"latitude": 20.4335, "longitude": 99.8762, "address": ""}}, "CRI-5709", "district_committee"),
])
def test_each_routing_path_reaches_its_committee_and_says_why(world, answers, committee, reason):
    db, casework, _ = world
    case_id, recipients = submit(db, casework, in_danger="no", **answers)
    case = load(db, case_id)
    assert case.committee_id == committee and case.routing["reason"] == reason
    with db.sessions() as session:
        on_duty = [line_id(o.id) for o in directory.on_duty_officers(session, committee, TUESDAY_10_BANGKOK)]
    assert recipients == sorted(on_duty) and recipients


def test_alerts_are_written_with_the_case_and_say_the_reason(world):
    db, casework, _ = world
    case_id, _ = submit(db, casework, province="57", district="5709", in_danger="yes")
    with db.sessions() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert rows and all(row.status == "pending" and row.push_allowed for row in rows)
        flex = rows[0].messages[0]
        assert flex["type"] == "flex" and load(db, case_id).reference in flex["altText"]
        kinds = [event.kind for event in trail(session, case_id)]
    assert kinds == ["created", "alerted"]


def test_urgency_sets_the_escalation_window(world):
    db, casework, clock = world
    urgent, _ = submit(db, casework, province="57", district="5709", in_danger="yes")
    standard, _ = submit(db, casework, province="57", district="5709", wages_withheld="yes")
    assert load(db, urgent).urgency == "urgent"
    assert load(db, urgent).escalate_at.replace(tzinfo=UTC) == clock.now + timedelta(minutes=15)
    assert load(db, standard).urgency == "standard"
    assert load(db, standard).escalate_at.replace(tzinfo=UTC) == clock.now + timedelta(hours=24)


def test_unacknowledged_urgent_case_escalates_district_province_national(world):
    db, casework, clock = world
    case_id, _ = submit(db, casework, province="57", district="5709", in_danger="yes")
    clock.now += timedelta(minutes=14)
    with db.transaction() as session:
        assert casework.escalate_due(session) == ([], [])
    clock.now += timedelta(minutes=2)
    with db.transaction() as session:
        rows, cases = casework.escalate_due(session)
        assert [c.id for c in cases] == [case_id]
        assert sorted(r.push_to for r in rows) == sorted([line_id("CRI-57-1"), line_id("CRI-57-2")])
    assert load(db, case_id).committee_id == "CRI-57" and load(db, case_id).escalation_level == 1
    clock.now += timedelta(minutes=16)
    with db.transaction() as session:
        casework.escalate_due(session)
    assert load(db, case_id).committee_id == "TH-NATIONAL"
    clock.now += timedelta(minutes=16)
    with db.transaction() as session:
        casework.escalate_due(session)
        kinds = [e.kind for e in trail(session, case_id)]
    assert kinds.count("escalated") == 2 and kinds[-1] == "escalation_exhausted"


def test_acknowledgement_stops_escalation_and_tells_the_others(world):
    db, casework, clock = world
    case_id, _ = submit(db, casework, province="57", in_danger="yes")  # provincial: two officers on duty
    with db.transaction() as session:
        case = session.get(Case, case_id)
        officer = session.get(Officer, "CRI-57-1")
        rows = casework.acknowledge(session, case, officer)
        assert [r.push_to for r in rows] == [line_id("CRI-57-2")]
        with pytest.raises(NotAllowed):  # the lifecycle refuses a second acknowledgement
            casework.acknowledge(session, case, session.get(Officer, "CRI-57-2"))
    case = load(db, case_id)
    assert case.status == "acknowledged" and case.acknowledged_by == "CRI-57-1"
    clock.now += timedelta(minutes=20)  # past the urgent window (15 min), before the acknowledged timer (30 min)
    with db.transaction() as session:
        assert casework.escalate_due(session) == ([], [])


def test_two_sweepers_escalate_a_case_once(world):
    db, casework, clock = world
    case_id, _ = submit(db, casework, province="57", district="5709", in_danger="yes")
    clock.now += timedelta(minutes=16)
    first, second = db.sessions(), db.sessions()
    with first, second:
        first_rows, _ = casework.escalate_due(first)
        first.commit()
        second_rows, _ = casework.escalate_due(second)
        second.commit()
    assert first_rows and second_rows == []
    assert load(db, case_id).escalation_level == 1


def test_the_reporter_can_cancel_what_they_just_filed(world):
    db, casework, _ = world
    case_id, _ = submit(db, casework, province="57", district="5709", in_danger="no")
    reference = load(db, case_id).reference
    with db.transaction() as session:
        assert casework.cancel_by_reporter(session, "Usomeone-else", reference) is None
        rows = casework.cancel_by_reporter(session, "Ureporter", reference)
        assert rows
    assert load(db, case_id).status == "cancelled"
    with db.sessions() as session:
        assert "cancelled" in [e.kind for e in session.scalars(select(CaseEvent))]


def test_the_reporters_words_are_encrypted_in_the_case(world):
    db, casework, _ = world
    case_id, _ = submit(db, casework, province="57", description="they took my passport", contact_phone="0812345678")
    with db.engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT answers FROM cases").scalar()
    assert "passport" not in raw and "0812345678" not in raw
    assert load(db, case_id).answers["description"] == "they took my passport"


# -- nobody on duty ------------------------------------------------------------------------------
MONDAY_3_BANGKOK = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)   # Mon 23 Nov 2026 03:00 in Bangkok


def card_words(row) -> str:
    """Every text of an outbox row's flex card."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(row.messages)
    return "\n".join(found)


def test_nobody_on_duty_at_the_district_goes_at_once_to_the_province(world):
    """The example roster leaves Mae Sai without anyone on duty from Sunday midnight to
    Monday 08:30: a report then reaches the province at once, and the card says why."""
    db, casework, clock = world
    clock.now = MONDAY_3_BANGKOK
    with db.sessions() as session:
        assert directory.on_duty_officers(session, "CRI-5709", clock.now) == []
        mae_sai = directory.get_committee(session, "CRI-5709").name_th
    case_id, recipients = submit(db, casework, province="57", district="5709", wages_withheld="yes")
    assert recipients == sorted([line_id("CRI-57-1"), line_id("CRI-57-2")])
    case = load(db, case_id)
    assert case.committee_id == "CRI-57" and case.escalation_level == 1 and case.status == "new"
    assert case.escalate_at.replace(tzinfo=UTC) == clock.now + timedelta(hours=24)   # standard
    with db.sessions() as session:
        events = trail(session, case_id)
        assert [(e.kind, e.committee_id) for e in events] == [
            ("created", "CRI-5709"), ("alerted", "CRI-5709"), ("escalated", "CRI-57"), ("alerted", "CRI-57")]
        assert events[1].detail["recipients"] == 0 and events[3].detail["recipients"] == 2
        assert events[2].detail == {"frm": "CRI-5709", "why": "nobody_on_duty"}
        rows = session.scalars(select(OutboxMessage)).all()
    words = card_words(rows[0])
    assert f"ไม่มีเจ้าหน้าที่เวรที่ {mae_sai}" in words and "ส่งต่อขึ้นมา (ครั้งที่ 1)" in words
    # and the usual window still escalates it on to the national level
    clock.now += timedelta(hours=24, minutes=1)
    with db.transaction() as session:
        rows, cases = casework.escalate_due(session)
        assert [c.id for c in cases] == [case_id]
        assert sorted(r.push_to for r in rows) == sorted([line_id("TH-NATIONAL-1"), line_id("TH-NATIONAL-2")])
    assert load(db, case_id).committee_id == "TH-NATIONAL"


def test_a_linked_group_is_someone(world):
    db, casework, clock = world
    clock.now = MONDAY_3_BANGKOK
    with db.transaction() as session:
        directory.link_group(session, "CRI-5709", "C-mae-sai")
    case_id, recipients = submit(db, casework, province="57", district="5709", wages_withheld="yes")
    assert recipients == ["C-mae-sai"] and load(db, case_id).committee_id == "CRI-5709"


def test_nobody_anywhere_up_the_chain_is_logged_and_recorded_and_the_case_kept(world, caplog):
    db, casework, clock = world
    clock.now = MONDAY_3_BANGKOK
    with db.transaction() as session:
        for officer in session.scalars(select(Officer).where(Officer.committee_id.in_(["CRI-57", "TH-NATIONAL"]))):
            officer.line_user_id = None
    caplog.set_level("WARNING")
    case_id, recipients = submit(db, casework, province="57", district="5709", wages_withheld="yes",
                                 description="they took my passport", contact_phone="0812345678")
    assert recipients == []
    case = load(db, case_id)
    assert case.committee_id == "TH-NATIONAL" and case.reference
    with db.sessions() as session:
        kinds = [(e.kind, e.committee_id) for e in trail(session, case_id)]
    assert kinds == [("created", "CRI-5709"), ("alerted", "CRI-5709"), ("escalated", "CRI-57"),
                     ("alerted", "CRI-57"), ("escalated", "TH-NATIONAL"), ("alerted", "TH-NATIONAL"),
                     ("nobody_reached", "TH-NATIONAL")]
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and case.reference in errors[0].getMessage()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "passport" not in logged and "0812345678" not in logged


# -- case work (issue 13): each action records its event {"from", "to"} and returns its rows ----------
def _events(session, case_id, kind):
    return [e for e in trail(session, case_id) if e.kind == kind]


class FakeReporter:
    """The i13reporter part's collaborator: what Casework tells the reporter about."""

    def __init__(self):
        self.told = []

    def notify(self, session, case, what):
        self.told.append((case.reference, what))
        return [f"row-to-reporter-{what}"]


def test_take_assigns_tells_the_committee_stops_escalation_and_tells_the_reporter(world):
    db, casework, clock = world
    casework.reporter = FakeReporter()
    case_id, _ = submit(db, casework, province="57", in_danger="yes")
    with db.transaction() as session:
        case = session.get(Case, case_id)
        rows = casework.take(session, case, session.get(Officer, "CRI-57-1"))
        assert [getattr(r, "push_to", r) for r in rows] == [line_id("CRI-57-2"), "row-to-reporter-taken"]
        assert session.get(Officer, "CRI-57-1").name in str(rows[0].messages)  # the notice names who has it
        event = _events(session, case_id, "taken")[0]
        assert event.actor == "CRI-57-1" and event.detail["from"] == "new" and event.detail["to"] == "taken"
    case = load(db, case_id)
    assert (case.status, case.assigned_to) == ("taken", "CRI-57-1")
    assert case.assigned_at is not None and case.state_since is not None
    taken_timer = casework.data.timer("taken", "urgent")
    assert case.escalate_at.replace(tzinfo=UTC) == clock.now + timedelta(seconds=taken_timer)
    clock.now += timedelta(minutes=20)  # past the new-case window: a taken case is not escalated
    with db.transaction() as session:
        assert casework.escalate_due(session) == ([], [])
    assert casework.reporter.told == [(case.reference, "taken")]
    with db.transaction() as session:  # taking it again is refused; another officer may take it over
        case = session.get(Case, case_id)
        with pytest.raises(NotAllowed):
            casework.take(session, case, session.get(Officer, "CRI-57-1"))
        casework.take(session, case, session.get(Officer, "CRI-57-2"))
        assert case.assigned_to == "CRI-57-2"


def test_a_taken_case_sitting_too_long_reminds_its_officer_and_committee_not_up(world):
    db, casework, clock = world
    case_id, _ = submit(db, casework, province="57", in_danger="yes")
    with db.transaction() as session:
        casework.take(session, session.get(Case, case_id), session.get(Officer, "CRI-57-1"))
    seconds = casework.data.timer("taken", "urgent")
    clock.now += timedelta(seconds=seconds + 1)
    with db.transaction() as session:
        rows, cases = casework.escalate_due(session)
        assert [c.id for c in cases] == [case_id]
        assert sorted(r.push_to for r in rows) == sorted([line_id("CRI-57-1"), line_id("CRI-57-2")])
        assert len(_events(session, case_id, "reminded")) == 1
    case = load(db, case_id)
    assert case.committee_id == "CRI-57" and case.status == "taken"       # not escalated
    assert case.escalate_at.replace(tzinfo=UTC) == clock.now + timedelta(seconds=seconds)  # re-armed
    with db.transaction() as session:
        assert casework.escalate_due(session) == ([], [])


def test_start_refer_update_referral_close_and_reopen(world):
    db, casework, clock = world
    casework.reporter = FakeReporter()
    case_id, _ = submit(db, casework, province="57", in_danger="no")
    officer_id = "CRI-57-1"
    with db.transaction() as session:
        case, officer = session.get(Case, case_id), session.get(Officer, officer_id)
        with pytest.raises(NotAllowed):
            casework.start(session, case, officer, "visit")              # nobody has it yet
        casework.take(session, case, officer)
        assert casework.start(session, case, officer, "screening_interview") == []
        with pytest.raises(ValueError):
            casework.start(session, case, officer, "dancing")
        with pytest.raises(ValueError):
            casework.refer(session, case, officer, "astrologer", "x")
        rows = casework.refer(session, case, officer, "labour_protection", "Chiang Rai labour office",
                              contact="053 000 000", note="wages")
        assert [r.push_to for r in rows] == [line_id("CRI-57-2")]
        assert case.status == "referred"
        referral = session.scalars(select(CaseReferral)).one()
        assert (referral.service, referral.agency, referral.state, referral.by) == \
            ("labour_protection", "Chiang Rai labour office", "sent", officer_id)
        assert casework.update_referral(session, referral.id, officer, "accepted") == []
        assert referral.state == "accepted" and case.status == "referred"
        with pytest.raises(ValueError):
            casework.update_referral(session, referral.id, officer, "lost")
        with pytest.raises(ValueError):
            casework.close(session, case, officer, "solved_by_magic")
        rows = casework.close(session, case, officer, "labour_referred", note="done")
        assert rows[-1] == "row-to-reporter-closed"
        assert (case.status, case.outcome, case.escalate_at) == ("closed", "labour_referred", None)
        assert case.closed_at is not None
        with pytest.raises(NotAllowed) as refused:
            casework.close(session, case, officer, "not_a_case")
        assert refused.value.state == "closed" and refused.value.reference == case.reference
        casework.reopen(session, case, officer)
        assert (case.status, case.outcome, case.closed_at, case.assigned_to) == ("taken", None, None, officer_id)
        kinds = [(e.kind, e.detail.get("from"), e.detail.get("to")) for e in trail(session, case_id)
                 if e.kind not in ("created", "alerted", "note")]
    assert kinds == [("taken", "new", "taken"), ("started", "taken", "in_progress"),
                     ("referred", "in_progress", "referred"), ("referral_updated", "referred", "referred"),
                     ("closed", "referred", "closed"), ("reopened", "closed", "taken")]
    with db.sessions() as session:
        closed = _events(session, case_id, "closed")[0]
        assert closed.detail["outcome"] == "labour_referred"
        started = _events(session, case_id, "started")[0]
        assert started.detail["activity"] == "screening_interview"
        raw = session.execute(text("SELECT contact, note FROM case_referrals")).one()
    assert "053 000 000" not in str(raw) and "wages" not in str(raw)        # encrypted at rest
    assert casework.reporter.told == [(load(db, case_id).reference, "taken"), (load(db, case_id).reference, "closed")]


def test_move_alerts_the_other_committee_as_new_and_the_first_keeps_read_access(world):
    db, casework, clock = world
    case_id, _ = submit(db, casework, province="57", in_danger="yes")
    with db.transaction() as session:
        case, officer = session.get(Case, case_id), session.get(Officer, "CRI-57-1")
        casework.take(session, case, officer)
        with pytest.raises(ValueError):
            casework.move(session, case, officer, "CRI-57", "same")
        rows = casework.move(session, case, officer, "CRI-5708", "wrong district")
        recipients = sorted(r.push_to for r in rows)
        flex = [r for r in rows if r.push_to == line_id("CRI-5708-1")][0].messages[0]
        assert flex["type"] == "flex"
        assert readers(session, case_id) == {"CRI-57"}
        moved = _events(session, case_id, "moved")[0]
        assert moved.detail == {"from": "taken", "to": "new", "frm": "CRI-57", "reason": "wrong district"}
        assert moved.committee_id == "CRI-5708"
    assert line_id("CRI-57-2") in recipients          # the first committee is told where it went
    on_duty = [line_id(o) for o in ("CRI-5708-1", "CRI-5708-2")]
    assert set(on_duty) & set(recipients)
    case = load(db, case_id)
    assert (case.committee_id, case.status, case.assigned_to) == ("CRI-5708", "new", None)
    assert case.escalate_at.replace(tzinfo=UTC) == clock.now + timedelta(minutes=15)   # escalation as new


def test_cancel_by_the_reporter_follows_the_table(world):
    db, casework, _ = world
    case_id, _ = submit(db, casework, province="57", in_danger="no")
    with db.transaction() as session:
        case = session.get(Case, case_id)
        casework.take(session, case, session.get(Officer, "CRI-57-1"))
        assert casework.cancel_by_reporter(session, "Ureporter", case.reference)
        assert casework.cancel_by_reporter(session, "Ureporter", case.reference) is None
        event = _events(session, case_id, "cancelled")[0]
        assert (event.detail["from"], event.detail["to"], case.escalate_at) == ("taken", "cancelled", None)


def test_a_taken_case_sent_up_by_its_officer_is_new_up_there(world):
    db, casework, clock = world
    case_id, _ = submit(db, casework, province="57", district="5709", in_danger="yes")
    with db.transaction() as session:
        case, officer = session.get(Case, case_id), session.get(Officer, "CRI-5709-1")
        casework.take(session, case, officer)
        casework.escalate(session, case, officer.id, "officer_request")
        event = _events(session, case_id, "escalated")[0]
        assert (event.detail["from"], event.detail["to"], event.detail["frm"]) == ("taken", "new", "CRI-5709")
    case = load(db, case_id)
    assert (case.status, case.committee_id) == ("new", "CRI-57")
    assert case.escalate_at.replace(tzinfo=UTC) == clock.now + timedelta(minutes=15)
