"""Issue 13, the reporter's side: consent per channel written at submit, `reporter.notify`
(neutral notes only with a live LINE consent, at a safe time, never blocked or mid-report),
and an officer's `msg REF` (prepared messages in the reporter's language, free text marked,
refused without consent), on a real database. The person's own "stop" and `status REF` go
through the real responder in tests/test_reporter_contact_chat.py."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from bot.alerts import AlertComposer
from bot.conversation import FlowResponder
from bot.delivery import Delivery
from bot.officer_messages import OfficerMessages, ReporterVoice, consent_line
from bot.officers import OfficerDesk
from bot.render import Renderer
from cases import consent as rules
from cases.casework import Casework
from cases.reporter_notes import ReporterNotes
from flows import language
from flows.engine import Engine
from flows.loader import load_flows
from locales.catalogs import catalogs
from storage import consents, crypto, erasure
from storage.case_store import CaseStore
from storage.cases import Case, trail
from storage.consents import ConsentStore
from storage.db import Database
from storage.directory_file import load_directory, read_directory_file
from storage.models import CaseEvent, Conversation, Officer, OutboxMessage
from storage.timeutil import as_utc
from tests.support.committees import EXAMPLE
from tests.support.fake_line import FakeLine
from tests.support.recording_queue import RecordingQueue

pytestmark = pytest.mark.integration

TUESDAY_10_BANGKOK = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
TUESDAY_17_BANGKOK = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TEXTS = catalogs()
LINE_YES = {"contact_ok": "yes", "contact_how": "line", "contact_when": "anytime"}
# What must never reach a reporter's phone (DOCS: reporter safety).
NEVER = ("traffick", "police", "ตำรวจ", "ค้ามนุษย์", "လူကုန်ကူး")


def line_id(officer_id: str) -> str:
    return "U" + officer_id.replace("-", "").lower().ljust(32, "0")[:32]


@pytest.fixture
def world(database_url):
    crypto.configure(crypto.KeyRing([Fernet.generate_key().decode()]))
    db = Database(database_url)
    with db.transaction() as session:
        load_directory(session, read_directory_file(EXAMPLE))
        for officer in session.scalars(select(Officer)):
            officer.line_user_id = line_id(officer.id)
    now = {"at": TUESDAY_10_BANGKOK}
    alerts = AlertComposer(catalogs(), lambda case: [])
    casework = Casework(alerts, CaseStore(), clock=lambda: now["at"])
    renderer = Renderer(TEXTS, language.to_zawgyi)
    voice = ReporterVoice(renderer)
    voice.answering_report = FlowResponder(Engine(load_flows()), TEXTS, renderer, None).answering_report
    notes = ReporterNotes(ConsentStore(), voice, clock=lambda: now["at"])
    desk = OfficerDesk(casework, alerts, messages=OfficerMessages(notes, alerts))
    yield SimpleNamespace(db=db, casework=casework, notes=notes, desk=desk, now=now)
    db.dispose()


def report(world, chat_key="Ureporter1", lang="my", state=None, **answers) -> Case:
    """A case of `chat_key` as bot/conversation files it: the case, then its consents."""
    with world.db.transaction() as session:
        session.add(Conversation(chat_key=chat_key, user_id=chat_key, language=lang, zawgyi=False,
                                 state=state or {"at": "report.submitted", "data": {"case_ref": "the one"}}))
        answers = {"province": "57", "district": "5709", "wages_withheld": "yes", **answers}
        case, _ = world.casework.submit(session, chat_key=chat_key, user_id=chat_key, language=lang, kind="self",
                                        answers=answers)
        consents.record_from_answers(session, case, answers)
        session.flush()
        session.expunge(case)
        return case


def notify(world, case, what="taken") -> list[OutboxMessage]:
    with world.db.transaction() as session:
        rows = world.notes.notify(session, session.get(Case, case.id), what)
        session.flush()
        for row in rows:
            session.expunge(row)
        return rows


def events(world, case, kind: str) -> list[CaseEvent]:
    with world.db.sessions() as session:
        return [e for e in trail(session, case.id) if e.kind == kind]


def text_of(rows) -> str:
    return "\n".join(m["text"] for row in rows for m in row.messages)


# -- the consent record ----------------------------------------------------------------------------
def test_submit_records_a_consent_per_channel(world):
    case = report(world, **LINE_YES)
    other = report(world, chat_key="Ureporter2", contact_ok="no")
    with world.db.sessions() as session:
        assert {(c.channel, c.granted, c.safe_time) for c in consents.of_case(session, case.id)} == {
            ("line", True, "anytime"), ("phone", False, None)}
        assert {(c.channel, c.granted) for c in consents.of_case(session, other.id)} == {
            ("line", False), ("phone", False)}
        shown = consent_line(world.desk.alerts.text, rules.summary(consents.of_case(session, case.id)))
    assert shown == TEXTS.text("th", "officer.consent.row",
                               line=TEXTS.text("th", "officer.consent.granted") + " ("
                               + TEXTS.text("th", "officer.value.contact_when.anytime") + ")",
                               phone=TEXTS.text("th", "officer.consent.refused"))


# -- reporter.notify ---------------------------------------------------------------------------------
@pytest.mark.parametrize("what, message_id", [("taken", "intake.reporter.taken"),
                                              ("closed", "intake.reporter.closed")])
def test_with_line_consent_a_neutral_note_in_their_language(world, what, message_id):
    case = report(world, **LINE_YES)
    [row] = notify(world, case, what)
    assert row.push_to == "Ureporter1" and row.push_allowed and row.next_attempt_at is None
    assert text_of([row]) == TEXTS.text("my", message_id, ref=case.reference)
    assert not any(word in text_of([row]).casefold() for word in NEVER)
    [event] = events(world, case, "reporter_note")
    assert event.detail["message"] == f"note.{what}"


def test_no_note_without_consent(world):
    case = report(world, contact_ok="no")
    assert notify(world, case) == []
    assert [e.detail["why"] for e in events(world, case, "reporter_note_held")] == [rules.NO_CONSENT]
    phone_only = report(world, chat_key="Ureporter2", contact_ok="yes", contact_how="phone",
                        contact_phone="0812345678", contact_when="anytime")
    assert notify(world, phone_only) == []


def test_no_note_after_stop(world):
    case = report(world, **LINE_YES)
    with world.db.transaction() as session:
        assert consents.revoke_chat(session, "Ureporter1") == 2
    assert notify(world, case) == []
    assert [e.detail["why"] for e in events(world, case, "reporter_note_held")] == [rules.REVOKED]


def test_outside_the_safe_time_the_note_waits_until_it(world):
    case = report(world, contact_ok="yes", contact_how="line", contact_when="evening")
    [row] = notify(world, case)
    assert as_utc(row.next_attempt_at) == TUESDAY_17_BANGKOK   # due then: nothing sends it before
    world.now["at"] = TUESDAY_17_BANGKOK
    [row] = notify(world, case, "closed")
    assert row.next_attempt_at is None


def test_only_when_i_write_first_is_never_pushed(world):
    case = report(world, contact_ok="yes", contact_how="line", contact_when="only_i_write_first")
    assert notify(world, case) == []
    assert [e.detail["why"] for e in events(world, case, "reporter_note_held")] == [rules.WAITS_FOR_THEM]


def test_never_to_a_chat_that_blocked_the_bot_nor_inside_a_report(world):
    blocked = report(world, **LINE_YES)
    with world.db.transaction() as session:
        session.get(Conversation, "Ureporter1").blocked_at = TUESDAY_10_BANGKOK
    assert notify(world, blocked) == []
    busy = report(world, chat_key="Ureporter2", state={"at": "report.sector", "data": {"in_danger": "no"}},
                  **LINE_YES)
    assert notify(world, busy) == []
    assert [e.detail["why"] for e in events(world, busy, "reporter_note_held")] == [rules.IN_REPORT]


def test_other_moments_send_nothing(world):
    case = report(world, **LINE_YES)
    assert notify(world, case, "referred") == []


# -- msg REF ------------------------------------------------------------------------------------------
def officer_says(world, text, officer="CRI-5709-1", group=None):
    source = {"type": "group", "groupId": group} if group else {"type": "user"}
    source["userId"] = line_id(officer)
    event = {"type": "message", "message": {"type": "text", "id": "1", "text": text}, "source": source}
    with world.db.transaction() as session:
        response = world.desk.respond(event, session)
        session.flush()
        rows = [(row.push_to, row.messages) for row in response.also]
        return response.messages, rows


def said(key, **params) -> str:
    return TEXTS.text("th", f"officer.{key}", **params)


def test_msg_offers_the_prepared_messages(world):
    case = report(world, **LINE_YES)
    [menu], rows = officer_says(world, f"msg {case.reference}")
    assert rows == [] and menu["text"] == said("msg.menu", reference=case.reference)
    assert [item["action"]["text"] for item in menu["quickReply"]["items"]] == [
        f"msg {case.reference} {word}" for word in ("received", "safe", "when")]
    assert all(len(item["action"]["label"]) <= 20 for item in menu["quickReply"]["items"])


def test_msg_with_consent_reaches_the_reporter_in_their_language(world):
    case = report(world, **LINE_YES)
    [answer], [(to, messages)] = officer_says(world, f"msg {case.reference.lower()} safe")
    assert answer["text"] == said("msg.sent", reference=case.reference)
    assert to == "Ureporter1" and messages[0]["text"] == TEXTS.text("my", "intake.msg.safe", ref=case.reference)
    _, [(_, messages)] = officer_says(world, f"msg {case.reference} call 02 123 4567")
    assert messages[0]["text"] == TEXTS.text("my", "intake.msg.call_us", ref=case.reference, number="02 123 4567")
    [event, _] = events(world, case, "reporter_message")
    assert (event.actor, event.detail["message"]) == ("CRI-5709-1", "msg.safe")


def test_msg_free_text_is_marked_and_the_officer_warned(world):
    case = report(world, **LINE_YES)
    [answer], [(_, messages)] = officer_says(world, f"msg {case.reference} พรุ่งนี้ 10 โมง ที่อำเภอ")
    assert messages[0]["text"] == TEXTS.text("my", "intake.msg.free", ref=case.reference,
                                             text="พรุ่งนี้ 10 โมง ที่อำเภอ")
    assert said("msg.free_warning") in answer["text"]
    [event] = events(world, case, "reporter_message")
    assert event.detail["text"] == "พรุ่งนี้ 10 โมง ที่อำเภอ"
    with world.db.sessions() as session:   # encrypted at rest
        raw = session.execute(text("SELECT detail FROM case_events WHERE id = :id"), {"id": event.id}).scalar()
    assert "พรุ่งนี้" not in str(raw) and "0e1e" not in str(raw).lower()


@pytest.mark.parametrize("answers, why", [({"contact_ok": "no"}, "no_consent"),
                                          ({**LINE_YES, "contact_when": "only_i_write_first"}, "waits_for_them")])
def test_msg_without_consent_is_not_sent_and_the_officer_told_why(world, answers, why):
    case = report(world, **answers)
    [answer], rows = officer_says(world, f"msg {case.reference} received")
    assert rows == [] and answer["text"] == said(f"msg.not_sent.{why}", reference=case.reference)
    [event] = events(world, case, "reporter_message_held")
    assert event.detail["why"] == why


def test_msg_after_stop_is_not_sent(world):
    case = report(world, **LINE_YES)
    with world.db.transaction() as session:
        consents.revoke_chat(session, "Ureporter1")
    [answer], rows = officer_says(world, f"msg {case.reference} safe")
    assert rows == [] and answer["text"] == said("msg.not_sent.revoked", reference=case.reference)


def test_msg_at_an_unsafe_time_waits_and_the_officer_is_told_when(world):
    case = report(world, contact_ok="yes", contact_how="line", contact_when="evening")
    [answer], [(to, _)] = officer_says(world, f"msg {case.reference} safe")
    assert answer["text"] == said("msg.queued", reference=case.reference, time="24/11 17:00")
    with world.db.sessions() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.push_to == "Ureporter1")).one()
        assert as_utc(row.next_attempt_at) == TUESDAY_17_BANGKOK


def test_msg_is_for_the_cases_officers_only_and_never_in_a_group(world):
    case = report(world, **LINE_YES)
    [answer], rows = officer_says(world, f"msg {case.reference} safe", officer="CRI-5708-1")
    assert rows == [] and answer["text"] == said("not_found")
    [answer], rows = officer_says(world, f"msg {case.reference} safe", group="Cgroup1")
    assert rows == [] and answer["text"] == said("private_only")
    [answer], _ = officer_says(world, "msg ZZZ-999 safe")
    assert answer["text"] == said("not_found")


def test_delete_my_data_withdraws_the_consent_and_drops_queued_notes(world):
    case = report(world, contact_ok="yes", contact_how="line", contact_when="evening")
    [queued] = notify(world, case)          # waits for the evening
    with world.db.transaction() as session:
        erasure.forget_person(session, session.get(Conversation, "Ureporter1"))
    with world.db.sessions() as session:
        assert session.get(OutboxMessage, queued.id).status == "undeliverable"
        [line] = [c for c in consents.of_case(session, case.id) if c.channel == "line"]
        assert (line.chat_key, line.granted, line.revoked_at is not None) == (erasure.ERASED, False, True)
    world.now["at"] = TUESDAY_17_BANGKOK
    assert notify(world, case, "closed") == []
    [answer], rows = officer_says(world, f"msg {case.reference} safe")
    assert rows == [] and answer["text"] == said("msg.not_sent.no_consent", reference=case.reference)


# -- joined up: replies to the taking officer, consent in the details, asked again when sent --------
def relay_to(world, words="ok") -> list[str]:
    """Where the reporter's answer goes (the officers' chats it is pushed to)."""
    with world.db.transaction() as session:
        rows = world.desk.messages.relay(session, session.get(Conversation, "Ureporter1"), words)
        session.flush()
        return [row.push_to for row in rows]


def test_the_reporters_answers_go_to_the_officer_who_took_the_case(world):
    case = report(world, **LINE_YES)
    officer_says(world, f"msg {case.reference} safe", officer="CRI-57-1")     # the province writes first
    assert relay_to(world) == [line_id("CRI-57-1")]                           # nobody took it: who wrote
    officer_says(world, f"take {case.reference}", officer="CRI-5709-2")
    assert relay_to(world) == [line_id("CRI-5709-2")]                         # the taking officer's chat
    officer_says(world, f"msg {case.reference} received", officer="CRI-57-1")
    assert relay_to(world, "thanks") == [line_id("CRI-5709-2")]               # still theirs
    assert [e.detail["text"] for e in events(world, case, "reporter_reply")] == ["ok", "ok", "thanks"]


def details_text(messages) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def test_case_details_show_the_consent_in_the_officers_own_chat_only(world):
    case = report(world, contact_ok="yes", contact_how="line", contact_when="evening")
    granted = consent_line(world.desk.alerts.text, {"line": "granted:evening", "phone": "refused"})
    messages, _ = officer_says(world, f"case {case.reference}")
    assert granted in details_text(messages)
    with world.db.transaction() as session:
        consents.revoke_chat(session, "Ureporter1")
    messages, _ = officer_says(world, f"case {case.reference}")
    assert consent_line(world.desk.alerts.text, {"line": "revoked", "phone": "revoked"}) in details_text(messages)
    [answer], rows = officer_says(world, f"case {case.reference}", group="Cgroup1")
    assert rows == [] and answer["text"] == said("private_only")
    with world.db.sessions() as session:
        card = json.dumps(world.desk.alerts.alert(session.get(Case, case.id)), ensure_ascii=False)
    assert said("consent.row", line=said("consent.revoked"), phone=said("consent.revoked")) not in card
    assert said("consent.revoked") not in card and said("consent.granted") not in card


def test_a_case_without_consent_rows_shows_no_consent_line(world):
    case = report(world, **LINE_YES)
    with world.db.transaction() as session:
        for row in consents.of_case(session, case.id):
            session.delete(row)
    messages, _ = officer_says(world, f"case {case.reference}")
    prefix = said("consent.row", line="\x00", phone="\x00").split("\x00")[0]
    assert prefix and prefix not in details_text(messages)


def deliver(world, row_id, check="wired"):
    line, queue = FakeLine(), RecordingQueue()
    delivery = Delivery(world.db, line, queue, clock=lambda: world.now["at"],
                        reporter_check=world.notes.at_send if check == "wired" else None)
    return delivery.deliver(row_id), line, queue


def queued_note(world, **answers):
    case = report(world, contact_ok="yes", contact_how="line", contact_when="evening", **answers)
    [row] = notify(world, case)                        # 10:00: waits for 17:00
    assert row.reporter_case_id == case.id
    return case, row


def outbox_row(world, row_id) -> OutboxMessage:
    with world.db.sessions() as session:
        row = session.get(OutboxMessage, row_id)
        session.expunge(row)
        return row


def test_a_queued_note_goes_at_the_safe_time_when_nothing_changed(world):
    case, row = queued_note(world)
    assert deliver(world, row.id)[0] == "skipped"      # not due before 17:00
    world.now["at"] = TUESDAY_17_BANGKOK
    outcome, line, _ = deliver(world, row.id)
    assert outcome == "sent" and [(s[0], s[1]) for s in line.sent] == [("push", "Ureporter1")]
    assert events(world, case, "reporter_push_dropped") == []


@pytest.mark.parametrize("change, why", [("stop", rules.REVOKED), ("blocked", rules.BLOCKED),
                                         ("in_report", rules.IN_REPORT), ("erased", rules.NO_CONSENT)])
def test_a_queued_note_is_asked_again_when_it_is_sent(world, change, why):
    case, row = queued_note(world)
    with world.db.transaction() as session:
        conversation = session.get(Conversation, "Ureporter1")
        if change == "stop":
            consents.revoke_chat(session, "Ureporter1")
        elif change == "blocked":
            conversation.blocked_at = TUESDAY_10_BANGKOK
        elif change == "in_report":
            conversation.state = {"at": "report.sector", "data": {"in_danger": "no"}}
        else:   # their consent gone without the row being dropped (the row is asked again anyway)
            for consent in consents.of_case(session, case.id):
                consent.granted = False
    world.now["at"] = TUESDAY_17_BANGKOK
    outcome, line, queue = deliver(world, row.id)
    assert (outcome, line.sent, queue.delivers) == ("undeliverable", [], [])
    dropped = outbox_row(world, row.id)
    assert (dropped.status, dropped.messages) == ("undeliverable", [])
    assert why in dropped.last_error
    [event] = events(world, case, "reporter_push_dropped")
    assert (event.actor, event.detail["why"], event.detail["outbox_id"]) == ("system", why, row.id)


def test_a_note_found_before_the_safe_time_waits_again(world):
    case, row = queued_note(world)
    with world.db.transaction() as session:
        session.get(OutboxMessage, row.id).next_attempt_at = None     # e.g. a hand-made retry
    outcome, line, queue = deliver(world, row.id)
    assert (outcome, line.sent) == ("waiting", [])
    waiting = outbox_row(world, row.id)
    assert (waiting.status, as_utc(waiting.next_attempt_at), waiting.last_error) == (
        "pending", TUESDAY_17_BANGKOK, None)
    assert queue.delivers == [(row.id, (TUESDAY_17_BANGKOK - TUESDAY_10_BANGKOK).total_seconds())]


def test_without_the_check_wired_a_push_to_a_reporter_never_goes(world):
    _, row = queued_note(world)
    world.now["at"] = TUESDAY_17_BANGKOK
    outcome, line, _ = deliver(world, row.id, check=None)
    assert (outcome, line.sent) == ("undeliverable", [])


def test_officers_pushes_are_not_asked(world):
    case = report(world, **LINE_YES)
    officer_says(world, f"msg {case.reference} safe")
    with world.db.transaction() as session:
        consents.revoke_chat(session, "Ureporter1")   # stops pushes to them, not their answers to officers
        row = world.notes.store.push_later(session, line_id("CRI-5709-1"), [{"type": "text", "text": "x"}], None)
        session.flush()
        row_id = row.id
    outcome, line, _ = deliver(world, row_id, check=None)
    assert outcome == "sent" and line.sent[0][1] == line_id("CRI-5709-1")


def officer_taps(world, data, officer="CRI-5709-1", group=None):
    source = {"type": "group", "groupId": group} if group else {"type": "user"}
    source["userId"] = line_id(officer)
    event = {"type": "postback", "postback": {"data": data}, "source": source}
    with world.db.transaction() as session:
        return world.desk.respond(event, session).messages


def test_the_message_button_offers_the_prepared_messages_in_a_private_chat_only(world):
    case = report(world, **LINE_YES)
    [menu] = officer_taps(world, f"case|msg|{case.id}")
    assert menu["text"] == said("msg.menu", reference=case.reference)
    assert [item["action"]["text"] for item in menu["quickReply"]["items"]] == [
        f"msg {case.reference} {word}" for word in ("received", "safe", "when")]
    [answer] = officer_taps(world, f"case|msg|{case.id}", group="Cgroup1")
    assert answer["text"] == said("private_only")
    [answer] = officer_taps(world, f"case|msg|{case.id}", officer="CRI-5708-1")
    assert answer["text"] == said("not_found")


def test_a_committee_the_case_was_moved_away_from_reads_but_does_not_message(world):
    case = report(world, **LINE_YES)
    with world.db.transaction() as session:
        first = session.get(Officer, "CRI-5709-1")
        world.casework.move(session, session.get(Case, case.id), first, "CRI-5708", "wrong district")
    [answer], rows = officer_says(world, f"msg {case.reference} safe")
    assert rows == [] and answer["text"] == said("read_only", reference=case.reference)
    [answer] = officer_taps(world, f"case|msg|{case.id}")
    assert answer["text"] == said("read_only", reference=case.reference)
    [answer], rows = officer_says(world, f"msg {case.reference} safe", officer="CRI-5708-1")
    assert len(rows) == 1 and answer["text"] != said("read_only", reference=case.reference)
