"""Every registered flow effect is fired through the real responder by a tap on the shipped
flows, and what it does is seen; a registered effect with no row here fails the meta-test,
so a new effect cannot ship untested (issue 12: effects are registered)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.conversation import FlowResponder
from flows.effects import EFFECTS
from flows.engine import choice_data
from flows.loader import load_flows
from storage import consents, reminders
from storage import news as news_store
from storage.cases import Case
from storage.models import Conversation, InboxEvent
from tests.support.chat import Chat, hotline_app, texts
from tests.support.committees import load_example

pytestmark = pytest.mark.integration

FLOWS = load_flows()


@pytest.fixture(scope="module")
def app(tmp_path_factory, redis_url):
    with hotline_app(tmp_path_factory.mktemp("effects"), redis_url) as (app, line):
        load_example(app.extensions["hotline"].db)  # committees, for a report to be routed to
        yield app, line


def tap_of(effect: str, **args) -> tuple[str, str]:
    """(step, postback data) of the first shipped choice that fires `effect` with these args."""
    for flow in FLOWS.flows.values():
        for step in flow.steps.values():
            for index, choice in enumerate(step.choices):
                if choice.get("effect") == effect and args.items() <= (choice.get("args") or {}).items():
                    return step.key, choice_data(step.key, index)
    raise AssertionError(f"no shipped choice fires {effect} {args}")


def conversation_of(chat: Chat) -> Conversation | None:
    with chat.hotline.db.sessions() as session:
        conversation = session.get(Conversation, chat.user)
        if conversation is not None:
            session.expunge(conversation)
        return conversation


def cases_of(chat: Chat) -> list[Case]:
    with chat.hotline.db.sessions() as session:
        return list(session.scalars(select(Case).where(Case.chat_key == chat.user)))


def submitted(chat: Chat, kind: str = "self") -> Case:
    """A report filed by tapping Send on the shipped confirm step (fires submit_report)."""
    step, data = tap_of("submit_report", kind=kind)
    chat.be_at(step, {"sector": "fishing", "free_to_leave": "no", "description": "QXZ words"})
    chat.tap(data)
    [case] = cases_of(chat)
    return case


def check_set_language(chat: Chat) -> None:
    step, data = tap_of("set_language", language="th")
    chat.be_at(step)
    answer = chat.tap(data)
    assert conversation_of(chat).language == "th"
    assert all(any("\u0e00" <= ch <= "\u0e7f" for ch in text) for text in texts(answer)), texts(answer)


def check_set_language_zawgyi(chat: Chat) -> None:
    step, data = tap_of("set_language", language="my", zawgyi=True)
    chat.be_at(step)
    chat.tap(data)
    conversation = conversation_of(chat)
    assert (conversation.language, conversation.zawgyi) == ("my", True)


def check_mark_urgent(chat: Chat) -> None:
    step, data = tap_of("mark_urgent")
    chat.be_at(step)
    chat.tap(data)
    assert conversation_of(chat).state["data"].get("urgent") is True


def check_submit_report(chat: Chat) -> None:
    case = submitted(chat, "tip")
    assert case.kind == "tip" and case.status == "new" and case.answers["description"] == "QXZ words"
    assert conversation_of(chat).state["data"] == {"case_ref": case.reference}


def check_cancel_report(chat: Chat) -> None:
    case = submitted(chat)
    step, data = tap_of("cancel_report")
    chat.be_at(step, {"case_ref": case.reference})
    chat.tap(data)
    [after] = cases_of(chat)
    assert after.status == "cancelled"
    assert chat.at() == FLOWS.step(step).choices[int(data.rsplit("|", 1)[1])]["go"]


def check_delete_my_data(chat: Chat) -> None:
    chat.say("hello")
    step, data = tap_of("delete_my_data")
    chat.be_at(step, {"description": "QXZ words"})
    chat.tap(data)
    assert conversation_of(chat) is None
    with chat.hotline.db.sessions() as session:
        assert not session.scalars(select(InboxEvent).where(InboxEvent.chat_key == chat.user)).all()


def check_revoke_consent(chat: Chat) -> None:
    step, data = tap_of("submit_report", kind="self")
    chat.be_at(step, {"sector": "fishing", "contact_ok": "yes", "contact_how": "line", "contact_when": "anytime"})
    chat.tap(data)
    answer = chat.say("stop")   # triggers.yaml: stop_contact -> contact.stop, whose effect this is
    assert texts(answer)[0] == chat.hotline.processor.responder.conversations.catalogs.text(
        "en", "intake.contact.stopped")
    [case] = cases_of(chat)
    with chat.hotline.db.sessions() as session:
        assert all(c.revoked_at is not None for c in consents.of_case(session, case.id))


def reminder_saved(chat: Chat, ends: str = "2031-07-23") -> None:
    """A visa's end date kept by tapping Save on the shipped confirm step (fires reminder_set)."""
    step, data = tap_of("reminder_set")
    chat.be_at(step, {"reminder_kind": "visa", "reminder_date": ends})
    chat.tap(data)


