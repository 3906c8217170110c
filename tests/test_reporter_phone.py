"""Someone else may hold a reporter's phone: what the bot answers a reporter, through the
webhook, the real responder and the processor (LINE faked). After Send nothing readable
stays; a Send or a cancel that did not happen is never answered as if it had; cancelling
asks first; nothing is ever pushed inside a report; long descriptions are kept whole."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from locales.catalogs import catalogs
from storage import conversations
from storage.cases import Case
from storage.models import OutboxMessage
from tests.support.committees import load_example
from tests.support.events import text_event
from tests.support.fake_line import FakeLine
from tests.support.webhook import post_events, user_id

pytestmark = pytest.mark.integration

CATALOGS = catalogs()
# A finished self-report, as the engine saves it; the words and the phone must never be shown back.
WORDS = "The boss keeps my passport at 12 Moo 3"
PHONE = "081 234 5678"
ANSWERS = {"in_danger": "no", "province": "57", "district": "5709", "sector": "fishing", "free_to_leave": "no",
           "documents_kept": "yes", "description": WORDS, "contact_ok": "yes", "contact_how": "phone",
           "contact_phone": PHONE, "contact_when": "evening"}


class Phone:
    """One reporter's chat with the bot, in Thai."""

    def __init__(self, app, line: FakeLine, language: str = "th"):
        self.app, self.line, self.hotline = app, line, app.extensions["hotline"]
        self.user = user_id()
        self.language = language
        self.clock = int(time.time() * 1000)

    def be_at(self, step: str, data: dict | None = None) -> None:
        with self.hotline.db.transaction() as session:
            conversation = conversations.load(session, self.user, self.user)
            conversation.language = self.language
            conversation.state = {"at": step, "data": dict(data or {}), "seen": time.time()}

    def _send(self, event: dict) -> list[str]:
        before = len(self.line.sent)
        post_events(self.app.test_client(), [event])
        self.hotline.processor.process_chat(self.user)
        return [m.get("text", "") for sent in self.line.sent[before:] if sent[1] != "Uofficer"
                for m in sent[2]]

    def event(self, **fields) -> dict:
        self.clock += 1000
        event = text_event(self.user, "", timestamp=self.clock)
        event.pop("message")
        return {**event, **fields}

    def say(self, text: str) -> list[str]:
        self.clock += 1000
        return self._send(text_event(self.user, text, timestamp=self.clock))

    def tap(self, data: str) -> list[str]:
        return self._send(self.event(type="postback", postback={"data": data}))

    def at(self) -> str:
        with self.hotline.db.sessions() as session:
            return conversations.load(session, self.user, self.user).state.get("at")

    def cases(self) -> list[Case]:
        with self.hotline.db.sessions() as session:
            return list(session.scalars(select(Case).where(Case.chat_key == self.user)))

    def text(self, message_id: str, **params) -> str:
        return CATALOGS.text(self.language, message_id, **params)


@pytest.fixture
def world(app, line):
    load_example(app.extensions["hotline"].db)
    return app, line


def test_after_send_the_chat_keeps_no_answer_and_a_neutral_code(world):
    phone = Phone(*world)
    phone.be_at("report.contact_when", {k: v for k, v in ANSWERS.items() if k != "contact_when"})
    confirm = " ".join(phone.tap("c|report.contact_when|2"))  # evening
    assert phone.at() == "report.confirm"
    assert confirm == phone.text("intake.confirm", count=len(ANSWERS))
    sent = " ".join(phone.tap("c|report.confirm|0"))
    [case] = phone.cases()
    assert case.answers["description"] == WORDS and case.answers["contact_phone"] == PHONE
    assert phone.text("intake.submitted", ref=case.reference) in sent
    for shown in (confirm, sent):
        assert WORDS not in shown and PHONE not in shown and "12 Moo" not in shown


@pytest.mark.parametrize("step", ["main.menu", "report.description", "report.submitted"])
def test_a_forged_or_old_send_claims_nothing(world, step):
    phone = Phone(*world)
    phone.be_at(step, {"in_danger": "no"} if step == "report.description" else {})
    answer = " ".join(phone.tap("c|report.confirm|0"))
    assert phone.cases() == []
    assert answer.startswith(phone.text("ui.not_understood"))
    assert phone.at() == step  # they stay where they were


def test_a_send_with_no_answers_says_there_is_nothing_to_send(world):
    phone = Phone(*world)
    phone.be_at("report.confirm", {})
    answer = phone.tap("c|report.confirm|0")
    assert phone.cases() == []
    assert answer[0] == phone.text("intake.nothing_to_send")
    assert phone.at() == "main.menu"
    assert not any("{ref}" in t or phone.text("intake.submitted", ref="") in t for t in answer)


