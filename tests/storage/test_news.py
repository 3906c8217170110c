"""storage/news.py (issue 15): one subscription per chat, rewritten when changed; codes only;
`end_all` takes the chat's subscription and reminders and nobody else's; a language change
follows the person (a report's consent and news: tests/test_news_subscriptions.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage import news as news_store
from storage.models import NewsReminder, NewsSubscription

pytestmark = pytest.mark.integration

MINE = {"country": "mm", "document": "pink_card", "province": "57", "language": "my"}


def subscribed(db, chat: str, **changes):
    with db.transaction() as session:
        row = news_store.subscribe(session, chat, chat, **{**MINE, **changes})
        return row.id


def test_subscribing_twice_rewrites_the_one_row(db):
    first = subscribed(db, "U1")
    again = subscribed(db, "U1", country="kh", document="mou", province="all", language="km")
    assert first == again
    with db.sessions() as session:
        row = news_store.get(session, "U1")
        assert (row.country, row.document, row.province, row.language) == ("kh", "mou", "all", "km")
        assert session.scalar(select(func.count()).select_from(NewsSubscription)) == 1


@pytest.mark.parametrize("wrong", [{"country": "vn"}, {"document": "visa"}, {"province": "Chiang Rai"},
                                   {"province": "5"}, {"language": "fr"}])
def test_a_code_that_is_not_ours_is_never_stored(db, wrong):
    with db.transaction() as session, pytest.raises(ValueError):
        news_store.subscribe(session, "U2", "U2", **{**MINE, **wrong})
    with db.sessions() as session:
        assert news_store.get(session, "U2") is None


def test_zawgyi_is_kept_only_for_burmese(db):
    subscribed(db, "U3", zawgyi=True)
    subscribed(db, "U4", language="th", zawgyi=True)
    with db.sessions() as session:
        assert news_store.get(session, "U3").zawgyi is True
        assert news_store.get(session, "U4").zawgyi is False


def test_end_all_takes_the_chats_subscription_and_reminders_and_nobody_elses(db):
    subscribed(db, "U5")
    subscribed(db, "U6")
    with db.transaction() as session:
        for chat in ("U5", "U5", "U6"):
            session.add(NewsReminder(chat_key=chat, user_id=chat, details={"kind": "visa", "date": "2027-01-31"}))
    with db.transaction() as session:
        assert news_store.end_all(session, "U5") == 3
    with db.sessions() as session:
        assert news_store.get(session, "U5") is None
        assert session.scalars(select(NewsReminder.chat_key)).all() == ["U6"]
        assert news_store.get(session, "U6") is not None
    with db.transaction() as session:
        assert news_store.end_all(session, "U5") == 0   # nothing left: nothing to end


def test_set_language_follows_the_person_only_when_subscribed(db):
    subscribed(db, "U7")
    with db.transaction() as session:
        assert news_store.set_language(session, "U7", "my", True) is True
        assert news_store.set_language(session, "U8", "th", False) is False   # not subscribed: nothing made
        assert news_store.set_language(session, "U7", "xx", False) is False
    with db.sessions() as session:
        row = news_store.get(session, "U7")
        assert (row.language, row.zawgyi) == ("my", True)
        assert news_store.get(session, "U8") is None
    with db.transaction() as session:
        news_store.set_language(session, "U7", "lo", True)
    with db.sessions() as session:
        assert (news_store.get(session, "U7").language, news_store.get(session, "U7").zawgyi) == ("lo", False)
