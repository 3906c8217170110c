"""Officers in LINE: linking an account with a one-time code, listing and reading cases,
adding a note; an alert delivery that survives a worker killed in the middle of it."""
from __future__ import annotations

import signal
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from flows.loader import load_flows
from storage import directory, link_codes
from storage.cases import Case, trail
from storage.models import CaseReferral, Officer
from tests.support.reporter import Reporter
from tests.support.servers import wait_for
from tests.support.stack import texts

pytestmark = [pytest.mark.integration, pytest.mark.stack(example_directory=True)]

FLOWS = load_flows()


def said(stack, user) -> str:
    return "\n".join(t for d in stack.delivered(user) for t in texts(d))


def report(stack, user, answers) -> Case:
    person = Reporter(stack, user, FLOWS)
    stack.say(user, "hello")
    person.answer()
    person.tap("c|main.menu|2")
    person.fill(answers)
    person.tap("c|" + person.at() + "|0")
    with stack.app.extensions["hotline"].db.sessions() as session:
        return session.scalars(select(Case).where(Case.chat_key == user)).one()


def link(stack, officer_id: str) -> str:
    user = stack.user("th", name=officer_id)
    with stack.app.extensions["hotline"].db.transaction() as session:
        code = link_codes.issue_link_code(session, officer_id, datetime.now(UTC))
    stack.say(user, f"link {code}")
    wait_for(lambda: stack.delivered(user), message="link answer")
    return user


def test_an_officer_links_by_code_then_lists_reads_and_notes_cases(stack):
    wrong = stack.user("th")
    stack.say(wrong, "link 12345678")
    wait_for(lambda: stack.delivered(wrong), message="answer to a wrong code")
    officer = link(stack, "CRI-5709-1")
    with stack.app.extensions["hotline"].db.sessions() as session:
        assert session.get(Officer, "CRI-5709-1").line_user_id == officer
        assert session.get(Officer, "CRI-5709-2").line_user_id is None
    case = report(stack, stack.user("lo"), {"in_danger": "no", "province": "57", "district": "5709",
                                              "description": "ບໍ່ໄດ້ຮັບເງິນເດືອນ", "contact_ok": "no"})
    wait_for(lambda: any(m["type"] == "flex" for d in stack.delivered(officer) for m in d["messages"]),
             message="alert to the linked officer")
    before = len(stack.delivered(officer))
    stack.say(officer, "cases")
    wait_for(lambda: any(case.reference in t for d in stack.delivered(officer)[before:] for t in texts(d)),
             message="case list")
    stack.say(officer, f"case {case.reference.lower()}")
    wait_for(lambda: "ບໍ່ໄດ້ຮັບເງິນເດືອນ" in said(stack, officer), message="details with the reporter's words")
    stack.say(officer, f"note {case.reference} called the employer")
    with stack.app.extensions["hotline"].db.sessions() as session:
        wait_for(lambda: "note" in [e.kind for e in trail(session, case.id)], message="note in the audit trail")
        note = [e for e in trail(session, case.id) if e.kind == "note"][0]
        assert note.detail["text"] == "called the employer" and note.actor == "CRI-5709-1"
        assert "details_viewed" in [e.kind for e in trail(session, case.id)]
    assert "ບໍ່ໄດ້ຮັບເງິນເດືອນ" not in said(stack, wrong)


def test_a_worker_killed_while_pushing_an_alert_loses_nothing_and_sends_it_once(stack):
    officer = link(stack, "CRI-5709-1")
    stack.api("POST", "/faults", json={"delay_ms": 4000, "count": 1, "paths": ["/v2/bot/message/push"]})
    reporter = stack.user("th")
    person = Reporter(stack, reporter, FLOWS)
    stack.say(reporter, "hello")
    person.answer()
    person.tap("c|main.menu|2")
    person.fill({"in_danger": "no", "province": "57", "district": "5709", "contact_ok": "no"})
    stack.send(reporter, type="postback", data="c|" + person.at() + "|0")
    wait_for(lambda: any(r["path"] == "/v2/bot/message/push" for r in stack.api("GET", "/calls")) or
             stack.api("GET", "/faults")["faults"] == [], timeout=10, message="the alert push under way")
    time.sleep(0.5)
    stack.workers[0].send_signal(signal.SIGKILL)  # in the middle of the slow push
    stack.workers[0].wait()
    stack.add_worker()  # its sweeper finds the pending outbox row
    wait_for(lambda: [r for r in stack.received(officer) if r["status"] == 200 and r["path"].endswith("push")],
             timeout=40, message="alert delivered after the kill")
    time.sleep(3)
    pushes = [r for r in stack.received(officer) if r["path"].endswith("push")]
    assert [r["status"] for r in pushes].count(200) == 1  # once: the retry key made any repeat a 409
    assert {r["retry_key"] for r in pushes} and len({r["retry_key"] for r in pushes}) == 1