def test_cancelling_asks_first_and_only_yes_cancels(world):
    phone = Phone(*world)
    phone.be_at("report.confirm", ANSWERS)
    phone.tap("c|report.confirm|0")
    [case] = phone.cases()
    asked = phone.tap("c|report.submitted|0")  # "Cancel what I sent"
    assert asked[0] == phone.text("intake.cancel_confirm") and phone.cases()[0].status == "new"
    assert phone.tap("c|report.cancel_confirm|1")[0] == phone.text("intake.kept")  # "No, keep it"
    assert phone.cases()[0].status == "new"
    phone.tap("c|report.kept|0")
    assert phone.tap("c|report.cancel_confirm|0")[0] == phone.text("intake.report_cancelled")  # "Yes"
    assert phone.cases()[0].status == "cancelled"
    stale = phone.tap("c|report.cancel_confirm|0")  # an old "Yes" tapped again: not where they are
    assert stale[0] == phone.text("ui.not_understood") and phone.at() == "report.report_cancelled"
    phone.be_at("report.cancel_confirm", {"case_ref": case.reference})  # asked again, already cancelled
    again = phone.tap("c|report.cancel_confirm|0")
    assert again[0] == phone.text("intake.nothing_to_cancel") and phone.at() == "main.menu"
    assert len(phone.cases()) == 1 and phone.cases()[0].status == "cancelled"


def test_a_cancel_of_someone_elses_case_cancels_nothing(world):
    owner, stranger = Phone(*world), Phone(*world)
    owner.be_at("report.confirm", ANSWERS)
    owner.tap("c|report.confirm|0")
    [case] = owner.cases()
    stranger.be_at("report.cancel_confirm", {"case_ref": case.reference})
    answer = stranger.tap("c|report.cancel_confirm|0")
    assert answer[0] == stranger.text("intake.nothing_to_cancel")
    assert owner.cases()[0].status == "new"


def test_a_description_of_4999_characters_is_kept_whole(world):
    phone = Phone(*world, language="my")
    phone.be_at("report.description", {"in_danger": "no", "province": "57", "district": "5709"})
    words = ("သူဌေးက ကျွန်တော့် ပတ်စ်ပို့ကို သိမ်းထားတယ်။ " * 150)[:4999]
    assert len(words) == 4999
    answer = phone.say(words)
    assert phone.at() == "report.photos" and phone.text("ui.answer_cut", kept=5000) not in answer
    phone.tap("n|skip|report.photos")
    phone.tap("c|report.contact_ok|1")
    phone.tap("c|report.confirm|0")
    [case] = phone.cases()
    assert case.answers["description"] == words


def _apology_row(world, step: str) -> OutboxMessage:
    app, line = world
    hotline = app.extensions["hotline"]
    real = hotline.processor.responder

    class Breaks:
        """The real responder, except that one message makes it fail (a bug in a flow)."""

        def respond(self, event, conversation, session):
            if (event.get("message") or {}).get("text") == "boom":
                raise RuntimeError("a bug")
            return real.respond(event, conversation, session)

        def apology(self, conversation):
            return real.apology(conversation)

    hotline.processor.responder = Breaks()
    phone = Phone(app, line)
    phone.be_at(step, {"in_danger": "no"})
    assert phone.say("boom")[0] == phone.text("ui.apology")  # then the card of numbers (no words of theirs)
    with hotline.db.sessions() as session:
        return session.scalars(select(OutboxMessage).where(OutboxMessage.chat_key == phone.user)).one()


def test_the_apology_inside_a_report_is_never_pushed(world):
    assert _apology_row(world, "report.description").push_allowed is False


def test_the_apology_outside_a_report_may_be_pushed(world):
    assert _apology_row(world, "main.menu").push_allowed is True


def test_cutting_a_text_logs_its_length_never_its_words(caplog):
    from bot.render import fit
    from line_limits import MAX_TEXT_CHARS as MAX_TEXT

    address = "12 Moo 3, Wiang Phang Kham, Mae Sai "
    with caplog.at_level("DEBUG"):
        cut = fit(address * 200, MAX_TEXT)
    assert len(cut) == MAX_TEXT
    assert caplog.records and all("Moo" not in r.getMessage() and "Mae Sai" not in r.getMessage()
                                  for r in caplog.records)
    assert f"cut to {MAX_TEXT}" in caplog.records[0].getMessage()


def test_an_officer_command_typed_inside_a_report_is_never_pushed(world):
    app, line = world
    phone = Phone(app, line)
    phone.be_at("report.description", {"in_danger": "no"})
    phone.say("link 123456")  # the officers' desk answers it (a wrong code), not the flow
    assert phone.at() == "report.description"
    with app.extensions["hotline"].db.sessions() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.chat_key == phone.user)).one()
    assert row.push_allowed is False
