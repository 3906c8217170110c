"""News subscriptions end to end (issue 15, point 6): through the LINE emulator, the web app and
a real worker process, a person subscribes from the menu, changes it, stops it (the news
menu's Stop, or the word "stop"), and blocking the bot ends it. Every answer is a reply."""
from __future__ import annotations

import pytest

from flows.engine import choice_data
from flows.loader import load_flows
from locales.catalogs import catalogs
from storage import news as news_store
from storage.models import NewsReminder
from tests.support.reporter import Reporter
from tests.support.servers import wait_for
from tests.support.stack import texts

pytestmark = [pytest.mark.integration, pytest.mark.stack(scope="module")]

FLOWS = load_flows()
TEXTS = catalogs()


def button(step: str, label: str) -> str:
    [index] = [i for i, c in enumerate(FLOWS.step(step).choices) if c.get("label") == label]
    return choice_data(step, index)


def labels(delivery: dict) -> list[str]:
    return [item["action"]["label"] for item in delivery["messages"][-1].get("quickReply", {}).get("items", [])]


def subscription(stack, user: str):
    with stack.app.extensions["hotline"].db.sessions() as session:
        row = news_store.get(session, user)
        if row is not None:
            session.expunge(row)
        return row


def reminders(stack, user: str) -> int:
    with stack.app.extensions["hotline"].db.sessions() as session:
        return session.query(NewsReminder).filter(NewsReminder.chat_key == user).count()


class Person(Reporter):
    """One person on the emulator: what they say, tap and share, and the answer each gets."""

    def say(self, text: str) -> dict:
        self.stack.say(self.user, text)
        return self.answer()

    def share(self, latitude: float, longitude: float, address: str = "") -> dict:
        self.stack.send(self.user, type="location", latitude=latitude, longitude=longitude, address=address)
        return self.answer()

    def news_menu(self) -> dict:
        self.say("menu")
        return self.tap(button("main.menu", "main.menu.news"))

    def subscribe(self, country: str, document: str, place: str | None = None) -> dict:
        """From the news menu (on screen) to the confirm step; `place` typed, or the whole country."""
        self.tap(button("news.menu", "news.menu.subscribe"))
        self.tap(button("news.country", f"news.country.{country}"))
        self.tap(button("news.document", f"news.document.{document}"))
        if place is None:
            return self.tap(button("news.province", "news.province.all"))
        return self.say(place)


def person(stack, language: str) -> Person:
    user = stack.user(language)
    someone = Person(stack, user, FLOWS)
    someone.say("hello")                  # first contact: the welcome and the menu
    return someone


def test_subscribe_from_the_menu_then_change_it(stack):
    someone = person(stack, "en")
    menu = someone.news_menu()
    assert labels(menu)[:4] == ["Get news", "My news", "Reminders", "Stop news"]
    confirm = someone.subscribe("mm", "pink_card", "Chiang Rai")
    assert texts(confirm)[0] == TEXTS.text("en", "news.confirm", news="• Myanmar\n• Pink card\n• Chiang Rai")
    assert labels(confirm)[0] == "Subscribe"
    done = someone.tap(button("news.confirm", "news.subscribe"))
    assert "Chiang Rai" in texts(done)[0]
    row = subscription(stack, someone.user)
    assert (row.country, row.document, row.province, row.language) == ("mm", "pink_card", "57", "en")

    someone.news_menu()
    mine = someone.tap(button("news.menu", "news.menu.mine"))
    assert texts(mine)[0] == TEXTS.text("en", "news.mine", news="• Myanmar\n• Pink card\n• Chiang Rai")
    someone.tap(button("news.mine", "news.mine.change"))
    someone.tap(button("news.country", "news.country.kh"))
    someone.tap(button("news.document", "news.document.mou"))
    confirm = someone.share(13.7278, 100.5241, "Silom Rd, Bang Rak, Bangkok 10500, Thailand")
    assert "Bangkok" in texts(confirm)[0]
    someone.tap(button("news.confirm", "news.subscribe"))
    row = subscription(stack, someone.user)
    assert (row.country, row.document, row.province) == ("kh", "mou", "10")
    paths = {d["path"] for d in stack.delivered(someone.user)}
    assert paths == {"/v2/bot/message/reply"}             # answers only: nothing pushed


def test_stop_news_from_the_news_menu(stack):
    someone = person(stack, "km")
    someone.news_menu()
    someone.subscribe("kh", "unknown")
    someone.tap(button("news.confirm", "news.subscribe"))
    assert subscription(stack, someone.user).province == "all"
    someone.news_menu()
    someone.tap(button("news.menu", "news.menu.stop"))
    stopped = someone.tap(button("news.stop_confirm", "news.stop.yes"))
    assert texts(stopped)[0] == TEXTS.text("km", "news.stopped")
    assert subscription(stack, someone.user) is None


@pytest.mark.parametrize("language, word", [("th", "หยุด"), ("my", "ရပ်ပါ"), ("lo", "ຢຸດ")])
def test_the_word_stop_ends_news_and_reminders(stack, language, word):
    someone = person(stack, language)
    someone.news_menu()
    someone.subscribe("la", "border_pass", "เชียงราย")
    someone.tap(button("news.confirm", "news.subscribe"))
    assert subscription(stack, someone.user).province == "57"
    with stack.app.extensions["hotline"].db.transaction() as session:
        session.add(NewsReminder(chat_key=someone.user, user_id=someone.user,
                                 details={"kind": "work_permit", "date": "2027-03-01"}))
    answer = someone.say(word)
    assert texts(answer)[0] == TEXTS.text(language, "intake.contact.stopped")
    assert subscription(stack, someone.user) is None and reminders(stack, someone.user) == 0


def test_blocking_the_bot_ends_news_and_reminders(stack):
    someone = person(stack, "my")
    someone.news_menu()
    someone.subscribe("mm", "ci", "Mae Sai")
    someone.tap(button("news.confirm", "news.subscribe"))
    assert subscription(stack, someone.user).province == "57"
    with stack.app.extensions["hotline"].db.transaction() as session:
        session.add(NewsReminder(chat_key=someone.user, user_id=someone.user,
                                 details={"kind": "ninety_day", "date": "2027-01-10"}))
    stack.send(someone.user, type="unfollow")
    wait_for(lambda: subscription(stack, someone.user) is None and reminders(stack, someone.user) == 0,
             message=f"news ended by the block\n{stack.worker_logs()}")
    stack.send(someone.user, type="follow")               # unblocking is welcomed, not subscribed
    someone.answer()
    assert subscription(stack, someone.user) is None
