""""Delete my data": after a confirmation, nothing in the database holds the person's words,
phone or LINE user id, in plain or decryptable form, except the report the answer says the
committee keeps (without the contact). Driven through the webhook, the processor, the real
flows and the delivery, with a scripted LINE."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, text

from flows.engine import choice_data
from flows.loader import load_flows
from storage import case_photos, erasure
from storage.cases import Case, CaseEvent
from storage.models import Base, CasePhoto, Conversation, InboxEvent
from tests.support.committees import load_example
from tests.support.events import text_event
from tests.support.images import png_bytes
from tests.support.reporter import Reporter
from tests.support.webhook import post_events, user_id
from worker.photos import PhotoFetcher
from worker.queue import FETCH_CASE_PHOTOS

pytestmark = pytest.mark.integration

FLOWS = load_flows()
PHONE = "0817771234"
WORDS = "boss keeps passport QXZWORDS"
ADDRESS = "QXZSTREET 12 Moo 3"


class InProcess:
    """A person and an officer talking to the app in this process (webhook → processor → FakeLine)."""

    def __init__(self, app, line):
        self.app, self.line = app, line
        self.hotline = app.extensions["hotline"]
        self.client = app.test_client()

    def send(self, user: str, event: dict) -> None:
        event = {"mode": "active", "timestamp": _now_ms(), "source": {"type": "user", "userId": user},
                 "webhookEventId": uuid.uuid4().hex[:26].upper(), "deliveryContext": {"isRedelivery": False},
                 "replyToken": uuid.uuid4().hex, **event}
        assert post_events(self.client, [event]).status_code == 200
        self.hotline.processor.process_chat(user)

    def tap(self, user: str, data: str) -> None:
        self.send(user, {"type": "postback", "postback": {"data": data}})

    def say(self, user: str, words: str) -> None:
        post_events(self.client, [text_event(user, words)])
        self.hotline.processor.process_chat(user)

    def texts_to(self, token_count: int = 1) -> list[str]:
        return [m.get("text", "") for sent in self.line.sent[-token_count:] for m in sent[2]
                if isinstance(m, dict)]


def _now_ms() -> int:
    import time
    return int(time.time() * 1000)


@pytest.fixture
def world(app, line):
    return InProcess(app, line)


class InProcessReporter(Reporter):
    """tests.support.reporter's answering logic, reading the step from this app's database."""

    def __init__(self, world, user: str):
        self.stack, self.user, self.flows = world, user, FLOWS

    def at(self) -> str:
        with self.stack.hotline.db.sessions() as session:
            conversation = session.get(Conversation, self.user)
            return (conversation.state or {}).get("at", "") if conversation else ""


def _start(world, person: str, language: str) -> None:
    """A person whose LINE is set to `language` adds the bot: the main menu, in it."""
    world.line.profiles[person] = {"language": language}
    world.send(person, {"type": "follow"})


def _report(world, person: str) -> Case:
    """A report with words, an address, photos and a phone, filled in as a person would."""
    _start(world, person, "en")
    world.tap(person, choice_data("main.menu", 2))                  # report about myself
    reporter = InProcessReporter(world, person)
    answers = {"in_danger": "no", "location": (20.4335, 99.8762), "sector": "fishing", "free_to_leave": "no",
               "documents_kept": "yes", "description": WORDS, "contact_ok": "yes", "contact_how": "phone",
               "contact_phone": PHONE, "contact_when": "anytime"}
    for _ in range(60):
        action = reporter.next_action(answers)
        if action is None:
            break
        kind, value = action
        if kind == "tap":
            world.tap(person, value)
        elif kind == "text":
            world.say(person, value)
        else:
            world.send(person, {"type": "message", "message": {
                "id": "1", "type": "location", "latitude": value[0], "longitude": value[1], "address": ADDRESS}})
        if reporter.at() == "report.photos":
            world.send(person, {"type": "message", "message": {"id": "PHOTO777", "type": "image"}})
    assert reporter.at().endswith(".confirm"), reporter.at()
    world.tap(person, choice_data(reporter.at(), 0))               # Send
    with world.hotline.db.sessions() as session:
        case = session.scalars(select(Case).where(Case.chat_key == person)).one()
    assert case.answers.get("contact_phone") == PHONE and WORDS in case.answers.get("description", "")
    return case


def _every_value(db) -> list[tuple[str, str, str]]:
    """(table, column, value as text) of every row of every table, encrypted columns decrypted."""
    found = []
    with db.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is not None:
                        found.append((table.name, column, str(value)))
    return found


def _raw_dump(db) -> str:
    """Every row of every table as stored (encrypted columns as their tokens), for a plain-text search."""
    with db.engine.connect() as connection:
        return "\n".join(str(row) for table in Base.metadata.sorted_tables
                         for row in connection.exec_driver_sql(f"SELECT * FROM {table.name}"))


def test_delete_my_data_leaves_nothing_of_the_person_but_the_report_the_committee_keeps(world):
    officer = user_id()
    load_example(world.hotline.db, {"CRI-5709-1": officer})
    person = user_id()
    case = _report(world, person)
    world.tap(officer, f"case|info|{case.id}")                      # the officer saw the contact
    before_erasure = _every_value(world.hotline.db)
    assert {table for table, _, value in before_erasure if PHONE in value} >= {"cases", "outbox_messages"}
    assert {table for table, _, value in before_erasure if person in value} >= {
        "inbox_events", "conversations", "outbox_messages", "cases"}

    before = len(world.line.sent)
    world.say(person, "delete my data")
    asked = str(world.line.sent[-1])
    assert "cannot be undone" in asked and "Yes, delete" in asked
    world.tap(person, choice_data("main.delete_confirm", 0))       # yes
    answer = " ".join(m["text"] for m in world.line.sent[-1][2] if m.get("type") == "text")
    assert world.line.sent[-1][0] == "reply" and len(world.line.sent) == before + 2
    assert "We deleted your messages" in answer and "keep it, so they can act on it" in answer
    assert "trafficking" not in answer.lower()

    values = _every_value(world.hotline.db)
    assert not [v for v in values if person in v[2]], "the LINE user id is still stored"
    assert not [v for v in values if PHONE in v[2]], "the phone number is still stored"
    assert not [v for v in values if "PHOTO777" in v[2]], "a photo id is still stored"
    kept = {(table, column) for table, column, value in values if "QXZ" in value}
    assert kept == {("cases", "answers")}             # the report, as the answer says
    raw = _raw_dump(world.hotline.db)
    # nothing in plain text (whole markers: three letters alone turn up inside a base64 token by chance)
    assert person not in raw and PHONE not in raw and not any(m in raw for m in ("QXZWORDS", "QXZSTREET"))

    with world.hotline.db.sessions() as session:
        kept_case = session.get(Case, case.id)
        assert WORDS in kept_case.answers["description"] and not kept_case.contact_allowed
        assert kept_case.urgency == case.urgency and kept_case.committee_id == case.committee_id
        assert "contact_erased" in [e.kind for e in session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id))]
        assert session.get(Conversation, person) is None


def test_a_reports_photo_is_fetched_after_commit_stored_encrypted_and_erased_with_the_contact(world):
    load_example(world.hotline.db)
    world.line.contents["PHOTO777"] = png_bytes()
    person = user_id()
    case = _report(world, person)
    queued = [job.args for job in world.hotline.queue.queue.jobs if job.func_name == FETCH_CASE_PHOTOS]
    assert queued == [(case.id, 1)]                     # queued once the case was committed
    fetcher = PhotoFetcher(world.hotline.db, world.line, world.hotline.queue)
    assert fetcher.fetch(case.id) == 1
    assert fetcher.fetch(case.id) == 0 and world.line.content_calls == ["PHOTO777"]   # never twice
    with world.hotline.db.sessions() as session:
        assert [(p, t) for _, p, t in case_photos.photos_of(session, case.id)] == [(0, "image/png")]
        assert session.get(Case, case.id).photos_pending_since is None
    with world.hotline.db.engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT data FROM case_photos").scalar_one()
    assert png_bytes() not in raw.encode() and b"PNG" not in raw.encode()   # the column holds a token

    world.say(person, "delete my data")
    world.tap(person, choice_data("main.delete_confirm", 0))
    with world.hotline.db.sessions() as session:
        assert case_photos.photos_of(session, case.id) == []
        assert session.scalar(select(func.count(CasePhoto.id))) == 0


def test_a_redelivered_event_stays_a_no_op_after_erasure(world):
    person = user_id()
    _start(world, person, "en")
    first = text_event(person, "hello QXZWORDS")
    post_events(world.client, [first])
    world.hotline.processor.process_chat(person)
    world.say(person, "delete my data")
    world.tap(person, choice_data("main.delete_confirm", 0))
    sent = len(world.line.sent)
    post_events(world.client, [{**first, "deliveryContext": {"isRedelivery": True}}])
    world.hotline.processor.process_chat(person)
    assert len(world.line.sent) == sent                      # not answered twice
    with world.hotline.db.sessions() as session:
        rows = session.scalars(select(InboxEvent).where(InboxEvent.webhook_event_id == first["webhookEventId"]))
        row = rows.one()
        assert row.chat_key == erasure.ERASED and row.payload == {}


def test_no_keeps_everything_and_ordinary_talk_does_not_ask(world):
    person = user_id()
    _start(world, person, "th")
    reporter = InProcessReporter(world, person)
    world.say(person, "ฉันอยากลบข้อมูลที่ทำงานเก่า")                   # ordinary talk mentioning deleting data
    assert reporter.at() != "main.delete_confirm"
    world.say(person, "ลบข้อมูลของฉัน")                               # "delete my data", in Thai
    assert reporter.at() == "main.delete_confirm"
    world.tap(person, choice_data("main.delete_confirm", 1))         # no
    with world.hotline.db.sessions() as session:
        conversation = session.get(Conversation, person)
        assert conversation.language == "th" and conversation.state["at"] == "main.menu"
        assert session.execute(text("SELECT count(*) FROM inbox_events WHERE chat_key = :c"),
                               {"c": person}).scalar() == 4   # follow, two texts, "no": all kept


@pytest.mark.parametrize("language,words", [
    ("en", "Delete my data"), ("th", "ลบข้อมูล"), ("my", "ဒေတာ ဖျက်ပါ"), ("km", "លុបទិន្នន័យរបស់ខ្ញុំ"),
    ("lo", "ລຶບຂໍ້ມູນຂອງຂ້ອຍ")])
def test_the_words_ask_in_each_language(world, language, words):
    person = user_id()
    _start(world, person, language)
    world.say(person, words)
    assert InProcessReporter(world, person).at() == "main.delete_confirm"
    world.tap(person, choice_data("main.delete_confirm", 0))
    with world.hotline.db.sessions() as session:
        assert session.get(Conversation, person) is None



def test_the_privacy_screen_offers_it(world):
    person = user_id()
    _start(world, person, "km")
    privacy = [c["label"] for c in FLOWS.step("main.menu").choices].index("main.menu.privacy")
    world.tap(person, choice_data("main.menu", privacy))
    offered = [c["label"] for c in FLOWS.step("main.privacy").choices]
    assert "លុបទិន្នន័យខ្ញុំ" in str(world.line.sent[-1])             # the button, in Khmer
    world.tap(person, choice_data("main.privacy", offered.index("main.menu.delete")))
    assert InProcessReporter(world, person).at() == "main.delete_confirm"
    assert "លុប" in str(world.line.sent[-1])                       # asked in Khmer