def reminders_of(chat: Chat) -> list:
    with chat.hotline.db.sessions() as session:
        return reminders.of_chat(session, chat.user)


def check_reminder_set(chat: Chat) -> None:
    reminder_saved(chat)
    assert [(r.kind, r.date.isoformat()) for r in reminders_of(chat)] == [("visa", "2031-07-23")]


def check_reminder_show(chat: Chat) -> None:
    reminder_saved(chat)
    chat.be_at("reminders.menu")
    [index] = [i for i, c in enumerate(FLOWS.step("reminders.menu").choices) if c["go"] == "reminders.show"]
    answer = chat.tap(choice_data("reminders.menu", index))
    assert "July 23, 2031" in texts(answer)[0]


def check_reminder_remove(chat: Chat) -> None:
    reminder_saved(chat)
    step, data = tap_of("reminder_remove")
    chat.be_at(step)
    chat.tap(data)
    assert reminders_of(chat) == []


def subscription_of(chat: Chat):
    with chat.hotline.db.sessions() as session:
        return news_store.get(session, chat.user)


def check_news_subscribe(chat: Chat) -> None:
    step, data = tap_of("news_subscribe")
    chat.be_at(step, {"country": "la", "document": "border_pass", "province": {"text": "Chiang Rai"}})
    chat.tap(data)
    row = subscription_of(chat)
    assert (row.country, row.document, row.province, row.language) == ("la", "border_pass", "57", "en")


def check_news_show(chat: Chat) -> None:
    check_news_subscribe(chat)
    [(step, data)] = [(s.key, choice_data(s.key, i)) for s in FLOWS.flows["news"].steps.values()
                      for i, c in enumerate(s.choices) if s.key == "news.menu"
                      and (FLOWS.step(c["go"]).effect or {}).get("name") == "news_show"]
    chat.be_at(step)
    answer = chat.tap(data)
    assert "• Laos\n• Border pass\n• Chiang Rai" in texts(answer)[0]


def check_news_stop(chat: Chat) -> None:
    check_news_subscribe(chat)
    step, data = tap_of("news_stop")
    chat.be_at(step)
    chat.tap(data)
    assert subscription_of(chat) is None


@dataclass(frozen=True)
class Firing:
    effect: str
    check: Callable[[Chat], None]
    language: str | None = "en"


# Each registered effect -> how a person fires it and what they (or the committee) then see.
FIRINGS = [
    Firing("set_language", check_set_language, language=None),
    Firing("set_language", check_set_language_zawgyi, language=None),
    Firing("mark_urgent", check_mark_urgent),
    Firing("submit_report", check_submit_report),
    Firing("cancel_report", check_cancel_report),
    Firing("delete_my_data", check_delete_my_data),
    Firing("revoke_consent", check_revoke_consent),
    Firing("reminder_set", check_reminder_set),
    Firing("reminder_show", check_reminder_show),
    Firing("reminder_remove", check_reminder_remove),


    Firing("news_subscribe", check_news_subscribe),
    Firing("news_show", check_news_show),
    Firing("news_stop", check_news_stop),
]


@pytest.mark.parametrize("firing", FIRINGS, ids=lambda f: f.check.__name__.removeprefix("check_"))
def test_each_effect_does_what_it_says_through_the_responder(app, firing):
    chat = Chat(*app, language=firing.language)
    firing.check(chat)


def test_every_registered_effect_is_fired_by_a_test():
    assert set(EFFECTS) == {firing.effect for firing in FIRINGS}


def test_the_bot_has_one_handler_for_each_registered_effect():
    assert set(FlowResponder.EFFECT_HANDLERS) == set(EFFECTS)