def test_a_committee_group_gets_alerts_and_records_who_tapped(stack):
    officer = link(stack, "CRI-5709-1")
    group = stack.api("POST", "/groups", json={"groupName": "ATIP Mae Sai"})["groupId"]
    stack.send(officer, type="join", groupId=group)
    with stack.app.extensions["hotline"].db.transaction() as session:
        code = link_codes.issue_group_code(session, "CRI-5709", datetime.now(UTC))
    stack.send(officer, type="text", text=f"group {code}", groupId=group)
    wait_for(lambda: stack.delivered(group), message="the group code's answer")
    with stack.app.extensions["hotline"].db.sessions() as session:
        assert directory.get_committee(session, "CRI-5709").line_group_id is None   # waits for confirmation
    stack.send(officer, type="postback", data="group|confirm", groupId=group)

    def linked_group():
        with stack.app.extensions["hotline"].db.sessions() as session:
            return directory.get_committee(session, "CRI-5709").line_group_id

    assert wait_for(linked_group, message="group linked once an officer confirmed") == group
    case = report(stack, stack.user("my"), {"in_danger": "no", "province": "57", "district": "5709",
                                              "contact_ok": "no"})
    wait_for(lambda: any(m["type"] == "flex" for d in stack.delivered(group) for m in d["messages"]),
             message="alert in the group")
    stranger = stack.user("th", name="Someone in the group")
    stack.send(stranger, type="postback", data=f"case|ack|{case.id}", groupId=group)
    time.sleep(1.5)
    with stack.app.extensions["hotline"].db.sessions() as session:
        assert session.get(Case, case.id).status == "new"  # a non-officer's tap changes nothing
    before_ack = len(stack.delivered(group))
    stack.send(officer, type="postback", data=f"case|ack|{case.id}", groupId=group)

    def acknowledged_by():
        with stack.app.extensions["hotline"].db.sessions() as session:
            return session.get(Case, case.id).acknowledged_by

    assert wait_for(acknowledged_by, message="acknowledged from the group") == "CRI-5709-1"
    # The answer to the tap and the committee's notice are sent after the commit: count once both arrived.
    wait_for(lambda: len(stack.delivered(group)) >= before_ack + 2, message="the group told who took it")
    in_group = len(stack.delivered(group))
    stack.send(officer, type="postback", data=f"case|info|{case.id}", groupId=group)
    title = f"เคส {case.reference}: รายละเอียดทั้งหมด"
    wait_for(lambda: any(title in t for d in stack.delivered(officer) for t in texts(d)),
             message="details in the officer's own chat")
    assert "details_viewed" in _kinds(stack, case.id)
    time.sleep(1)
    assert len(stack.delivered(group)) == in_group            # nothing more in the group
    stack.send(officer, type="leave", groupId=group)
    wait_for(lambda: linked_group() is None, message="group unlinked after leave")


def _kinds(stack, case_id) -> list[str]:
    with stack.app.extensions["hotline"].db.sessions() as session:
        return [e.kind for e in trail(session, case_id)]


# -- case work in LINE (issue 13): take, close, refer, move ----------------------------------------------
def _case(stack, case_id) -> Case:
    with stack.app.extensions["hotline"].db.sessions() as session:
        return session.get(Case, case_id)


def _quick_data(stack, user) -> list[str]:
    """The postback data of the quick replies under the last message delivered to `user`."""
    last = stack.delivered(user)[-1]["messages"][-1]
    return [item["action"]["data"] for item in (last.get("quickReply") or {}).get("items", [])]


def _alerted(stack, user, reference) -> None:
    wait_for(lambda: any(m["type"] == "flex" and reference in m["altText"] for d in stack.delivered(user)
                         for m in d["messages"]), message=f"alert at {user}")


