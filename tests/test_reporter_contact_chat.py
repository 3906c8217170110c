"""Issue 13 through the real responder (webhook -> worker -> FakeLine): the person's "stop"
in five languages (Zawgyi too) withdraws their consent and gets a neutral answer in their
language; `status REF` answers only for their own case, anyone else gets "not found"."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from flows import language as lang
from flows.engine import choice_data
from flows.loader import load_flows
from locales.catalogs import catalogs
from storage import consents
from storage.cases import Case, trail
from storage.models import Consent, Officer
from tests.support.chat import Chat, hotline_app, texts
from tests.support.committees import load_example

pytestmark = pytest.mark.integration

FLOWS = load_flows()
TEXTS = catalogs()
SEND = choice_data("report.confirm", 0)
CONSENT = {"sector": "fishing", "free_to_leave": "no", "contact_ok": "yes", "contact_how": "line",
           "contact_when": "anytime"}


@pytest.fixture(scope="module")
def app(tmp_path_factory, redis_url):
    with hotline_app(tmp_path_factory.mktemp("reporter"), redis_url) as (app, line):
        load_example(app.extensions["hotline"].db)
        yield app, line


def reported(chat: Chat, answers=None) -> Case:
    chat.be_at("report.confirm", answers or CONSENT)
    chat.tap(SEND)
    with chat.hotline.db.sessions() as session:
        case = session.query(Case).filter(Case.chat_key == chat.user).order_by(Case.id.desc()).first()
        session.expunge(case)
        return case


def consent_rows(chat: Chat, case: Case):
    with chat.hotline.db.sessions() as session:
        return {c.channel: (c.granted, c.revoked_at is not None) for c in consents.of_case(session, case.id)}


def test_send_records_the_consent_the_person_gave(app):
    chat = Chat(*app, language="en")
    case = reported(chat)
    assert consent_rows(chat, case) == {"line": (True, False), "phone": (False, False)}
    other = reported(Chat(*app, language="en"), {"sector": "fishing", "contact_ok": "no"})
    assert consent_rows(chat, other) == {"line": (False, False), "phone": (False, False)}


@pytest.mark.parametrize("language, word, zawgyi", [
    ("en", "STOP", False), ("th", "หยุด", False), ("my", "ရပ်ပါ", False), ("my", "ရပ်ပါ", True),
    ("km", "ឈប់", False), ("lo", "ຢຸດ", False)])
def test_stop_withdraws_every_consent_of_the_chat(app, language, word, zawgyi):
    chat = Chat(*app, language=language, zawgyi=zawgyi)
    first, second = reported(chat), reported(chat)
    chat.be_at("main.menu")
    answer = chat.say(lang.to_zawgyi(word) if zawgyi else word)
    expected = TEXTS.text(language, "intake.contact.stopped")
    assert texts(answer)[0] == (lang.to_zawgyi(expected) if zawgyi else expected)
    assert consent_rows(chat, first)["line"] == (True, True) and consent_rows(chat, second)["line"] == (True, True)
    with chat.hotline.db.sessions() as session:
        assert "consent_revoked" in [e.kind for e in trail(session, first.id)]


def test_a_longer_message_with_stop_in_it_is_not_a_stop(app):
    chat = Chat(*app, language="en")
    case = reported(chat)
    chat.be_at("main.menu")
    chat.say("the bus did not stop")
    assert consent_rows(chat, case)["line"] == (True, False)


@pytest.mark.parametrize("language, word", [("en", "status"), ("th", "สถานะ"), ("my", "အခြေအနေ"),
                                            ("km", "ស្ថានភាព"), ("lo", "ສະຖານະ")])
def test_status_of_ones_own_case(app, language, word):
    chat = Chat(*app, language=language)
    case = reported(chat)
    chat.be_at("main.menu")
    answer = chat.say(f"{word} {case.reference.lower()}")
    assert texts(answer) == [TEXTS.text(language, "intake.status.received", ref=case.reference)]
    assert chat.at() == "main.menu"   # where they were stays
    with chat.hotline.db.sessions() as session:
        session.get(Case, case.id).status = "closed"
        session.commit()
    answer = chat.say(f"{word} {case.reference}")
    assert texts(answer) == [TEXTS.text(language, "intake.status.finished", ref=case.reference)]


def test_status_of_someone_elses_case_is_not_found_like_a_wrong_code(app):
    owner = Chat(*app, language="en")
    case = reported(owner)
    stranger = Chat(*app, language="en")
    stranger.be_at("main.menu")
    theirs = texts(stranger.say(f"status {case.reference}"))
    wrong = texts(stranger.say("status ZZZ-999"))
    assert theirs == wrong == [TEXTS.text("en", "intake.status.not_found")]


def officer_chat(app, officer_id: str) -> Chat:
    """An officer's 1:1 chat, linked to `officer_id` (on duty around the clock)."""
    chat = Chat(*app, language="th")
    with chat.hotline.db.transaction() as session:
        session.get(Officer, officer_id).line_user_id = chat.user
    return chat


def pushed_to(line, user: str, since: int) -> list[str]:
    return [m["text"] for sent in line.sent[since:] if sent[0] == "push" and sent[1] == user for m in sent[2]]


def test_an_officers_message_and_the_reporters_answers_until_they_go_back_to_the_menu(app):
    _, line = app
    reporter = Chat(*app, language="km")
    case = reported(reporter, {**CONSENT, "province": "57", "district": "5709"})
    officer = officer_chat(app, "TH-NATIONAL-2")
    before = len(line.sent)
    officer.say(f"msg {case.reference} safe")
    assert pushed_to(line, reporter.user, before) == [TEXTS.text("km", "intake.msg.safe", ref=case.reference)]

    before = len(line.sent)
    answer = reporter.say("ខ្ញុំសុខសប្បាយ")       # "I am fine"
    assert texts(answer)[0] == TEXTS.text("km", "intake.talk.sent")
    assert reporter.at() == "contact.talking"
    assert pushed_to(line, officer.user, before) == [TEXTS.text(
        "th", "officer.msg.reply", reference=case.reference, language="ខ្មែរ", text="ខ្ញុំសុខសប្បាយ")]
    with reporter.hotline.db.sessions() as session:
        [event] = [e for e in trail(session, case.id) if e.kind == "reporter_reply"]
        assert event.detail["text"] == "ខ្ញុំសុខសប្បាយ"

    reporter.say("ម៉ឺនុយ")                         # the menu word: they leave that conversation
    assert reporter.at() == "main.menu"
    with reporter.hotline.db.sessions() as session:
        assert [c.talk_officer_id for c in session.scalars(select(Consent).where(Consent.case_id == case.id))
                if c.channel == "line"] == [None]
    before = len(line.sent)
    reporter.say("ខ្ញុំសុខសប្បាយ")
    assert pushed_to(line, officer.user, before) == []


def test_inside_a_report_the_answers_stay_in_the_report(app):
    _, line = app
    reporter = Chat(*app, language="en")
    case = reported(reporter, {**CONSENT, "province": "57", "district": "5709"})
    officer = officer_chat(app, "TH-NATIONAL-1")
    officer.say(f"msg {case.reference} received")
    reporter.be_at("report.description", {"sector": "fishing"})
    before = len(line.sent)
    reporter.say("they keep our papers")
    assert pushed_to(line, officer.user, before) == []
    assert reporter.at() != "contact.talking"
