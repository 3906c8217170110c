"""bot.officers.OfficerDesk on a real database: codes typed in any digits, case details only
in 1:1 chats, group links confirmed by the committee's officer, and leaving a group.

Events are LINE webhook event dicts as the worker hands them over; the answers are checked
as the Response the worker would send (messages to the chat, outbox rows for others)."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.alerts import AlertComposer
from bot.officers import CONFIRM_GROUP_DATA, OfficerDesk
from cases.casework import Casework
from cases.link_codes import MAX_FAILED_ATTEMPTS
from locales.catalogs import catalogs
from storage import crypto, directory, link_codes
from storage.case_store import CaseStore
from storage.cases import Case, trail
from storage.db import Database
from storage.directory_file import load_directory, read_directory_file
from storage.models import CaseReferral, Committee, Officer
from tests.support.committees import EXAMPLE
from tests.support.typed_digits import FULL_WIDTH, THAI, TYPED_FORMS

pytestmark = pytest.mark.integration

TUESDAY_10_BANGKOK = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
PHONE = "0812345678"
ADDRESS = "99/1 หมู่ 4 ซอยเกษม"
WORDS = "นายจ้างยึดพาสปอร์ตของฉัน"
TH = catalogs()


def said(key: str, **params) -> str:
    return TH.text("th", f"officer.{key}", **params)


def line_id(officer_id: str) -> str:
    return "U" + officer_id.replace("-", "").lower().ljust(32, "0")[:32]


@pytest.fixture
def desk(database_url):
    crypto.configure(crypto.KeyRing([Fernet.generate_key().decode()]))
    db = Database(database_url)
    with db.transaction() as session:
        load_directory(session, read_directory_file(EXAMPLE))
        for officer in session.scalars(select(Officer)):
            if officer.id != "CRI-5709-2":      # one officer left to link with a code
                officer.line_user_id = line_id(officer.id)
    casework = Casework(AlertComposer(catalogs(), lambda case: []), CaseStore(), clock=lambda: TUESDAY_10_BANGKOK)
    yield db, casework, OfficerDesk(casework, casework.alerts)
    db.dispose()


def text_event(user: str | None, text: str, group: str | None = None) -> dict:
    return {"type": "message", "message": {"type": "text", "id": "1", "text": text}, "source": _source(user, group)}


def postback(user: str | None, data: str, group: str | None = None) -> dict:
    return {"type": "postback", "postback": {"data": data}, "source": _source(user, group)}


def _source(user, group) -> dict:
    source = {"type": "group", "groupId": group} if group else {"type": "user"}
    if user:
        source["userId"] = user
    return source


def ask(db, desk, event):
    with db.transaction() as session:
        response = desk.respond(event, session)
        rows = [(row.push_to, row.messages) for row in (response.also if response else [])]
        return response, rows


def words(messages) -> str:
    return json.dumps(messages, ensure_ascii=False)


def new_case(db, casework) -> Case:
    with db.transaction() as session:
        case, _ = casework.submit(session, chat_key="Ureporter", user_id="Ureporter", language="th", kind="self",
                                  answers={"province": "57", "district": "5709", "wages_withheld": "yes",
                                           "description": WORDS, "contact_ok": "yes", "contact_phone": PHONE,
                                           "location": {"latitude": 20.43, "longitude": 99.87, "address": ADDRESS}})
        session.expunge(case)
        return case


# -- codes typed in any digits ---------------------------------------------------------------------
FORMS = {
    **TYPED_FORMS,
    "thai split": lambda code: f"{code[:4]} {code[4:]}".translate(THAI),
    "full-width dash": lambda code: f"{code[:4]}－{code[4:]}".translate(FULL_WIDTH),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_link_and_group_codes_typed_in_any_digits_work(desk, form):
    db, casework, officers = desk
    with db.transaction() as session:
        link = link_codes.issue_link_code(session, "CRI-5709-2", TUESDAY_10_BANGKOK)
        group = link_codes.issue_group_code(session, "CRI-5709", TUESDAY_10_BANGKOK)
    response, _ = ask(db, officers, text_event("U-new", "link " + FORMS[form](link)))
    assert response.messages[0]["text"] == said("linked", name="Example duty officer 2 (Mae Sai)",
                                                 committee=_name(db, "CRI-5709"))
    response, _ = ask(db, officers, text_event("U-new", "group " + FORMS[form](group), group="C-mae-sai"))
    assert response.messages[0]["type"] == "flex" and CONFIRM_GROUP_DATA in words(response.messages)


@pytest.mark.parametrize("typed", ["link ๑๒๓", "link １２３４５６７８９", "link 1234 5678 9", "link ๑๒๓๔-๕๖๗x",
                                   "link 0000000０", "link ๙๙๙๙๙๙๙๙", "group ๑๒๓", "group １２３４５６７８９"])
@pytest.mark.parametrize("where", ["1:1", "group"])
def test_anything_that_is_not_a_code_gets_link_failed_never_an_exception(desk, typed, where):
    db, _, officers = desk
    group = "C-somewhere" if where == "group" else None
    response, _ = ask(db, officers, text_event("U-typo", typed, group=group))
    if typed.startswith("group") and not group:
        assert response is None                       # "group ..." means nothing in a 1:1 chat
    elif typed == "link ๑๒๓๔-๕๖๗x":
        assert response is None or response.messages == []   # words, not a code: not a command
    else:
        assert response.messages[0]["text"] == said("link_failed")


def test_link_words_that_are_not_a_code_are_left_to_the_conversation(desk):
    db, _, officers = desk
    assert ask(db, officers, text_event("U-reporter", "link to the job advert https://example.com/job"))[0] is None
    assert ask(db, officers, text_event("U-reporter", "link \udcff"))[0] is None


# -- case details only in 1:1 chats ----------------------------------------------------------------
@pytest.mark.parametrize("command", ["cases", "เคส", "case {ref}", "เคส {ref}", "note {ref} called the employer",
                                     "โน้ต {ref} โทรหานายจ้างแล้ว"])
def test_commands_showing_cases_answer_ask_me_in_a_private_chat_in_a_group(desk, command):
    db, casework, officers = desk
    case = new_case(db, casework)
    officer = line_id("CRI-5709-1")
    response, rows = ask(db, officers, text_event(officer, command.format(ref=case.reference), group="C-mae-sai"))
    assert [m["text"] for m in response.messages] == [said("private_only")] and rows == []
    for secret in (case.reference, PHONE, ADDRESS, WORDS):
        assert secret not in words(response.messages)
    with db.sessions() as session:
        assert [e.kind for e in trail(session, case.id)] == ["created", "alerted"]   # nothing viewed, no note
    # the same in the officer's own chat works
    response, _ = ask(db, officers, text_event(officer, command.format(ref=case.reference)))
    assert response.messages and said("private_only") not in words(response.messages)


def test_a_stranger_in_a_group_gets_silence(desk):
    db, casework, officers = desk
    case = new_case(db, casework)
    response, rows = ask(db, officers, text_event("U-stranger", f"case {case.reference}", group="C-mae-sai"))
    assert response.messages == [] and rows == []


def test_details_tapped_in_a_group_go_to_the_officers_own_chat_and_nothing_to_the_group(desk):
    db, casework, officers = desk
    case = new_case(db, casework)
    officer = line_id("CRI-5709-1")
    response, rows = ask(db, officers, postback(officer, f"case|info|{case.id}", group="C-mae-sai"))
    assert response.messages == []
    assert [target for target, _ in rows] == [officer]
    assert PHONE in words(rows[0][1]) and ADDRESS in words(rows[0][1]) and WORDS in words(rows[0][1])
    with db.sessions() as session:
        assert "details_viewed" in [e.kind for e in trail(session, case.id)]
    # in the 1:1 chat the details are the answer itself
    response, rows = ask(db, officers, postback(officer, f"case|info|{case.id}"))
    assert PHONE in words(response.messages) and rows == []


def test_acknowledge_still_works_in_a_group(desk):
    db, casework, officers = desk
    case = new_case(db, casework)
    response, _ = ask(db, officers, postback(line_id("CRI-5709-1"), f"case|ack|{case.id}", group="C-mae-sai"))
    assert response.messages[0]["text"] == said("ack_confirmed", reference=case.reference)
    with db.sessions() as session:
        assert session.get(Case, case.id).status == "acknowledged"


@pytest.mark.parametrize("data", ["case|info|99999999999999999999", "case|info|๑", "case|info", "case|x|1|2"])
def test_odd_button_data_is_not_found(desk, data):
    db, _, officers = desk
    response, _ = ask(db, officers, postback(line_id("CRI-5709-1"), data))
    assert response.messages[0]["text"] == said("not_found")


# -- group links are confirmed by an officer of the committee -------------------------------------
def _name(db, committee_id) -> str:
    with db.sessions() as session:
        return session.get(Committee, committee_id).name_th


def _group_of(db, committee_id) -> str | None:
    with db.sessions() as session:
        return session.get(Committee, committee_id).line_group_id


def test_a_group_code_needs_an_officer_of_that_committee_to_confirm_in_the_group(desk):
    db, casework, officers = desk
    with db.transaction() as session:
        code = link_codes.issue_group_code(session, "CRI-5709", TUESDAY_10_BANGKOK)
    response, _ = ask(db, officers, text_event("U-stranger", f"group {code}", group="C-new"))
    flex = response.messages[0]
    assert flex["type"] == "flex" and _name(db, "CRI-5709") in flex["altText"]
    button = flex["contents"]["footer"]["contents"][0]["action"]
    assert button["data"] == CONFIRM_GROUP_DATA and button["label"] == "ยืนยันกลุ่ม"
    assert _group_of(db, "CRI-5709") is None
    for who in ("U-stranger", line_id("CRI-57-1")):          # not an officer; an officer of another committee
        response, _ = ask(db, officers, text_event(who, "confirm group", group="C-new"))
        assert response.messages[0]["text"] == said("group_confirm_refused", committee=_name(db, "CRI-5709"))
    assert _group_of(db, "CRI-5709") is None
    response, rows = ask(db, officers, postback(line_id("CRI-5709-1"), CONFIRM_GROUP_DATA, group="C-new"))
    assert response.messages[0]["text"] == said("group_linked", committee=_name(db, "CRI-5709")) and rows == []
    assert _group_of(db, "CRI-5709") == "C-new"
    response, _ = ask(db, officers, text_event(line_id("CRI-5709-1"), "ยืนยันกลุ่ม", group="C-new"))
    assert response.messages[0]["text"] == said("group_confirm_nothing")


def test_replacing_a_groups_link_tells_the_old_group_and_the_officers_without_case_details(desk):
    db, casework, officers = desk
    with db.transaction() as session:
        directory.link_group(session, "CRI-5709", "C-old")
        code = link_codes.issue_group_code(session, "CRI-5709", TUESDAY_10_BANGKOK)
    case = new_case(db, casework)
    ask(db, officers, text_event("U-someone", f"group {code}", group="C-new"))
    assert _group_of(db, "CRI-5709") == "C-old"             # the code alone moved nothing
    response, rows = ask(db, officers, text_event(line_id("CRI-5709-1"), "ยืนยัน กลุ่ม", group="C-new"))
    assert _group_of(db, "CRI-5709") == "C-new"
    name, committee = "Example duty officer 1 (Mae Sai)", _name(db, "CRI-5709")
    assert rows[0] == ("C-old", [{"type": "text", "text": said("group_replaced_old", committee=committee,
                                                                  name=name)}])
    # the committee's other on-duty, linked officers (Tuesday 10:00: nobody else at Mae Sai is linked)
    with db.transaction() as session:
        session.get(Officer, "CRI-5709-2").line_user_id = "U-night"
        session.get(Officer, "CRI-5709-2").roster = "always"
        code = link_codes.issue_group_code(session, "CRI-5709", TUESDAY_10_BANGKOK)
    ask(db, officers, text_event("U-someone", f"group {code}", group="C-newer"))
    response, rows = ask(db, officers, postback(line_id("CRI-5709-1"), CONFIRM_GROUP_DATA, group="C-newer"))
    assert [target for target, _ in rows] == ["C-new", "U-night"]
    assert rows[1][1][0]["text"] == said("group_replaced_officers", committee=committee, name=name)
    for _, messages in rows:
        assert case.reference not in words(messages) and PHONE not in words(messages)


def test_a_group_already_serving_another_committee_is_not_taken_by_a_code(desk):
    db, _, officers = desk
    with db.transaction() as session:
        directory.link_group(session, "CRI-5709", "C-mae-sai")
        code = link_codes.issue_group_code(session, "CRI-57", TUESDAY_10_BANGKOK)
    response, _ = ask(db, officers, text_event(line_id("CRI-57-1"), f"group {code}", group="C-mae-sai"))
    assert response.messages[0]["text"] == said("group_in_use", committee=_name(db, "CRI-5709"))
    assert _group_of(db, "CRI-5709") == "C-mae-sai" and _group_of(db, "CRI-57") is None


def test_wrong_codes_are_limited_per_person_across_groups(desk):
    db, _, officers = desk
    with db.transaction() as session:
        code = link_codes.issue_group_code(session, "CRI-5709", TUESDAY_10_BANGKOK)
    wrong = "00000000" if code != "00000000" else "11111111"
    for index in range(MAX_FAILED_ATTEMPTS):
        response, _ = ask(db, officers, text_event("U-guess", f"group {wrong}", group=f"C-room-{index}"))
        assert response.messages[0]["text"] == said("link_failed")
    response, _ = ask(db, officers, text_event("U-guess", f"group {code}", group="C-fresh"))
    assert response.messages[0]["text"] == said("link_failed")        # the right code, from a blocked person
    response, _ = ask(db, officers, text_event("U-honest", f"group {code}", group="C-fresh"))
    assert response.messages[0]["type"] == "flex"


# -- the bot removed from a group ------------------------------------------------------------------
def test_after_leave_a_new_cases_alerts_do_not_go_to_that_group(desk):
    db, casework, officers = desk
    with db.transaction() as session:
        directory.link_group(session, "CRI-5709", "C-mae-sai")
    with db.transaction() as session:
        _, rows = casework.submit(session, chat_key="U1", user_id="U1", language="th", kind="self",
                                  answers={"province": "57", "district": "5709"})
        assert "C-mae-sai" in [row.push_to for row in rows]
    response, rows = ask(db, officers, {"type": "leave", "source": {"type": "group", "groupId": "C-mae-sai"}})
    assert response.messages == [] and rows == []
    assert _group_of(db, "CRI-5709") is None
    with db.transaction() as session:
        _, rows = casework.submit(session, chat_key="U2", user_id="U2", language="th", kind="self",
                                  answers={"province": "57", "district": "5709"})
        targets = [row.push_to for row in rows]
    assert "C-mae-sai" not in targets and targets == [line_id("CRI-5709-1")]


def test_leaving_a_room_unlinks_it_too(desk):
    db, _, officers = desk
    with db.transaction() as session:
        directory.link_group(session, "CRI-5708", "R-room")
    ask(db, officers, {"type": "leave", "source": {"type": "room", "roomId": "R-room"}})
    assert _group_of(db, "CRI-5708") is None


# -- case work (issue 13) ------------------------------------------------------------------------------
def _link_group(db, committee_id, group) -> None:
    with db.transaction() as session:
        session.get(Committee, committee_id).line_group_id = group


def test_take_in_a_group_tells_the_group_who_has_it_without_contact_details(desk):
    db, casework, officers = desk
    _link_group(db, "CRI-5709", "C-mae-sai")
    case = new_case(db, casework)
    response, rows = ask(db, officers, postback(line_id("CRI-5709-1"), f"case|take|{case.id}", group="C-mae-sai"))
    assert response.messages[0]["text"].startswith(said("take_confirmed", reference=case.reference))
    to_group = [messages for target, messages in rows if target == "C-mae-sai"]
    assert len(to_group) == 1 and "Example duty officer 1 (Mae Sai)" in words(to_group[0])
    for secret in (PHONE, ADDRESS, WORDS):
        assert secret not in words(to_group[0]) and secret not in words(response.messages)
    with db.sessions() as session:
        assert session.get(Case, case.id).assigned_to == "CRI-5709-1"


@pytest.mark.parametrize("typed", ["take {ref}", "รับ {ref}", "close {ref}", "ปิด {ref}", "refer {ref}",
                                   "ส่งต่อ {ref}", "move {ref}", "ย้าย {ref}", "close {ref} not_a_case",
                                   "start {ref} visit", "เริ่ม {ref}", "referral {ref}", "ผลส่งต่อ {ref} 1 done",
                                   "reopen {ref}", "เปิดใหม่ {ref}"])
def test_an_officer_of_another_committee_learns_nothing(desk, typed):
    db, casework, officers = desk
    case = new_case(db, casework)
    response, rows = ask(db, officers, text_event(line_id("CRI-5708-1"), typed.format(ref=case.reference)))
    assert response.messages[0]["text"] == said("not_found") and rows == []
    with db.sessions() as session:
        assert session.get(Case, case.id).status == "new"


def test_close_offers_the_outcomes_and_refuses_one_not_in_the_list(desk):
    db, casework, officers = desk
    case = new_case(db, casework)
    response, _ = ask(db, officers, text_event(line_id("CRI-5709-1"), f"close {case.reference}"))
    items = response.messages[-1]["quickReply"]["items"]
    assert [i["action"]["data"] for i in items] == [f"case|close|{case.id}|{o}" for o in casework.data.outcomes]
    assert all(1 <= len(i["action"]["label"]) <= 20 for i in items) and len(items) <= 13
    response, _ = ask(db, officers, text_event(line_id("CRI-5709-1"), f"close {case.reference} solved"))
    assert response.messages[0]["text"] == said("unknown_choice", value="solved")
    response, rows = ask(db, officers, text_event(line_id("CRI-5709-1"), f"ปิด {case.reference} duplicate XYZ-123"))
    assert response.messages[0]["text"] == said("close_done", reference=case.reference,
                                                outcome=said("outcome.duplicate"))
    with db.sessions() as session:
        assert session.get(Case, case.id).outcome == "duplicate"
        closed = [e for e in trail(session, case.id) if e.kind == "closed"][0]
        assert closed.detail == {"from": "new", "to": "closed", "outcome": "duplicate"}
        assert [e.detail["text"] for e in trail(session, case.id) if e.kind == "note"] == ["XYZ-123"]


def test_case_details_carry_the_actions_and_help_lists_the_commands(desk):
    db, casework, officers = desk
    case = new_case(db, casework)
    response, _ = ask(db, officers, text_event(line_id("CRI-5709-1"), f"case {case.reference}"))
    assert len(response.messages) <= 5
    assert [i["action"]["data"] for i in response.messages[-1]["quickReply"]["items"]] == \
        [f"case|{a}|{case.id}" for a in ("take", "close", "refer", "move", "msg")]
    response, _ = ask(db, officers, text_event(line_id("CRI-5709-1"), "help officer"))
    for command in ("take ABC-234", "close ABC-234", "refer ABC-234", "move ABC-234", "start ABC-234",
                    "referral ABC-234", "reopen ABC-234"):
        assert command in TH.text("en", "officer.help")
    for command in ("รับ ABC-234", "ปิด ABC-234", "ส่งต่อ ABC-234", "ย้าย ABC-234", "เริ่ม ABC-234",
                    "ผลส่งต่อ ABC-234", "เปิดใหม่ ABC-234"):
        assert command in response.messages[0]["text"]


# -- in progress, referral status, reopen (issue 13 point 3) --------------------------------------------
OFFICER = line_id("CRI-5709-1")


def _taken_case(db, casework, officers) -> Case:
    case = new_case(db, casework)
    ask(db, officers, text_event(OFFICER, f"take {case.reference}"))
    return case


def _quick(response) -> list[str]:
    items = response.messages[-1].get("quickReply", {}).get("items", [])
    assert len(items) <= 13 and all(1 <= len(i["action"]["label"]) <= 20 for i in items)
    return [i["action"]["data"] for i in items]


def _status(db, case) -> str:
    with db.sessions() as session:
        return session.get(Case, case.id).status


@pytest.mark.parametrize("typed", ["start {ref}", "เริ่ม {ref}"])
def test_start_offers_the_activities_then_puts_the_case_in_progress(desk, typed):
    db, casework, officers = desk
    case = _taken_case(db, casework, officers)
    response, _ = ask(db, officers, text_event(OFFICER, typed.format(ref=case.reference)))
    assert response.messages[-1]["text"] == said("choose_activity", reference=case.reference)
    assert _quick(response) == [f"case|start|{case.id}|{a}" for a in ("screening_interview", "visit", "other")]
    response, _ = ask(db, officers, text_event(OFFICER, f"start {case.reference} dance"))
    assert response.messages[0]["text"] == said("unknown_choice", value="dance") and _status(db, case) == "taken"
    response, _ = ask(db, officers, postback(OFFICER, f"case|start|{case.id}|visit"))
    assert response.messages[0]["text"] == said("start_done", reference=case.reference,
                                                activity=said("activity.visit"))
    assert response.escalating and _status(db, case) == "in_progress"
    with db.sessions() as session:
        started = [e for e in trail(session, case.id) if e.kind == "started"]
        assert [e.detail for e in started] == [{"from": "taken", "to": "in_progress", "activity": "visit"}]


def test_start_typed_with_its_activity(desk):
    db, casework, officers = desk
    case = _taken_case(db, casework, officers)
    response, _ = ask(db, officers, text_event(OFFICER, f"เริ่ม {case.reference} screening_interview"))
    assert response.messages[0]["text"] == said("start_done", reference=case.reference,
                                                activity=said("activity.screening_interview"))
    assert _status(db, case) == "in_progress"


@pytest.mark.parametrize("typed", ["start {ref}", "start {ref} visit", "referral {ref}", "ผลส่งต่อ {ref} 1 done",
                                   "reopen {ref}", "เปิดใหม่ {ref}"])
def test_actions_the_state_does_not_allow_are_refused_politely(desk, typed):
    db, casework, officers = desk
    case = new_case(db, casework)                     # new: not taken, not referred, not closed
    response, rows = ask(db, officers, text_event(OFFICER, typed.format(ref=case.reference)))
    assert response.messages[0]["text"] == said("not_allowed", reference=case.reference,
                                                status=said("status.new")) and rows == []
    assert _status(db, case) == "new"


@pytest.mark.parametrize("data", ["case|start|{id}|visit", "case|referral|{id}", "case|reopen|{id}",
                                  "case|referral|{id}|1|accepted"])
def test_an_officer_of_another_committee_taps_and_learns_nothing(desk, data):
    db, casework, officers = desk
    case = _taken_case(db, casework, officers)
    response, rows = ask(db, officers, postback(line_id("CRI-5708-1"), data.format(id=case.id)))
    assert response.messages[0]["text"] == said("not_found") and rows == []
    assert _status(db, case) == "taken"


def test_referral_status_lists_the_referrals_by_number_then_their_states(desk):
    db, casework, officers = desk
    case = _taken_case(db, casework, officers)
    response, _ = ask(db, officers, text_event(OFFICER, f"referral {case.reference}"))
    assert response.messages[0]["text"] == said("no_referrals", reference=case.reference)
    ask(db, officers, text_event(OFFICER, f"refer {case.reference} police Mae Sai police station"))
    ask(db, officers, postback(OFFICER, f"case|refer|{case.id}|ngo|-"))
    response, _ = ask(db, officers, text_event(OFFICER, f"ผลส่งต่อ {case.reference}"))
    assert _quick(response) == [f"case|referral|{case.id}|1", f"case|referral|{case.id}|2"]
    assert "Mae Sai police station" in response.messages[-1]["text"]
    response, _ = ask(db, officers, postback(OFFICER, f"case|referral|{case.id}|2"))
    assert _quick(response) == [f"case|referral|{case.id}|2|{s}" for s in ("accepted", "done", "declined")]
    response, _ = ask(db, officers, postback(OFFICER, f"case|referral|{case.id}|2|accepted"))
    assert response.messages[0]["text"].startswith(said("referral_done", reference=case.reference, referral=""))
    assert said("referral_state.accepted") in response.messages[0]["text"]
    response, _ = ask(db, officers, text_event(OFFICER, f"referral {case.reference} 3 done"))
    assert response.messages[0]["text"] == said("unknown_choice", value="3")
    response, _ = ask(db, officers, text_event(OFFICER, f"referral {case.reference} 1 finished"))
    assert response.messages[0]["text"] == said("unknown_choice", value="finished")
    ask(db, officers, text_event(OFFICER, f"referral {case.reference} ๑ done"))                 # a Thai digit
    with db.sessions() as session:
        states = [(r.service, r.state) for r in sorted(session.scalars(select(CaseReferral)), key=lambda r: r.id)]
        assert states == [("police", "done"), ("ngo", "accepted")]
        assert session.get(Case, case.id).status == "referred"               # the case's state stays
        updates = [e.detail for e in trail(session, case.id) if e.kind == "referral_updated"]
        assert [(u["referral_from"], u["referral_to"]) for u in updates] == [("sent", "accepted"), ("sent", "done")]


def test_case_details_offer_in_progress_and_referral_status_where_the_state_allows(desk):
    db, casework, officers = desk
    case = _taken_case(db, casework, officers)
    response, _ = ask(db, officers, text_event(OFFICER, f"case {case.reference}"))
    assert _quick(response) == [f"case|{a}|{case.id}" for a in ("take", "close", "refer", "move", "msg", "start")]
    ask(db, officers, text_event(OFFICER, f"refer {case.reference} police -"))
    response, _ = ask(db, officers, text_event(OFFICER, f"case {case.reference}"))
    assert _quick(response) == [f"case|{a}|{case.id}" for a in ("take", "close", "refer", "move", "msg", "start",
                                                                 "referral")]


@pytest.mark.parametrize("how", ["typed en", "typed th", "tapped"])
def test_a_closed_case_offers_reopen_and_reopens_to_whoever_had_it(desk, how):
    db, casework, officers = desk
    case = _taken_case(db, casework, officers)
    ask(db, officers, text_event(OFFICER, f"close {case.reference} not_a_case"))
    response, _ = ask(db, officers, text_event(OFFICER, f"case {case.reference}"))
    assert _quick(response) == [f"case|reopen|{case.id}"]
    event = {"typed en": text_event(OFFICER, f"reopen {case.reference}"),
             "typed th": text_event(OFFICER, f"เปิดใหม่ {case.reference}"),
             "tapped": postback(OFFICER, f"case|reopen|{case.id}")}[how]
    response, rows = ask(db, officers, event)
    assert response.messages[0]["text"] == said("reopen_done", reference=case.reference)
    assert f"case|start|{case.id}" in _quick(response)
    with db.sessions() as session:
        reopened = session.get(Case, case.id)
        assert (reopened.status, reopened.assigned_to, reopened.outcome) == ("taken", "CRI-5709-1", None)
    response, _ = ask(db, officers, event)                                   # open now: not again
    assert response.messages[0]["text"].startswith(said("not_allowed", reference=case.reference, status=""))