def test_take_from_the_alert_button_then_close_with_an_outcome(stack):
    taker, other = link(stack, "CRI-5709-1"), link(stack, "CRI-5709-2")
    case = report(stack, stack.user("my"), {"in_danger": "no", "province": "57", "district": "5709",
                                              "contact_ok": "no"})
    _alerted(stack, taker, case.reference)
    told = len(stack.delivered(other))
    stack.send(taker, type="postback", data=f"case|take|{case.id}")
    wait_for(lambda: _case(stack, case.id).status == "taken", message="taken")
    assert _case(stack, case.id).assigned_to == "CRI-5709-1"
    wait_for(lambda: any("รับดูแลเคส" in t and case.reference in t for d in stack.delivered(other)[told:]
                         for t in texts(d)), message="the other officer told who has it")
    wait_for(lambda: any("อยู่ในความดูแลของคุณแล้ว" in t for d in stack.delivered(taker) for t in texts(d)),
             message="the taker's confirmation")
    stack.send(taker, type="postback", data=f"case|take|{case.id}")       # again: politely refused
    wait_for(lambda: any("อยู่ในความดูแลของคุณอยู่แล้ว" in t for d in stack.delivered(taker) for t in texts(d)),
             message="already yours")

    before = len(stack.delivered(taker))
    stack.say(taker, f"ปิด {case.reference}")
    wait_for(lambda: len(stack.delivered(taker)) > before, message="the outcomes")
    choices = _quick_data(stack, taker)
    assert f"case|close|{case.id}|not_a_case" in choices and f"case|close|{case.id}|nrm_referred" in choices
    stack.send(taker, type="postback", data=f"case|close|{case.id}|not_a_case")
    wait_for(lambda: _case(stack, case.id).status == "closed", message="closed")
    assert _case(stack, case.id).outcome == "not_a_case"
    assert [k for k in _kinds(stack, case.id) if k in ("taken", "closed")] == ["taken", "closed"]
    before = len(stack.delivered(taker))
    stack.say(taker, f"close {case.reference} duplicate")                 # a closed case cannot close again
    wait_for(lambda: len(stack.delivered(taker)) > before, message="the refusal")
    assert any(case.reference in t and "ไม่ได้" in t for t in texts(stack.delivered(taker)[-1]))
    assert _case(stack, case.id).outcome == "not_a_case"


def test_refer_with_a_service_chosen_then_the_agency_typed(stack):
    officer = link(stack, "CRI-5709-1")
    case = report(stack, stack.user("km"), {"in_danger": "no", "province": "57", "district": "5709",
                                              "contact_ok": "no"})
    _alerted(stack, officer, case.reference)
    stack.say(officer, f"take {case.reference}")
    wait_for(lambda: _case(stack, case.id).status == "taken", message="taken")
    before = len(stack.delivered(officer))
    stack.say(officer, f"ส่งต่อ {case.reference}")
    wait_for(lambda: len(stack.delivered(officer)) > before, message="the services")
    assert f"case|refer|{case.id}|labour_protection" in _quick_data(stack, officer)
    before = len(stack.delivered(officer))
    stack.send(officer, type="postback", data=f"case|refer|{case.id}|labour_protection")
    wait_for(lambda: len(stack.delivered(officer)) > before, message="asked for the agency")
    assert _quick_data(stack, officer) == [f"case|refer|{case.id}|labour_protection|-"]   # Skip
    stack.say(officer, f"refer {case.reference} labour_protection Chiang Rai labour protection office, 053 000 000")
    wait_for(lambda: _case(stack, case.id).status == "referred", message="referred")
    with stack.app.extensions["hotline"].db.sessions() as session:
        referral = session.scalars(select(CaseReferral)).one()
        assert (referral.service, referral.agency, referral.contact, referral.state) == \
            ("labour_protection", "Chiang Rai labour protection office", "053 000 000", "sent")


def test_move_alerts_the_other_committee_and_the_first_still_reads_the_case(stack):
    first, second = link(stack, "CRI-5709-1"), link(stack, "CRI-5708-1")
    case = report(stack, stack.user("lo"), {"in_danger": "no", "province": "57", "district": "5709",
                                              "contact_ok": "no"})
    _alerted(stack, first, case.reference)
    before = len(stack.delivered(first))
    stack.send(first, type="postback", data=f"case|move|{case.id}")
    wait_for(lambda: len(stack.delivered(first)) > before, message="the committees")
    assert f"case|move|{case.id}|CRI-57" in _quick_data(stack, first)
    stack.say(first, f"move {case.reference} CRI-5708 wrong district")
    wait_for(lambda: _case(stack, case.id).committee_id == "CRI-5708", message="moved")
    assert _case(stack, case.id).status == "new"
    _alerted(stack, second, case.reference)                               # alerted there like a new case
    before = len(stack.delivered(first))
    stack.say(first, f"case {case.reference}")
    title = f"เคส {case.reference}: รายละเอียดทั้งหมด"
    wait_for(lambda: any(title in t for d in stack.delivered(first)[before:] for t in texts(d)),
             message="the first committee still reads the case")
    assert _quick_data(stack, first) == []                                # no actions: read only
    before = len(stack.delivered(first))
    stack.say(first, f"take {case.reference}")
    wait_for(lambda: len(stack.delivered(first)) > before, message="refused")
    assert any("แก้ไขไม่ได้" in t for t in texts(stack.delivered(first)[-1]))
    assert _case(stack, case.id).assigned_to is None
    before = len(stack.delivered(second))
    stack.send(second, type="postback", data=f"case|take|{case.id}")
    wait_for(lambda: _case(stack, case.id).assigned_to == "CRI-5708-1", message="taken at the new committee")


