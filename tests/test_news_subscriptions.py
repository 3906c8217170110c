"""News subscriptions (issue 15, point 1) in the engine and through the real responder
(webhook -> worker -> FakeLine): subscribe from the menu with a typed province (Thai or
English), a shared location or the whole country; see and change it; stop it from the menu,
with "stop" in five languages, by blocking the bot or by deleting one's data. A report's
consent makes nobody a subscriber, and subscribing touches no consent."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from flows import language as lang
from flows.engine import Engine, choice_data
from flows.loader import load_flows
from flows.model import Ask, Effect, Input, Say
from locales.catalogs import catalogs
from news.audience import Audience
from storage import broadcasts
from storage import news as news_store
from storage.cases import Case
from storage.models import Consent, NewsReminder, NewsSubscription
from tests.support.chat import Chat, hotline_app, texts
from tests.support.committees import load_example
from tests.support.events import follow_event, location_message, message_event, unfollow_event, user_source

FLOWS = load_flows()
TEXTS = catalogs()


def tap_label(step: str, label: str) -> str:
    """The postback data of the button of `step` labelled `label` (a message id)."""
    [index] = [i for i, c in enumerate(FLOWS.step(step).choices) if c.get("label") == label]
    return choice_data(step, index)


# -- the engine alone ---------------------------------------------------------------------------
def test_the_news_menu_offers_subscribe_my_news_reminders_and_stop():
    state, outputs = Engine(FLOWS).goto({}, "news.menu", time.time())
    [ask] = [o for o in outputs if isinstance(o, Ask)]
    assert [c.label for c in ask.choices][:4] == ["news.menu.subscribe", "news.menu.mine", "news.menu.reminders",
                                                   "news.menu.stop"]
    assert FLOWS.step("news.menu").choices[2]["go"] == "reminders.menu"


def test_the_province_question_takes_typed_words_a_place_or_the_whole_country():
    engine = Engine(FLOWS)
    state, outputs = engine.goto({"data": {"country": "mm", "document": "mou"}}, "news.province", time.time())
    [ask] = [o for o in outputs if isinstance(o, Ask)]
    assert ask.choices[0].kind == "location" and "news.province.all" in [c.label for c in ask.choices]
    typed, outputs = engine.handle(state, Input("text", text="  Chiang   Rai "), time.time(), lambda m: m)
    assert typed["at"] == "news.confirm" and typed["data"]["province"] == {"text": "Chiang Rai"}
    # the confirm step's words are written by news_show first, then said
    assert isinstance(outputs[0], Effect) and outputs[0].name == "news_show"
    assert isinstance(outputs[1], Say) and outputs[1].fields == {"news": "news_chosen"}
    shared, _ = engine.handle(state, Input("location", latitude=20.43, longitude=99.88, address="x"), time.time(),
                              lambda m: m)
    assert shared["data"]["province"] == {"latitude": 20.43, "longitude": 99.88, "address": "x"}
    whole, _ = engine.handle(state, Input("choice", data=tap_label("news.province", "news.province.all")),
                             time.time(), lambda m: m)
    assert whole["at"] == "news.confirm" and whole["data"]["province"] == "all"


def test_subscribe_happens_only_if_the_effect_says_so():
    engine = Engine(FLOWS)
    state = {"at": "news.confirm", "data": {"country": "mm", "document": "mou", "province": {"text": "x"}}}
    send = Input("choice", data=tap_label("news.confirm", "news.subscribe"))
    failed, _ = engine.handle(state, send, time.time(), lambda m: m, lambda effect, working: False)
    done, _ = engine.handle(state, send, time.time(), lambda m: m, lambda effect, working: True)
    assert (failed["at"], done["at"]) == ("news.not_found", "news.subscribed")


# -- through the responder ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory, redis_url):
    with hotline_app(tmp_path_factory.mktemp("news"), redis_url) as (app, line):
        load_example(app.extensions["hotline"].db)  # committees, for a report to be routed to
        yield app, line


def subscription(chat: Chat):
    with chat.hotline.db.sessions() as session:
        row = news_store.get(session, chat.user)
        if row is not None:
            session.expunge(row)
        return row


def reminders_of(chat: Chat) -> int:
    with chat.hotline.db.sessions() as session:
        return len(session.scalars(select(NewsReminder).where(NewsReminder.chat_key == chat.user)).all())


def with_reminder(chat: Chat) -> None:
    with chat.hotline.db.transaction() as session:
        session.add(NewsReminder(chat_key=chat.user, user_id=chat.user, details={"kind": "visa", "date": "2027-05-01"}))


def share(chat: Chat, latitude: float, longitude: float, address: str = "") -> list[dict]:
    chat.clock += 1000
    return chat._send(message_event(user_source(chat.user), location_message(latitude, longitude, address),
                                    timestamp=chat.clock))


def choose(chat: Chat, country: str = "mm", document: str = "pink_card") -> None:
    """From the news menu to the province question, by taps."""
    chat.tap(tap_label("news.menu", "news.menu.subscribe"))
    chat.tap(tap_label("news.country", f"news.country.{country}"))
    chat.tap(tap_label("news.document", f"news.document.{document}"))
    assert chat.at() == "news.province"


def subscribe(chat: Chat, place: str = "Chiang Rai", **choices) -> list[dict]:
    chat.be_at("news.menu")
    choose(chat, **choices)
    confirm = chat.say(place)
    assert chat.at() == "news.confirm", texts(confirm)
    return chat.tap(tap_label("news.confirm", "news.subscribe"))


@pytest.mark.integration
def test_subscribe_from_the_main_menu_with_a_typed_province(app):
    chat = Chat(*app, language="en")
    chat.be_at("main.menu")
    menu = chat.tap(tap_label("main.menu", "main.menu.news"))
    labels = [i["action"]["label"] for i in menu[-1]["quickReply"]["items"]]
    assert labels[:4] == ["Get news", "My news", "Reminders", "Stop news"]
    choose(chat, "mm", "pink_card")
    confirm = chat.say("Chiang Rai")
    assert texts(confirm)[0] == TEXTS.text("en", "news.confirm", news="• Myanmar\n• Pink card\n• Chiang Rai")
    assert subscription(chat) is None                  # nothing kept before Subscribe
    done = chat.tap(tap_label("news.confirm", "news.subscribe"))
    assert texts(done)[0] == TEXTS.text("en", "news.subscribed", news="• Myanmar\n• Pink card\n• Chiang Rai")
    row = subscription(chat)
    assert (row.country, row.document, row.province, row.language, row.zawgyi) == ("mm", "pink_card", "57", "en",
                                                                                     False)
    assert row.user_id == chat.user and chat.at() == "news.subscribed"


@pytest.mark.integration
@pytest.mark.parametrize("language, place, province", [
    ("th", "เชียงราย", "57"), ("th", "จังหวัดเชียงใหม่", "50"), ("km", "Bangkok", "10"), ("lo", "Mae Sai", "57"),
    ("my", "Samut Sakhon", "74"), ("th", "ทั้งประเทศ", "all"), ("en", "whole  COUNTRY", "all")])
def test_a_province_typed_in_thai_or_english_in_any_language_or_whole_country_typed(app, language, place, province):
    chat = Chat(*app, language=language)
    subscribe(chat, place)
    row = subscription(chat)
    assert (row.province, row.language) == (province, language)


@pytest.mark.integration
def test_a_shared_location_gives_its_province(app):
    chat = Chat(*app, language="th")
    chat.be_at("news.menu")
    choose(chat, "la", "border_pass")
    confirm = share(chat, 20.4335, 99.8762)          # Mae Sai: the nearest district point
    assert "เชียงราย" in texts(confirm)[0]
    chat.tap(tap_label("news.confirm", "news.subscribe"))
    assert subscription(chat).province == "57"
    other = Chat(*app, language="en")
    other.be_at("news.menu")
    choose(other)
    share(other, 13.7278, 100.5241, "Silom Rd, Bang Rak, Bangkok 10500, Thailand")   # by its address
    other.tap(tap_label("news.confirm", "news.subscribe"))
    assert subscription(other).province == "10"


@pytest.mark.integration
def test_whole_country(app):
    chat = Chat(*app, language="km")
    chat.be_at("news.menu")
    choose(chat, "kh", "unknown")
    confirm = chat.tap(tap_label("news.province", "news.province.all"))
    assert TEXTS.text("km", "news.province.all") in texts(confirm)[0]
    chat.tap(tap_label("news.confirm", "news.subscribe"))
    row = subscription(chat)
    assert (row.country, row.document, row.province) == ("kh", "unknown", "all")


@pytest.mark.integration
def test_a_province_not_found_is_asked_again_and_nothing_is_kept(app):
    chat = Chat(*app, language="en")
    chat.be_at("news.menu")
    choose(chat)
    confirm = chat.say("Atlantis")
    assert texts(confirm)[0].endswith(TEXTS.text("en", "news.confirm", news="• Myanmar\n• Pink card\n• ?")[-40:])
    failed = chat.tap(tap_label("news.confirm", "news.subscribe"))
    assert texts(failed)[0] == TEXTS.text("en", "news.province.not_found")
    assert chat.at() == "news.not_found" and subscription(chat) is None
    chat.tap(tap_label("news.not_found", "news.province.again"))
    assert chat.at() == "news.province"
    chat.say("Tak")
    chat.tap(tap_label("news.confirm", "news.subscribe"))
    assert subscription(chat).province == "63"


@pytest.mark.integration
def test_my_news_shows_it_in_words_and_change_rewrites_it(app):
    chat = Chat(*app, language="en")
    chat.be_at("news.menu")
    none = chat.tap(tap_label("news.menu", "news.menu.mine"))
    assert texts(none)[0] == TEXTS.text("en", "news.mine", news=TEXTS.text("en", "news.mine.none"))
    subscribe(chat, "Chiang Rai", country="mm", document="ci")
    chat.be_at("news.menu")
    mine = chat.tap(tap_label("news.menu", "news.menu.mine"))
    assert texts(mine)[0] == TEXTS.text("en", "news.mine", news="• Myanmar\n• CI\n• Chiang Rai")
    assert [i["action"]["label"] for i in mine[-1]["quickReply"]["items"]][:2] == ["Change", "Stop news"]
    chat.tap(tap_label("news.mine", "news.mine.change"))
    chat.tap(tap_label("news.country", "news.country.other"))
    chat.tap(tap_label("news.document", "news.document.mou"))
    chat.tap(tap_label("news.province", "news.province.all"))
    chat.tap(tap_label("news.confirm", "news.subscribe"))
    row = subscription(chat)
    assert (row.country, row.document, row.province) == ("other", "mou", "all")
    with chat.hotline.db.sessions() as session:   # the audience of Myanmar's news no longer has them
        assert chat.user not in _subscribers(session, Audience(countries=("mm",)))
        assert chat.user in _subscribers(session, Audience(countries=("other",), provinces=("50",)))


def _subscribers(session, audience: Audience) -> set[str]:
    return set(session.scalars(select(NewsSubscription.chat_key).where(*broadcasts.audience_filter(audience))))


@pytest.mark.integration
def test_thai_readers_see_the_thai_name_others_both(app):
    for language, expected in (("th", "เชียงราย"), ("en", "Chiang Rai"), ("my", "Chiang Rai (เชียงราย)")):
        chat = Chat(*app, language=language)
        done = subscribe(chat, "Chiang Rai")
        assert texts(done)[0].count(expected) == 1, (language, texts(done))


@pytest.mark.integration
def test_a_zawgyi_reader_subscribes_in_zawgyi_and_news_will_come_so(app):
    chat = Chat(*app, language="my", zawgyi=True)
    done = subscribe(chat, "Chiang Rai")
    news = TEXTS.text("my", "news.country.mm")
    assert lang.to_zawgyi(news) in texts(done)[0]
    row = subscription(chat)
    assert (row.language, row.zawgyi) == ("my", True)


@pytest.mark.integration
def test_choosing_another_language_moves_the_news_with_the_person(app):
    chat = Chat(*app, language="en")
    subscribe(chat)
    choices = FLOWS.step(FLOWS.language_step).choices
    [index] = [i for i, c in enumerate(choices) if c.get("args") == {"language": "my", "zawgyi": True}]
    chat.be_at(FLOWS.language_step)
    chat.tap(choice_data(FLOWS.language_step, index))
    row = subscription(chat)
    assert (row.language, row.zawgyi) == ("my", True)


@pytest.mark.integration
def test_stop_news_from_the_menu_asks_then_ends_news_and_reminders(app):
    chat = Chat(*app, language="lo")
    subscribe(chat)
    with_reminder(chat)
    chat.be_at("news.menu")
    chat.tap(tap_label("news.menu", "news.menu.stop"))
    assert subscription(chat) is not None                    # one tap never stops
    chat.tap(tap_label("news.stop_confirm", "news.stop.no"))
    assert subscription(chat) is not None and chat.at() == "news.menu"
    chat.tap(tap_label("news.menu", "news.menu.stop"))
    stopped = chat.tap(tap_label("news.stop_confirm", "news.stop.yes"))
    assert texts(stopped)[0] == TEXTS.text("lo", "news.stopped")
    assert subscription(chat) is None and reminders_of(chat) == 0


@pytest.mark.integration
@pytest.mark.parametrize("language, word, zawgyi", [
    ("en", "stop", False), ("th", "หยุด", False), ("my", "ရပ်ပါ", False), ("my", "ရပ်", True),
    ("km", "ឈប់", False), ("lo", "ຢຸດ", False)])
def test_stop_in_five_languages_ends_news_and_reminders(app, language, word, zawgyi):
    chat = Chat(*app, language=language, zawgyi=zawgyi)
    subscribe(chat)
    with_reminder(chat)
    chat.be_at("main.menu")
    answer = chat.say(lang.to_zawgyi(word) if zawgyi else word)
    expected = TEXTS.text(language, "intake.contact.stopped")
    assert texts(answer)[0] == (lang.to_zawgyi(expected) if zawgyi else expected)
    assert subscription(chat) is None and reminders_of(chat) == 0


@pytest.mark.integration
def test_blocking_the_bot_ends_news_and_reminders_and_unblocking_does_not_bring_them_back(app):
    chat = Chat(*app, language="en")
    subscribe(chat)
    with_reminder(chat)
    before = len(chat.line.sent)
    chat.clock += 1000
    chat._send(unfollow_event(chat.user, timestamp=chat.clock))
    assert subscription(chat) is None and reminders_of(chat) == 0
    assert len(chat.line.sent) == before                      # a block is not answered
    chat.clock += 1000
    chat._send(follow_event(chat.user, timestamp=chat.clock))
    assert subscription(chat) is None                          # unblocking subscribes nobody


@pytest.mark.integration
def test_delete_my_data_erases_news_and_reminders(app):
    chat = Chat(*app, language="en")
    subscribe(chat)
    with_reminder(chat)
    chat.be_at("main.delete_confirm")
    chat.tap(tap_label("main.delete_confirm", "main.delete.yes"))
    assert subscription(chat) is None and reminders_of(chat) == 0


@pytest.mark.integration
def test_a_reporter_gets_no_news_unless_they_subscribe_and_a_subscriber_needs_no_report(app):
    reporter = Chat(*app, language="en")
    reporter.be_at("report.confirm", {"sector": "fishing", "contact_ok": "yes", "contact_how": "line",
                                      "contact_when": "anytime"})
    reporter.tap(choice_data("report.confirm", 0))
    subscriber = Chat(*app, language="en")
    subscribe(subscriber)
    with reporter.hotline.db.sessions() as session:
        case = session.scalar(select(Case).where(Case.chat_key == reporter.user))
        assert session.scalar(select(Consent).where(Consent.case_id == case.id, Consent.channel == "line")).granted
        everyone = _subscribers(session, Audience())
    assert subscriber.user in everyone and reporter.user not in everyone
    subscribe(reporter)                                   # subscribing separately: now they are
    with reporter.hotline.db.sessions() as session:
        assert reporter.user in _subscribers(session, Audience())
        [consent] = session.scalars(select(Consent).where(Consent.case_id == case.id, Consent.channel == "line"))
        assert consent.granted and consent.revoked_at is None   # and their report's consent is as it was