def _answered(stack, user, before: int, what: str) -> None:
    wait_for(lambda: len(stack.delivered(user)) > before, message=what)


def test_a_case_worked_in_line_from_take_to_reopen(stack):
    """Take → in progress (a visit) → refer → the referral accepted, then done → close → reopen."""
    officer, other = link(stack, "CRI-5709-1"), link(stack, "CRI-5709-2")
    case = report(stack, stack.user("my"), {"in_danger": "no", "province": "57", "district": "5709",
                                              "contact_ok": "no"})
    _alerted(stack, officer, case.reference)
    stack.send(officer, type="postback", data=f"case|take|{case.id}")
    wait_for(lambda: _case(stack, case.id).status == "taken", message="taken")
    wait_for(lambda: f"case|start|{case.id}" in _quick_data(stack, officer), message="In progress offered")

    before = len(stack.delivered(officer))
    stack.send(officer, type="postback", data=f"case|start|{case.id}")
    _answered(stack, officer, before, "the activities")
    assert f"case|start|{case.id}|visit" in _quick_data(stack, officer)
    stack.send(officer, type="postback", data=f"case|start|{case.id}|visit")
    wait_for(lambda: _case(stack, case.id).status == "in_progress", message="in progress")

    stack.say(officer, f"refer {case.reference} labour_protection Chiang Rai labour protection office")
    wait_for(lambda: _case(stack, case.id).status == "referred", message="referred")
    before = len(stack.delivered(officer))
    stack.say(officer, f"ผลส่งต่อ {case.reference}")
    _answered(stack, officer, before, "the referrals")
    assert _quick_data(stack, officer) == [f"case|referral|{case.id}|1"]
    before = len(stack.delivered(officer))
    stack.send(officer, type="postback", data=f"case|referral|{case.id}|1")
    _answered(stack, officer, before, "the referral's states")
    assert f"case|referral|{case.id}|1|accepted" in _quick_data(stack, officer)
    stack.send(officer, type="postback", data=f"case|referral|{case.id}|1|accepted")
    wait_for(lambda: _referral_state(stack) == "accepted", message="accepted")
    stack.say(officer, f"referral {case.reference} 1 done")
    wait_for(lambda: _referral_state(stack) == "done", message="done")
    assert _case(stack, case.id).status == "referred"

    stack.send(officer, type="postback", data=f"case|close|{case.id}|labour_referred")
    wait_for(lambda: _case(stack, case.id).status == "closed", message="closed")
    before = len(stack.delivered(officer))
    stack.say(officer, f"case {case.reference}")
    _answered(stack, officer, before, "the details")
    assert f"case|reopen|{case.id}" in _quick_data(stack, officer)
    told = len(stack.delivered(other))
    stack.send(officer, type="postback", data=f"case|reopen|{case.id}")
    wait_for(lambda: _case(stack, case.id).status == "taken", message="reopened")
    assert (_case(stack, case.id).assigned_to, _case(stack, case.id).outcome) == ("CRI-5709-1", None)
    wait_for(lambda: any(case.reference in t and "เปิด" in t for d in stack.delivered(other)[told:]
                         for t in texts(d)), message="the committee told")
    kinds = [k for k in _kinds(stack, case.id) if k in ("taken", "started", "referred", "referral_updated",
                                                          "closed", "reopened")]
    assert kinds == ["taken", "started", "referred", "referral_updated", "referral_updated", "closed", "reopened"]


def _referral_state(stack) -> str:
    with stack.app.extensions["hotline"].db.sessions() as session:
        return session.scalars(select(CaseReferral)).one().state
